import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test identity provider knows: the claims its ID tokens carry. */
export interface TestAccount {
  name: string;
  roles?: string[];
  groups?: string[];
}

export interface OpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the relying party's redirect URI and starts answering (the provider needs its clients up front). */
  start(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1:0 with its development login pages:
 * any account id from `accounts` signs in with any password. ID tokens carry `preferred_username`, `roles` and
 * `groups`, as Entra ID's do for app roles and group claims.
 */
export async function openIdProvider(accounts: Record<string, TestAccount>): Promise<OpenIdProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'sspr-watch';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  return {
    issuer,
    clientId,
    clientSecret,
    start(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
        async findAccount(_ctx, id) {
          const account = accounts[id];
          if (account === undefined) return undefined;
          return {
            accountId: id,
            async claims() {
              return { sub: id, preferred_username: account.name, name: account.name, roles: account.roles ?? [], groups: account.groups ?? [] };
            },
          };
        },
        claims: { openid: ['sub', 'roles', 'groups'], profile: ['preferred_username', 'name'] },
        features: { devInteractions: { enabled: true } },
        // Profile claims in the ID token itself (Entra puts them there for the code flow too).
        conformIdTokenClaims: false,
        cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      });
      server.on('request', provider.callback());
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
