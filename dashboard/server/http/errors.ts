import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { isSsprError, SsprError, type ErrorCode } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';

/** The error body every API error has: clients match on `error.code`. */
export const apiErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string() }),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** HTTP status of each error code the API answers with; any other code is a 500. */
const statusOf: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  USAGE: 400,
  UNAUTHENTICATED: 401,
  OIDC_SIGNIN_FAILED: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFIG_INVALID: 409,
  DETECTOR_PARAMS_INVALID: 409,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
};

export function httpStatusOf(error: SsprError): number {
  return statusOf[error.code] ?? 500;
}

export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  const body: ApiErrorBody = { error: { code, message }, ...(details !== undefined ? { details } : {}) };
  res.status(status).json(body);
}

/** zod issues as 400 details: where (`query.limit`) and what is wrong. */
export function issueDetails(where: string, error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
}

/** Express's error handler: coded errors keep their code; body-parser failures are 400; anything else a logged 500. */
export function errorHandler(log: Logger) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isSsprError(error)) {
      const status = httpStatusOf(error);
      if (status >= 500) log.error({ err: error }, 'request failed');
      sendError(res, status, error.code, error.message, error.details);
      return;
    }
    const http = error as { status?: number; type?: string; message?: string };
    if (typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
      // body-parser: malformed JSON, a body over the limit, a wrong charset.
      sendError(res, http.status, 'BAD_REQUEST', `request body: ${http.message ?? http.type ?? 'unreadable'}`);
      return;
    }
    log.error({ err: error }, 'request failed');
    sendError(res, 500, 'INTERNAL', 'internal error (logged on the server)');
  };
}

export { SsprError };
