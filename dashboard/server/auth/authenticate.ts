import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { roleAtLeast, type Role } from '../../../core/access.ts';
import type { Caller, DashboardDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { readCookie, readSession, SESSION_COOKIE } from './sessions.ts';
import { sameSecret } from './secrets.ts';
import { tokenFor } from './tokens.ts';

/** The header a cookie-authenticated state-changing request carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Last-use times are written at most this often per token (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export const callerOf = (res: Response): Caller | undefined => res.locals.caller as Caller | undefined;

/**
 * Resolves the caller of an API request: a bearer API token (`Authorization: Bearer sspr_…`), else the session
 * cookie. A bearer header that names no live token is a 401 at once; no credentials at all leaves the caller
 * unset, for the route to refuse or (public routes) allow.
 */
export function authenticate(deps: DashboardDeps): RequestHandler {
  const touched = new Map<string, number>();
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const token = match?.[1] !== undefined ? await tokenFor(deps.store, match[1]) : undefined;
      if (token === undefined) {
        sendError(res, 401, 'UNAUTHENTICATED', 'the bearer token is not a live sspr-watch API token');
        return;
      }
      const now = deps.now();
      if (now.getTime() - (touched.get(token.id) ?? 0) >= TOUCH_EVERY_MS) {
        touched.set(token.id, now.getTime());
        await deps.store.touchToken(token.id, now.toISOString());
      }
      res.locals.caller = { actor: { name: `token:${token.name}`, role: token.role, via: 'token' }, role: token.role } satisfies Caller;
      res.locals.tokenId = token.id;
      next();
      return;
    }
    const secret = readCookie(req, SESSION_COOKIE);
    const session = secret !== undefined ? await readSession(deps.store, secret, deps.now()) : undefined;
    if (session !== undefined) {
      res.locals.caller = { actor: session.data.actor, role: session.data.role, csrfToken: session.data.csrf, sessionKey: session.key } satisfies Caller;
    }
    next();
  };
}

/** Refuses a caller below `role` (401 without credentials, 403 with too little), and a cookie call without its CSRF token. */
export function authorize(role: Role | 'public'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (role === 'public') {
      next();
      return;
    }
    const caller = callerOf(res);
    if (caller === undefined) {
      sendError(res, 401, 'UNAUTHENTICATED', 'sign in, or send an API token as "Authorization: Bearer sspr_…"');
      return;
    }
    if (!roleAtLeast(caller.role, role)) {
      sendError(res, 403, 'FORBIDDEN', `this needs the ${role} role; ${caller.actor.name} has ${caller.role}`);
      return;
    }
    const changes = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (changes && caller.csrfToken !== undefined) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, caller.csrfToken)) {
        sendError(res, 403, 'CSRF_TOKEN_INVALID', `a signed-in change must send the session's CSRF token in ${CSRF_HEADER} (GET /api/v1/session gives it)`);
        return;
      }
    }
    next();
  };
}

/** Rate limits: sign-in attempts and failed credentials per address, and requests per API token. */
export function rateLimiters(deps: DashboardDeps): { signIn: RequestHandler; failedCredentials: RequestHandler; tokenUse: RequestHandler } {
  const { signIn, tokenRequests, windowSeconds } = deps.dashboard.rateLimits;
  const common = {
    windowMs: windowSeconds * 1000,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    handler: (_req: Request, res: Response) => sendError(res, 429, 'RATE_LIMITED', `too many requests; try again in ${windowSeconds} s`),
  };
  return {
    signIn: rateLimit({ ...common, limit: signIn, identifier: 'sign-in' }),
    // Only refused credentials count: a guessing client is slowed, a working one is not.
    failedCredentials: rateLimit({ ...common, limit: signIn, identifier: 'credentials', skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => res.statusCode !== 401 }),
    tokenUse: rateLimit({
      ...common,
      limit: tokenRequests,
      identifier: 'token',
      skip: (_req, res) => res.locals.tokenId === undefined,
      keyGenerator: (_req, res) => String(res.locals.tokenId),
    }),
  };
}
