import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAlertsConfig } from '../alerts/config.ts';
import { configPath, loadConfig, parseConfig, type AppConfig } from '../core/config.ts';
import { logger } from '../core/logger.ts';
import { createApp } from '../dashboard/server/app.ts';
import { issueAdminLink, needsAdminLink } from '../dashboard/server/auth/admin-link.ts';
import { createOidcClient } from '../dashboard/server/auth/oidc.ts';
import { parseDashboardConfig } from '../dashboard/server/config.ts';
import type { AlertingInfo, DashboardDeps } from '../dashboard/server/deps.ts';
import { configFileAt } from '../dashboard/server/tuning/config-file.ts';
import { ensureWebBundle } from '../dashboard/web-bundle.ts';
import { resolveDetectors } from '../detectors/config.ts';
import { detectors } from '../detectors/registry.ts';
import { parseKpiConfig } from '../kpi/config.ts';
import { EXIT, openStore, type CommandIo } from './command.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServeOptions {
  host: string;
  port: number;
  config?: string | undefined;
  db?: string | undefined;
  /** Resolves when the server should stop (SIGINT/SIGTERM by default). */
  until?: Promise<unknown>;
}

/** Everything a config file must satisfy before tuning may write it: its outline, detectors and KPI settings. */
function validateWholeConfig(config: unknown, path: string): void {
  const parsed = parseConfig(config, path);
  resolveDetectors(parsed);
  parseKpiConfig(parsed.kpi ?? {}, `${path}#kpi`);
  parseDashboardConfig(parsed.dashboard, path);
  if (parsed.alerts !== undefined) parseAlertsConfig(parsed.alerts, { source: path, knownDetectors: detectors.map((d) => d.id) });
}

/** The alert routes and channels the health page lists: names, match and channel types, never URLs or secrets. */
export function alertingInfo(config: AppConfig, path: string | undefined): AlertingInfo | undefined {
  if (config.alerts === undefined) return undefined;
  const alerts = parseAlertsConfig(config.alerts, { source: path ?? 'config', knownDetectors: detectors.map((d) => d.id) });
  return {
    routes: alerts.routes.map((r) => ({ name: r.name, channels: r.channels, match: r.match })),
    channels: Object.entries(alerts.channels).map(([name, c]) => ({ name, type: c.type })),
  };
}

/**
 * Serves the dashboard (API and web app) until stopped: validates the config, builds the web app when it is missing
 * or stale, listens, and prints the URL — and, while no admin API token exists, a one-time admin sign-in link.
 */
export async function serveDashboard(options: ServeOptions, io: CommandIo): Promise<number> {
  const path = configPath(options.config, io.env);
  const config = loadConfig(path);
  const dashboard = parseDashboardConfig(config.dashboard, path ?? 'config');
  const kpiConfig = parseKpiConfig(config.kpi ?? {}, `${path ?? 'config'}#kpi`);
  resolveDetectors(config); // a bad detector section fails here, at start-up, not on the first tuning change
  const webRoot = await ensureWebBundle((text) => io.stderr(text));
  const store = openStore(options.db !== undefined ? { db: options.db } : {}, io.env);
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const publicUrl = dashboard.publicUrl ?? `http://${host}:${port}/`;
    const secret = dashboard.oidc?.clientSecret ?? io.env.SSPR_OIDC_CLIENT_SECRET;
    const deps: DashboardDeps = {
      store,
      kpiConfig,
      detectors: detectors.map((d) => ({ id: d.id, ...d.meta })),
      configFile: configFileAt(path ?? 'sspr.config.json', (c) => validateWholeConfig(c, path ?? 'sspr.config.json')),
      dashboard,
      publicUrl,
      ...(config.alerts !== undefined ? { alerting: alertingInfo(config, path) } : {}),
      ...(dashboard.oidc !== undefined ? { oidc: createOidcClient(dashboard.oidc, new URL('auth/callback', publicUrl).href, secret) } : {}),
      webRoot,
      now: () => new Date(),
      log: logger.child({ module: 'dashboard' }),
    };
    server.on('request', createApp(deps, VERSION));
    io.stdout(`sspr-watch dashboard on ${publicUrl} (store ${store.kind}${path !== undefined ? `, config ${path}` : ''})\n`);
    if (dashboard.oidc !== undefined) io.stdout(`sign-in: OpenID Connect at ${dashboard.oidc.issuer}\n`);
    if (await needsAdminLink(store)) {
      io.stdout(`one-time admin sign-in link (15 minutes, usable once): ${await issueAdminLink(store, publicUrl, deps.now())}\n`);
      io.stdout('  (no admin API token exists yet; `sspr token create --role admin --name NAME` makes one and ends these links)\n');
    }
    io.stdout('serving; Ctrl+C stops\n');
    await (options.until ?? stopSignal());
    return EXIT.ok;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  }
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
