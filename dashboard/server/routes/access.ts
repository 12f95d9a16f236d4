import { z } from 'zod';
import { roleSchema } from '../../../core/access.ts';
import { SsprError } from '../../../core/errors.ts';
import { needsAdminLink } from '../auth/admin-link.ts';
import { createApiToken } from '../auth/tokens.ts';
import { none, route } from '../http/route.ts';

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiToken' });

const signInOptionsSchema = z.object({ oidc: z.boolean(), link: z.boolean().meta({ description: 'true while no admin token exists: `sspr serve` prints a one-time admin link' }) });
const sessionSchema = z.object({ name: z.string(), role: roleSchema, via: z.string(), csrfToken: z.string().nullable() });
const createdTokenSchema = z.object({ token: z.string(), role: roleSchema, name: z.string(), id: z.string() });
export type SignInOptions = z.infer<typeof signInOptionsSchema>;
export type SessionInfo = z.infer<typeof sessionSchema>;
export type TokenInfo = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;

/** Who is signed in, the CSRF token, and API token management. */
export const accessRoutes = [
  route({
    method: 'get',
    path: '/signin-options',
    summary: 'How people can sign in here (public)',
    role: 'public',
    params: none,
    query: none,
    body: none,
    response: signInOptionsSchema,
    async handler(_input, { deps }) {
      return { oidc: deps.oidc !== undefined, link: await needsAdminLink(deps.store) };
    },
  }),
  route({
    method: 'get',
    path: '/session',
    summary: "The caller: name, role, how they signed in, and (cookie sessions) the CSRF token to send in x-csrf-token",
    role: 'viewer',
    params: none,
    query: none,
    body: none,
    response: sessionSchema,
    async handler(_input, { caller }) {
      return { name: caller.actor.name, role: caller.role, via: caller.actor.via, csrfToken: caller.csrfToken ?? null };
    },
  }),
  route({
    method: 'delete',
    path: '/session',
    summary: 'Signs out (ends the cookie session)',
    role: 'viewer',
    params: none,
    query: none,
    body: none,
    response: z.object({ signedOut: z.boolean() }),
    async handler(_input, { deps, caller }) {
      if (caller.sessionKey !== undefined) await deps.store.deleteAuthRecord('session', caller.sessionKey);
      return { signedOut: caller.sessionKey !== undefined };
    },
  }),
  route({
    method: 'get',
    path: '/tokens',
    summary: 'API tokens (never their secrets), oldest first',
    role: 'admin',
    params: none,
    query: none,
    body: none,
    response: z.object({ items: z.array(tokenSchema) }),
    async handler(_input, { deps }) {
      return { items: await deps.store.listTokens() };
    },
  }),
  route({
    method: 'post',
    path: '/tokens',
    summary: 'Creates an API token; the secret is in this response only',
    role: 'admin',
    params: none,
    query: none,
    body: z.strictObject({ name: z.string().trim().min(1).max(100), role: roleSchema }),
    response: createdTokenSchema,
    status: 201,
    errors: [409],
    async handler({ body }, { deps, caller }) {
      const { token, record } = await createApiToken(deps.store, { name: body.name, role: body.role, createdBy: caller.actor.name }, deps.now());
      deps.log.info({ token: record.id, name: record.name, role: record.role, by: caller.actor.name }, 'api token created');
      return { token, role: record.role, name: record.name, id: record.id };
    },
  }),
  route({
    method: 'delete',
    path: '/tokens/{id}',
    summary: 'Revokes an API token by id or name',
    role: 'admin',
    params: z.object({ id: z.string().min(1) }),
    query: none,
    body: none,
    response: tokenSchema,
    errors: [404],
    async handler({ params }, { deps, caller }) {
      const revoked = await deps.store.revokeToken(params.id, deps.now().toISOString());
      if (revoked === undefined) throw new SsprError('NOT_FOUND', `no live token with id or name ${params.id}`);
      deps.log.info({ token: revoked.id, by: caller.actor.name }, 'api token revoked');
      return revoked;
    },
  }),
];
