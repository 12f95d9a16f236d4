import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertingInfo } from '../../cli/serve-dashboard.ts';
import type { Role } from '../../core/access.ts';
import { loadConfig, parseConfig } from '../../core/config.ts';
import { logger } from '../../core/logger.ts';
import { createApp } from '../../dashboard/server/app.ts';
import { createOidcClient } from '../../dashboard/server/auth/oidc.ts';
import { createSession } from '../../dashboard/server/auth/sessions.ts';
import { createApiToken } from '../../dashboard/server/auth/tokens.ts';
import { parseDashboardConfig } from '../../dashboard/server/config.ts';
import type { DashboardDeps } from '../../dashboard/server/deps.ts';
import type { ApiErrorBody } from '../../dashboard/server/http/errors.ts';
import { configFileAt } from '../../dashboard/server/tuning/config-file.ts';
import { resolveDetectors } from '../../detectors/config.ts';
import { detectors } from '../../detectors/registry.ts';
import { writeTenant } from '../../fixtures/generator/index.ts';
import { ingestPaths } from '../../ingest/ingest.ts';
import { parseKpiConfig } from '../../kpi/config.ts';
import { runDetection } from '../../pipeline/run-detection.ts';
import type { Store } from '../../store/contract.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../fixtures/demo.config.json', import.meta.url));

/** A generated tenant ingested and detected into a fresh SQLite file, with a copy of the demo config beside it. */
export async function generatedStore(options: { seed?: number; users?: number; days?: number } = {}): Promise<{ dir: string; db: string; config: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sspr-dash-'));
  await writeTenant(join(dir, 'tenant'), { seed: options.seed ?? 5, users: options.users ?? 150, days: options.days ?? 14 });
  const db = join(dir, 'sspr.db');
  const config = join(dir, 'sspr.config.json');
  copyFileSync(DEMO_CONFIG, config);
  const store = new SqliteStore(db);
  await ingestPaths(store, ['entra', 'ad', 'directory'].map((d) => join(dir, 'tenant', d)));
  await runDetection(store, { config: loadConfig(config), rebuild: true });
  await store.close();
  return { dir, db, config };
}

/** A clock a test moves by hand. */
export class TestClock {
  private t: number;
  constructor(iso = '2026-04-01T09:00:00.000Z') {
    this.t = Date.parse(iso);
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface CallOptions {
  /** A bearer token, or a session's cookie (and CSRF token to send). */
  as?: string | { cookie: string; csrf?: string };
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Dashboard {
  url: string;
  store: Store;
  deps: DashboardDeps;
  clock: TestClock;
  /** An API token of each role. */
  tokens: Record<Role, string>;
  /** A cookie session of `role`: its Cookie header and CSRF token. */
  session(role: Role): Promise<{ cookie: string; csrf: string }>;
  /** JSON request with a bearer token or a session (`as`), returning status, headers and parsed body. */
  call<T = ApiErrorBody>(method: string, path: string, options?: CallOptions): Promise<{ status: number; headers: Headers; body: T }>;
  close(): Promise<void>;
}

/**
 * The real dashboard app (createApp with real deps) on 127.0.0.1:0 over a SQLite store. `dashboard` is the config
 * file's `dashboard` section; `webRoot` a folder with an index.html for the web routes.
 */
export async function startDashboard(o: { db: string; config: string; dashboard?: Record<string, unknown>; alerts?: Record<string, unknown>; webRoot?: string; clock?: TestClock }): Promise<Dashboard> {
  const sections = { ...(o.dashboard !== undefined ? { dashboard: o.dashboard } : {}), ...(o.alerts !== undefined ? { alerts: o.alerts } : {}) };
  if (Object.keys(sections).length > 0) writeFileSync(o.config, JSON.stringify({ ...(loadConfig(o.config) as object), ...sections }, null, 2));
  const config = loadConfig(o.config);
  const store = new SqliteStore(o.db);
  const clock = o.clock ?? new TestClock();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const dashboard = parseDashboardConfig(config.dashboard);
  const deps: DashboardDeps = {
    store,
    kpiConfig: parseKpiConfig(config.kpi ?? {}),
    detectors: detectors.map((d) => ({ id: d.id, ...d.meta })),
    configFile: configFileAt(o.config, (c) => resolveDetectors(parseConfig(c, o.config))),
    dashboard,
    publicUrl: url,
    ...(config.alerts !== undefined ? { alerting: alertingInfo(config, o.config) } : {}),
    ...(dashboard.oidc !== undefined ? { oidc: createOidcClient(dashboard.oidc, `${url}auth/callback`, dashboard.oidc.clientSecret) } : {}),
    ...(o.webRoot !== undefined ? { webRoot: o.webRoot } : {}),
    now: clock.now,
    log: logger.child({ module: 'dashboard-test' }),
  };
  server.on('request', createApp(deps));
  const tokens = {} as Record<Role, string>;
  for (const role of ['viewer', 'analyst', 'admin'] as const) tokens[role] = (await createApiToken(store, { name: `test-${role}`, role, createdBy: 'test' }, clock.now())).token;
  const call: Dashboard['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (typeof options.as === 'string') headers.authorization = `Bearer ${options.as}`;
    else if (options.as !== undefined) {
      headers.cookie = options.as.cookie;
      if (options.as.csrf !== undefined) headers['x-csrf-token'] = options.as.csrf;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path.replace(/^\//, ''), url), { method, headers, redirect: 'manual', ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (HTML, empty): the text itself
    }
    // The caller names the body's type (T); the tests' assertions check it.
    return { status: res.status, headers: res.headers, body: body as never };
  };
  return {
    url,
    store,
    deps,
    clock,
    tokens,
    async session(role) {
      const { secret, data } = await createSession(store, { actor: { name: `${role}@contoso.example`, role, via: 'oidc' }, role }, clock.now(), 8);
      return { cookie: `sspr_session=${secret}`, csrf: data.csrf };
    },
    call,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}
