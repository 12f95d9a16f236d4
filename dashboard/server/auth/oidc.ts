import * as client from 'openid-client';
import { z } from 'zod';
import { roleSchema, type Role } from '../../../core/access.ts';
import { SsprError } from '../../../core/errors.ts';
import type { Actor } from '../../../store/contract.ts';
import type { OidcConfig } from '../config.ts';

/** What is kept between sending the browser to the identity provider and its return (PKCE, state, nonce). */
export const pendingLoginSchema = z.object({ verifier: z.string(), state: z.string(), nonce: z.string(), returnTo: z.string() });
export type PendingLogin = z.infer<typeof pendingLoginSchema>;

/** OpenID Connect sign-in with authorization code + PKCE (openid-client), claims mapped to an sspr-watch role. */
export interface OidcClient {
  start(returnTo: string): Promise<{ url: string; pending: PendingLogin }>;
  /** Exchanges the code on `callbackUrl`, validates the ID token, maps its claims; throws OIDC_SIGNIN_FAILED or FORBIDDEN. */
  finish(callbackUrl: URL, pending: PendingLogin): Promise<{ actor: Actor; role: Role }>;
}

const isLoopback = (url: URL): boolean => ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);

/**
 * The role the ID token's claims give: the most privileged role one of whose configured values appears in
 * `roleClaim`. Entra sends `_claim_names.groups` instead of the groups when a user is in too many (the "groups
 * overage"); that is refused with advice to use app roles, as Microsoft recommends.
 */
export function roleFromClaims(claims: Record<string, unknown>, config: OidcConfig): Role | undefined {
  const names = claims._claim_names;
  if (typeof names === 'object' && names !== null && config.roleClaim in names) {
    throw new SsprError('OIDC_SIGNIN_FAILED', `the ID token does not carry "${config.roleClaim}" (too many groups for a token); map app roles instead (roleClaim: "roles")`);
  }
  const raw = claims[config.roleClaim];
  const values = new Set((Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'));
  for (const role of [...roleSchema.options].reverse()) {
    if (config.roles[role].some((v) => values.has(v))) return role;
  }
  return undefined;
}

export function createOidcClient(config: OidcConfig, redirectUri: string, clientSecret: string | undefined): OidcClient {
  const issuer = new URL(config.issuer);
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) {
    throw new SsprError('CONFIG_INVALID', `dashboard.oidc.issuer must be https (plain http only on loopback): ${config.issuer}`);
  }
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, config.clientId, undefined, clientSecret !== undefined ? client.ClientSecretPost(clientSecret) : client.None(), {
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((cause: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw new SsprError('OIDC_SIGNIN_FAILED', `cannot reach the identity provider at ${config.issuer}: ${(cause as Error).message}`, { cause });
      });
    return discovered;
  };

  return {
    async start(returnTo) {
      const oidc = await configuration();
      const pending: PendingLogin = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), returnTo };
      const url = client.buildAuthorizationUrl(oidc, {
        redirect_uri: redirectUri,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },
    async finish(callbackUrl, pending) {
      const oidc = await configuration();
      let claims: Record<string, unknown> | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(oidc, callbackUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (cause) {
        throw new SsprError('OIDC_SIGNIN_FAILED', `sign-in was not completed: ${(cause as Error).message}`, { cause });
      }
      if (claims === undefined) throw new SsprError('OIDC_SIGNIN_FAILED', 'the identity provider returned no ID token');
      const name = [claims[config.nameClaim], claims.email, claims.sub].find((v): v is string => typeof v === 'string' && v !== '') ?? 'unknown';
      const role = roleFromClaims(claims, config);
      if (role === undefined) {
        throw new SsprError('FORBIDDEN', `${name} signed in, but none of their "${config.roleClaim}" values is mapped to an sspr-watch role`);
      }
      return { actor: { name, role, via: 'oidc' }, role };
    },
  };
}
