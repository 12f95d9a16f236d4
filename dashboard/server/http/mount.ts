import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { authorize, callerOf } from '../auth/authenticate.ts';
import type { Caller, DashboardDeps } from '../deps.ts';
import { issueDetails, sendError } from './errors.ts';
import { none, type AnyRoute } from './route.ts';

/** `/findings/{id}` → `/findings/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

const anonymous: Caller = { actor: { name: 'anonymous', via: 'system' }, role: 'viewer' };

/**
 * The thin express adapter: for each route, authorization, then params, query and body validated by the route's
 * schemas (a 400 lists every problem with its path), then the plain handler, whose result is sent as JSON.
 */
export function mountRoutes(routes: readonly AnyRoute[], deps: DashboardDeps): Router {
  const router = Router();
  for (const r of routes) {
    router[r.method](expressPath(r.path), authorize(r.role), async (req: Request, res: Response) => {
      const parts = [
        ['params', r.params, req.params],
        ['query', r.query, req.query],
        ['body', r.body, r.body === none ? {} : (req.body ?? {})],
      ] as const;
      const input: Record<string, unknown> = {};
      const problems: Array<{ path: string; message: string }> = [];
      for (const [where, schema, value] of parts) {
        const parsed = (schema as z.ZodType).safeParse(value);
        if (parsed.success) input[where] = parsed.data;
        else problems.push(...issueDetails(where, parsed.error));
      }
      if (problems.length > 0) {
        sendError(res, 400, 'BAD_REQUEST', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
        return;
      }
      const result = await r.handler(input as Parameters<AnyRoute['handler']>[0], { deps, caller: callerOf(res) ?? anonymous });
      res.status(r.status ?? 200).json(result);
    });
  }
  return router;
}
