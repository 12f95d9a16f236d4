import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient, roleFromClaims } from '../../dashboard/server/auth/oidc.ts';
import { parseDashboardConfig } from '../../dashboard/server/config.ts';
import { startDashboard, type Dashboard } from './harness.ts';
import { openIdProvider, type OpenIdProvider } from './openid-provider.ts';

/**
 * A browser reduced to what sign-in needs: it follows redirects, keeps cookies per host (as browsers do, whatever
 * the port) and submits the provider's login and consent forms.
 */
class ScriptedBrowser {
  private readonly cookies = new Map<string, string>();

  private remember(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) });
    this.remember(res);
    return res;
  }

  /** Starts at `url` and goes on until a page that is not a redirect or a provider form; returns the last redirect target. */
  async signIn(url: string, login: string): Promise<{ landedAt: string; pages: number }> {
    let next: string | undefined = url;
    let landedAt = url;
    let pages = 0;
    while (next !== undefined && pages < 20) {
      pages += 1;
      const res = await this.request(next);
      const location = res.headers.get('location');
      if (location !== null) {
        landedAt = new URL(location, next).href;
        next = landedAt;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (action === undefined || prompt === undefined) break;
      const submitted = await this.request(new URL(action.replace(/&amp;/g, '&'), next).href, { method: 'POST', form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt } });
      const to = submitted.headers.get('location');
      next = to === null ? undefined : new URL(to, next).href;
      if (next !== undefined) landedAt = next;
    }
    return { landedAt, pages };
  }
}

describe('sign-in with OpenID Connect against a real provider on loopback', () => {
  let idp: OpenIdProvider;
  let dash: Dashboard;
  beforeAll(async () => {
    idp = await openIdProvider({
      alice: { name: 'alice@contoso.example', roles: ['SSPR.Analyst'] },
      root: { name: 'root@contoso.example', roles: ['SSPR.Analyst', 'SSPR.Admin'] },
      guest: { name: 'guest@fabrikam.example', roles: ['Other.App'] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'sspr-oidc-'));
    const config = join(dir, 'sspr.config.json');
    writeFileSync(config, '{}');
    dash = await startDashboard({
      db: join(dir, 'sspr.db'),
      config,
      dashboard: {
        oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, scopes: ['openid', 'profile'], roles: { admin: ['SSPR.Admin'], analyst: ['SSPR.Analyst'], viewer: ['SSPR.Viewer'] } },
      },
    });
    idp.start(`${dash.url}auth/callback`);
  });
  afterAll(async () => {
    await dash.close();
    await idp.close();
  });

  it('signs an analyst in through the provider\'s login and consent pages, with the role from the roles claim', async () => {
    const browser = new ScriptedBrowser();
    const { landedAt } = await browser.signIn(`${dash.url}auth/login`, 'alice');
    expect(landedAt).toBe(dash.url);
    const session = browser.cookie('sspr_session');
    expect(session).toBeDefined();
    const me = await dash.call<{ name: string; role: string; via: string; csrfToken: string }>('GET', '/api/v1/session', { as: { cookie: `sspr_session=${session}` } });
    expect(me.body).toMatchObject({ name: 'alice@contoso.example', role: 'analyst', via: 'oidc' });
    expect((await dash.call('GET', '/api/v1/tokens', { as: { cookie: `sspr_session=${session}` } })).status).toBe(403);
    expect((await dash.call('GET', '/api/v1/findings', { as: { cookie: `sspr_session=${session}` } })).status).toBe(200);
  });

  it('gives the most privileged role among the claim values', async () => {
    const browser = new ScriptedBrowser();
    await browser.signIn(`${dash.url}auth/login`, 'root');
    const me = await dash.call<{ role: string }>('GET', '/api/v1/session', { as: { cookie: `sspr_session=${browser.cookie('sspr_session')}` } });
    expect(me.body.role).toBe('admin');
  });

  it('refuses someone the provider knows but whose claims map to no role, and starts no session', async () => {
    const browser = new ScriptedBrowser();
    const { landedAt } = await browser.signIn(`${dash.url}auth/login`, 'guest');
    expect(landedAt).toBe(`${dash.url}signin?error=no-role`);
    expect(browser.cookie('sspr_session')).toBeUndefined();
  });

  it('refuses a callback that no sign-in of this browser started (state and PKCE live with the login cookie)', async () => {
    const started = new ScriptedBrowser();
    const first = await started.request(`${dash.url}auth/login`);
    const authorize = new URL(first.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(first.headers.getSetCookie()[0]).toMatch(/^sspr_login=[\w-]+; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Lax$/);
    const stranger = new ScriptedBrowser();
    const res = await stranger.request(`${dash.url}auth/callback?code=stolen&state=${authorize.searchParams.get('state')}`);
    expect(res.headers.get('location')).toBe('/signin?error=sign-in-expired');
  });
});

describe('mapping identity-provider claims to roles', () => {
  const config = parseDashboardConfig({
    oidc: { issuer: 'https://login.microsoftonline.com/t/v2.0', clientId: 'c', roleClaim: 'groups', roles: { admin: ['g-admin'], analyst: ['g-soc'], viewer: ['g-it'] } },
  }).oidc!;

  it('maps group object ids, most privileged first, and nothing for unknown groups', () => {
    expect(roleFromClaims({ groups: ['g-it', 'g-soc'] }, config)).toBe('analyst');
    expect(roleFromClaims({ groups: 'g-admin' }, config)).toBe('admin');
    expect(roleFromClaims({ groups: ['other'] }, config)).toBeUndefined();
    expect(roleFromClaims({}, config)).toBeUndefined();
  });

  it('refuses an Entra groups overage token with advice to use app roles', () => {
    expect(() => roleFromClaims({ _claim_names: { groups: 'src1' }, _claim_sources: {} }, config)).toThrow(/app roles/);
  });

  it('refuses a plain-http issuer that is not on loopback', () => {
    const plain = parseDashboardConfig({ oidc: { issuer: 'http://idp.example.org', clientId: 'c', roles: {} } }).oidc!;
    expect(() => createOidcClient(plain, 'https://sspr.example.org/auth/callback', 's')).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
