import { Router, type Request, type Response } from 'express';
import { isSsprError } from '../../../core/errors.ts';
import type { DashboardDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { pendingLoginSchema } from './oidc.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { clearCookie, createSession, LOGIN_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './sessions.ts';

/** How long an OIDC sign-in in flight stays valid. */
const LOGIN_MINUTES = 10;

/** Only same-site paths are followed after sign-in (no open redirect). */
const safeReturn = (value: unknown): string => (typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/');

/**
 * The browser's sign-in routes (not JSON API routes): `GET /auth/link?code=` (the one-time admin link),
 * `GET /auth/login` (to the identity provider) and `GET /auth/callback` (back from it). Each ends in a redirect to
 * the app with a session cookie, or to `/signin?error=` saying why not.
 */
export function browserAuthRouter(deps: DashboardDeps): Router {
  const router = Router();
  const hours = deps.dashboard.sessionHours;
  const signedIn = async (res: Response, who: Parameters<typeof createSession>[1], to: string): Promise<void> => {
    const now = deps.now();
    // Expired sessions, sign-ins in flight and links are cleared here, as people sign in: no timer to run.
    await deps.store.purgeAuthRecords(now.toISOString());
    const { secret, data } = await createSession(deps.store, who, now, hours);
    setCookie(res, SESSION_COOKIE, secret, 'strict', new Date(data.expiresAt));
    deps.log.info({ user: who.actor.name, role: who.role, via: who.actor.via }, 'signed in');
    res.redirect(303, to);
  };
  const refuse = (res: Response, error: string): void => res.redirect(303, `/signin?error=${encodeURIComponent(error)}`);

  router.get('/link', async (req: Request, res: Response) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const now = deps.now();
    const used = code !== '' ? await deps.store.takeAuthRecord('link', hashSecret(code), now.toISOString()) : undefined;
    if (used === undefined) {
      refuse(res, 'link-used-or-expired');
      return;
    }
    await signedIn(res, { actor: { name: 'local admin', role: 'admin', via: 'link' }, role: 'admin' }, '/');
  });

  router.get('/login', async (req: Request, res: Response) => {
    if (deps.oidc === undefined) {
      sendError(res, 404, 'NOT_FOUND', 'OpenID Connect sign-in is not configured (dashboard.oidc)');
      return;
    }
    const { url, pending } = await deps.oidc.start(safeReturn(req.query.returnTo));
    const key = newSecret();
    const expires = new Date(deps.now().getTime() + LOGIN_MINUTES * 60_000);
    await deps.store.putAuthRecord('login', hashSecret(key), pending, expires.toISOString());
    setCookie(res, LOGIN_COOKIE, key, 'lax', expires);
    res.redirect(303, url);
  });

  router.get('/callback', async (req: Request, res: Response) => {
    const key = readCookie(req, LOGIN_COOKIE);
    clearCookie(res, LOGIN_COOKIE, 'lax');
    const raw = key !== undefined && deps.oidc !== undefined ? await deps.store.takeAuthRecord('login', hashSecret(key), deps.now().toISOString()) : undefined;
    const pending = pendingLoginSchema.safeParse(raw);
    if (!pending.success || deps.oidc === undefined) {
      refuse(res, 'sign-in-expired');
      return;
    }
    try {
      const who = await deps.oidc.finish(new URL(req.originalUrl.replace(/^\/+/, ''), deps.publicUrl), pending.data);
      await signedIn(res, who, pending.data.returnTo);
    } catch (error) {
      if (!isSsprError(error)) throw error;
      deps.log.warn({ code: error.code, reason: error.message }, 'sign-in refused');
      refuse(res, error.code === 'FORBIDDEN' ? 'no-role' : 'sign-in-failed');
    }
  });
  return router;
}
