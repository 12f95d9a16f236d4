import type { Request, Response } from 'express';
import { z } from 'zod';
import { roleSchema, type Role } from '../../../core/access.ts';
import type { Actor, Store } from '../../../store/contract.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** The session cookie: HttpOnly, Secure, SameSite=Strict, whole site. Its value is a random secret; the store keeps its hash. */
export const SESSION_COOKIE = 'sspr_session';
/**
 * The cookie that carries an OIDC sign-in in flight from /auth/login to /auth/callback. SameSite=Lax, because the
 * callback is a top-level navigation from the identity provider's site, which a Strict cookie would not follow.
 */
export const LOGIN_COOKIE = 'sspr_login';

const sessionDataSchema = z.object({
  actor: z.object({ name: z.string(), role: roleSchema.optional(), via: z.enum(['oidc', 'link', 'token', 'system']) }),
  role: roleSchema,
  csrf: z.string().min(32),
  expiresAt: z.string(),
});
export type SessionData = z.infer<typeof sessionDataSchema>;

/** Starts a session for `actor`; returns the cookie secret (shown to nobody else) and what is stored. */
export async function createSession(store: Store, who: { actor: Actor; role: Role }, now: Date, hours: number): Promise<{ secret: string; data: SessionData }> {
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
  const data: SessionData = { actor: who.actor, role: who.role, csrf: newSecret(), expiresAt };
  await store.putAuthRecord('session', hashSecret(secret), data, expiresAt);
  return { secret, data };
}

/** The live session a cookie secret belongs to, with its store key. */
export async function readSession(store: Store, secret: string, now: Date): Promise<{ key: string; data: SessionData } | undefined> {
  const key = hashSecret(secret);
  const raw = await store.getAuthRecord('session', key, now.toISOString());
  const parsed = sessionDataSchema.safeParse(raw);
  return parsed.success ? { key, data: parsed.data } : undefined;
}

/** One cookie's value from the request's Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Sets a cookie the way every sspr-watch cookie is set: HttpOnly, Secure, the given SameSite, whole site. */
export function setCookie(res: Response, name: string, value: string, sameSite: 'strict' | 'lax', expires: Date): void {
  res.cookie(name, value, { httpOnly: true, secure: true, sameSite, path: '/', expires });
}

export function clearCookie(res: Response, name: string, sameSite: 'strict' | 'lax'): void {
  res.clearCookie(name, { httpOnly: true, secure: true, sameSite, path: '/' });
}
