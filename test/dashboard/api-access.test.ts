import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast, type Role } from '../../core/access.ts';
import { issueAdminLink } from '../../dashboard/server/auth/admin-link.ts';
import { apiRoutes } from '../../dashboard/server/routes/index.ts';
import { generatedStore, startDashboard, type Dashboard } from './harness.ts';

/** One request per API route, and the least role the route allows. */
const matrix: Array<{ route: string; path: string; body?: unknown; role: Role | 'public' }> = [
  { route: 'get /signin-options', path: '/api/v1/signin-options', role: 'public' },
  { route: 'get /session', path: '/api/v1/session', role: 'viewer' },
  { route: 'delete /session', path: '/api/v1/session', role: 'viewer' },
  { route: 'get /tokens', path: '/api/v1/tokens', role: 'admin' },
  { route: 'post /tokens', path: '/api/v1/tokens', body: { name: 'matrix', role: 'viewer' }, role: 'admin' },
  { route: 'delete /tokens/{id}', path: '/api/v1/tokens/no-such-token', role: 'admin' },
  { route: 'get /findings', path: '/api/v1/findings', role: 'analyst' },
  { route: 'get /findings/{id}', path: '/api/v1/findings/no-such-finding', role: 'analyst' },
  { route: 'post /findings/{id}/triage', path: '/api/v1/findings/no-such-finding/triage', body: { action: 'acknowledge' }, role: 'analyst' },
  { route: 'post /findings/triage', path: '/api/v1/findings/triage', body: { ids: ['no-such-finding'], triage: { action: 'acknowledge' } }, role: 'analyst' },
  { route: 'get /findings/{id}/audit', path: '/api/v1/findings/no-such-finding/audit', role: 'analyst' },
  { route: 'get /kpis', path: '/api/v1/kpis', role: 'viewer' },
  { route: 'get /users/{upn}/timeline', path: '/api/v1/users/nobody@contoso.example/timeline', role: 'analyst' },
  { route: 'get /health', path: '/api/v1/health', role: 'analyst' },
  { route: 'get /detectors', path: '/api/v1/detectors', role: 'analyst' },
  { route: 'get /tuning/proposals', path: '/api/v1/tuning/proposals', role: 'analyst' },
  { route: 'post /tuning/proposals/{id}/decision', path: '/api/v1/tuning/proposals/no-such-proposal/decision', body: { decision: 'reject' }, role: 'admin' },
  { route: 'get /config/versions', path: '/api/v1/config/versions', role: 'admin' },
];
const methodOf = (route: string): string => route.split(' ')[0]!.toUpperCase();
const roles = ['viewer', 'analyst', 'admin'] as const;

describe('dashboard API: who may call what', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    const { db, config } = await generatedStore({ users: 60, days: 7 });
    // This suite sends dozens of refused credentials from one address on purpose; the limits have their own suite.
    dash = await startDashboard({ db, config, dashboard: { rateLimits: { signIn: 10_000, tokenRequests: 10_000, windowSeconds: 60 } } });
  });
  afterAll(async () => dash.close());

  it('has a row in the role matrix for every route it serves', () => {
    expect(matrix.map((m) => m.route).sort()).toEqual(apiRoutes().map((r) => `${r.method} ${r.path}`).sort());
  });

  it('refuses every non-public route without credentials (401) and with a token that is not live (401)', async () => {
    for (const m of matrix.filter((x) => x.role !== 'public')) {
      const anonymous = await dash.call(methodOf(m.route), m.path, { body: m.body });
      expect([m.route, anonymous.status, anonymous.body.error.code]).toEqual([m.route, 401, 'UNAUTHENTICATED']);
      const forged = await dash.call(methodOf(m.route), m.path, { body: m.body, as: 'sspr_not-a-real-token' });
      expect([m.route, forged.status]).toEqual([m.route, 401]);
    }
  });

  it('allows each role exactly the routes at or below it, and answers 403 FORBIDDEN above it', async () => {
    for (const m of matrix) {
      for (const role of roles) {
        const res = await dash.call(methodOf(m.route), m.path, { body: m.body, as: dash.tokens[role] });
        const allowed = m.role === 'public' || roleAtLeast(role, m.role);
        if (allowed) expect([m.route, role, res.status === 401 || res.status === 403]).toEqual([m.route, role, false]);
        else expect([m.route, role, res.status, res.body.error.code]).toEqual([m.route, role, 403, 'FORBIDDEN']);
      }
    }
  });

  it('refuses a signed-in change without the CSRF token, or with a wrong one, and accepts it with the right one', async () => {
    for (const m of matrix.filter((x) => methodOf(x.route) !== 'GET' && x.role !== 'public')) {
      const admin = await dash.session('admin');
      const bare = await dash.call(methodOf(m.route), m.path, { body: m.body, as: { cookie: admin.cookie } });
      expect([m.route, bare.status, bare.body.error.code]).toEqual([m.route, 403, 'CSRF_TOKEN_INVALID']);
      const wrong = await dash.call(methodOf(m.route), m.path, { body: m.body, as: { cookie: admin.cookie, csrf: `${admin.csrf.slice(0, -2)}xx` } });
      expect([m.route, wrong.status, wrong.body.error.code]).toEqual([m.route, 403, 'CSRF_TOKEN_INVALID']);
      const right = await dash.call(methodOf(m.route), m.path, { body: m.body, as: admin });
      expect([m.route, right.status === 403 || right.status === 401]).toEqual([m.route, false]);
    }
    // A bearer token needs none: it is not sent by a browser on its own.
    expect((await dash.call('POST', '/api/v1/findings/triage', { body: { ids: ['x'], triage: { action: 'acknowledge' } }, as: dash.tokens.analyst })).status).toBe(200);
  });

  it('sends a strict Content-Security-Policy (no inline script or style) and the other helmet headers', async () => {
    for (const path of ['/api/v1/findings', '/api/v1/openapi.json', '/auth/link', '/no-such-page']) {
      const res = await fetch(new URL(path.slice(1), dash.url), { redirect: 'manual' });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('gives a session its role and CSRF token, and ends it on sign-out', async () => {
    const s = await dash.session('analyst');
    const me = await dash.call<{ name: string; role: string; via: string; csrfToken: string }>('GET', '/api/v1/session', { as: { cookie: s.cookie } });
    expect(me.body).toEqual({ name: 'analyst@contoso.example', role: 'analyst', via: 'oidc', csrfToken: s.csrf });
    expect((await dash.call('DELETE', '/api/v1/session', { as: s })).body).toEqual({ signedOut: true });
    expect((await dash.call('GET', '/api/v1/session', { as: { cookie: s.cookie } })).status).toBe(401);
    const viaToken = await dash.call<{ csrfToken: string | null; via: string }>('GET', '/api/v1/session', { as: dash.tokens.viewer });
    expect(viaToken.body).toMatchObject({ via: 'token', csrfToken: null });
  });

  it('creates a token whose secret is shown once, lists it without the secret, and refuses it once revoked', async () => {
    const created = await dash.call<{ token: string; role: string; name: string; id: string }>('POST', '/api/v1/tokens', { as: dash.tokens.admin, body: { name: 'soar', role: 'analyst' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'analyst', name: 'soar' });
    expect(created.body.token).toMatch(/^sspr_[\w-]{43}$/);
    expect((await dash.call('POST', '/api/v1/tokens', { as: dash.tokens.admin, body: { name: 'soar', role: 'viewer' } })).status).toBe(409);
    const listed = await dash.call<{ items: Array<Record<string, unknown>> }>('GET', '/api/v1/tokens', { as: dash.tokens.admin });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.items.find((t) => t.name === 'soar')).toMatchObject({ id: created.body.id, role: 'analyst', createdBy: 'token:test-admin' });
    expect((await dash.call('GET', '/api/v1/findings?limit=1', { as: created.body.token })).status).toBe(200);
    expect((await dash.call('DELETE', `/api/v1/tokens/${created.body.id}`, { as: dash.tokens.admin })).status).toBe(200);
    expect((await dash.call('GET', '/api/v1/findings?limit=1', { as: created.body.token })).status).toBe(401);
    expect((await dash.call('POST', '/api/v1/tokens', { as: dash.tokens.admin, body: { name: 'x', role: 'root' } })).status).toBe(400);
  });

  it('signs an admin in once with the one-time link and refuses the link the second time', async () => {
    const link = await issueAdminLink(dash.store, dash.url, dash.clock.now());
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sspr_session=[\w-]+; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Strict$/);
    const me = await dash.call<{ role: string; via: string }>('GET', '/api/v1/session', { as: { cookie: cookie.split(';')[0]! } });
    expect(me.body).toMatchObject({ role: 'admin', via: 'link' });
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/signin?error=link-used-or-expired');
  });

  it('documents every route in the OpenAPI document generated from the route schemas', async () => {
    const res = await dash.call<{ openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } }>('GET', '/api/v1/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    for (const r of apiRoutes()) {
      const op = res.body.paths[`/api/v1${r.path}`]?.[r.method];
      expect([r.path, r.method, op !== undefined]).toEqual([r.path, r.method, true]);
      expect(Object.keys(op!.responses)).toContain('400');
    }
    expect(Object.keys(res.body.components.schemas)).toEqual(expect.arrayContaining(['Finding', 'SsprEvent', 'KpiReport', 'TriageInput', 'TriageAuditEntry', 'Error']));
  });

  it('answers an unknown API route and malformed JSON with the error shape', async () => {
    const missing = await dash.call('GET', '/api/v1/nothing-here', { as: dash.tokens.admin });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    const res = await fetch(new URL('api/v1/findings/x/triage', dash.url), { method: 'POST', headers: { authorization: `Bearer ${dash.tokens.analyst}`, 'content-type': 'application/json' }, body: '{"action":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});

describe('dashboard API: rate limits', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-dash-rl-'));
    const config = join(dir, 'sspr.config.json');
    writeFileSync(config, '{}');
    dash = await startDashboard({ db: join(dir, 'sspr.db'), config, dashboard: { rateLimits: { signIn: 3, tokenRequests: 5, windowSeconds: 600 } } });
  });
  afterAll(async () => dash.close());

  it('caps the requests of one API token per window and answers 429 with the error shape', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await dash.call('GET', '/api/v1/session', { as: dash.tokens.viewer })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await dash.call('GET', '/api/v1/session', { as: dash.tokens.viewer });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // Another token has its own budget.
    expect((await dash.call('GET', '/api/v1/session', { as: dash.tokens.analyst })).status).toBe(200);
  });

  it('caps sign-in attempts per address', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(new URL(`auth/link?code=wrong-${i}`, dash.url), { redirect: 'manual' })).status);
    expect(statuses).toEqual([303, 303, 303, 429]);
  });

  it('slows down a client guessing tokens after three refusals from its address (then every request from it, for the window)', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await dash.call('GET', '/api/v1/kpis', { as: `sspr_guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
