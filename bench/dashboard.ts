/**
 * Dashboard API latency (issue 12): p50/p99 of the main calls — the findings page, a finding's detail, the KPIs —
 * over HTTP against the real app (createApp on 127.0.0.1:0, bearer token), on a store of 1M events:
 *   npm run bench:dashboard -- [--events 1000000] [--users 50000] [--seed 1] [--requests 200]
 * The store is built once and cached in .bench-out/. On this shared machine each latency is also given as a ratio
 * to the floor measured in the same run: an authenticated no-op (GET /api/v1/session), which is HTTP, auth and JSON.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, parseConfig } from '../core/config.ts';
import { logger } from '../core/logger.ts';
import { createApp } from '../dashboard/server/app.ts';
import { createApiToken } from '../dashboard/server/auth/tokens.ts';
import { parseDashboardConfig } from '../dashboard/server/config.ts';
import { configFileAt } from '../dashboard/server/tuning/config-file.ts';
import { resolveDetectors } from '../detectors/config.ts';
import { detectors } from '../detectors/registry.ts';
import { parseKpiConfig } from '../kpi/config.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { machine, runNode } from './lib.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '1' },
    requests: { type: 'string', default: '200' },
    findings: { type: 'string', default: '5000' },
  },
});
const out = '.bench-out';
mkdirSync(out, { recursive: true });
const events = join(out, `detect-events-seed${values.seed}-u${values.users}-${values.events}.ndjson`);
if (!existsSync(events)) {
  process.stderr.write(`preparing ${values.events} events of a ${values.users}-user tenant into ${events}\n`);
  runNode(['bench/detect/prepare.ts', events, values.events, values.users, values.seed]);
}
const db = join(out, `dashboard-seed${values.seed}-u${values.users}-${values.events}.db`);
if (!existsSync(db)) {
  process.stderr.write(`storing and detecting over them into ${db}\n`);
  runNode(['bench/dashboard/prepare.ts', events, db]);
}

const configPath = new URL('../fixtures/demo.config.json', import.meta.url).pathname;
const config = loadConfig(configPath);
const store = new SqliteStore(db);
const detected = (await store.listFindings()).filter((f) => !f.id.startsWith('bench-'));
await topUpFindings(Number(values.findings));
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
const dashboard = parseDashboardConfig({ rateLimits: { signIn: 1_000_000, tokenRequests: 1_000_000, windowSeconds: 60 } });
server.on(
  'request',
  createApp({
    store,
    kpiConfig: parseKpiConfig(config.kpi ?? {}),
    detectors: detectors.map((d) => ({ id: d.id, ...d.meta })),
    // Read-only here: the benchmark never accepts a tuning change.
    configFile: configFileAt(configPath, (c) => resolveDetectors(parseConfig(c, configPath))),
    dashboard,
    publicUrl: `${new URL(base).origin}/`,
    now: () => new Date(),
    log: logger.child({ module: 'bench' }),
  }),
);
const live = await createApiToken(store, { name: `bench-${process.pid}`, role: 'analyst', createdBy: 'bench' }, new Date());

/**
 * A SOC's backlog: the detected findings alone are too few to page through (the generated tenant yields a handful
 * at this size), so copies of them with their real evidence, other ids, times, severities and statuses fill the
 * queue to `target`. Stored once in the cached store.
 */
async function topUpFindings(target: number): Promise<void> {
  const have = (await store.listFindings()).length;
  if (have >= target || detected.length === 0) return;
  const severities = ['low', 'medium', 'high', 'critical'] as const;
  const copies = Array.from({ length: target - have }, (_, i) => {
    const f = detected[i % detected.length]!;
    const shift = (i + 1) * 60_000;
    const iso = (t: string): string => new Date(Date.parse(t) - shift).toISOString();
    return { ...f, id: `bench-${have + i}`, severity: severities[i % 4]!, status: i % 10 === 0 ? ('resolved' as const) : ('open' as const), firstSeen: iso(f.firstSeen), lastSeen: iso(f.lastSeen) };
  });
  for (let i = 0; i < copies.length; i += 1000) await store.upsertFindings(copies.slice(i, i + 1000));
}

async function get(path: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${live.token}` } });
  const text = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  return { ms, bytes: text.length };
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
async function measure(name: string, paths: () => string, n: number, floorP50?: number) {
  for (let i = 0; i < Math.min(5, n); i += 1) await get(paths()); // warm-up: JIT, SQLite page cache
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i += 1) {
    const r = await get(paths());
    times.push(r.ms);
    bytes += r.bytes;
  }
  times.sort((a, b) => a - b);
  const p50 = quantile(times, 0.5);
  const result = { name, requests: n, p50Ms: Number(p50.toFixed(2)), p99Ms: Number(quantile(times, 0.99).toFixed(2)), maxMs: Number(times[times.length - 1]!.toFixed(2)), meanBytes: Math.round(bytes / n) };
  process.stderr.write(`${name.padEnd(40)} p50 ${result.p50Ms.toFixed(1).padStart(8)} ms  p99 ${result.p99Ms.toFixed(1).padStart(8)} ms\n`);
  return floorP50 === undefined ? result : { ...result, p50VsFloor: Number((p50 / floorP50).toFixed(1)) };
}

const requests = Number(values.requests);
const totalEvents = await store.countEvents();
const all = await store.listFindings();
// A fixed walk over the findings (seeded, so reruns ask for the same ones).
let x = 12345;
const pick = (): string => {
  x = (x * 1103515245 + 12345) % 2147483648;
  return all[x % all.length]!.id;
};
// KPI periods that all differ (the data's start plus 0, 1, 2… hours): every one is a cache miss.
let first = '';
for await (const e of store.queryEvents({ limit: 1 })) first = e.timestamp;
let hour = 0;
const period = (): string => `/kpis?from=${new Date(Date.parse(first) + hour++ * 3_600_000).toISOString()}`;
const floor = await measure('GET /session (floor: HTTP + auth)', () => '/session', requests);
const results = [
  floor,
  await measure('GET /findings (first page, 50)', () => '/findings', requests, floor.p50Ms),
  await measure('GET /findings?severity=high,critical&status=open', () => '/findings?severity=high,critical&status=open', requests, floor.p50Ms),
  await measure('GET /findings?q=lockout (text search)', () => '/findings?q=lockout', requests, floor.p50Ms),
  await measure('GET /findings/{id} (with evidence)', () => `/findings/${encodeURIComponent(pick())}`, requests, floor.p50Ms),
  // Every period is a new one: each call computes the report over the stored events (a cache miss).
  await measure('GET /kpis?from=… (computed, cache miss)', period, 20, floor.p50Ms),
  await measure('GET /kpis (cached by data version)', () => '/kpis', requests, floor.p50Ms),
];
await store.revokeToken(live.record.id, new Date().toISOString());
server.closeAllConnections();
server.close();
await store.close();
process.stdout.write(
  `${JSON.stringify(
    { benchmark: 'dashboard', machine: machine(), store: { kind: 'sqlite', events: totalEvents, findings: all.length, detectedFindings: detected.length }, results },
    null,
    2,
  )}\n`,
);
