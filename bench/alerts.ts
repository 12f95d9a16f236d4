/**
 * Alert delivery benchmark (issue 11): signed webhooks to a local receiver in another process.
 *   npm run bench:alerts -- [--alerts 2000] [--findings 500] [--burst 10]
 * - ceiling: the same signed POSTs straight through the HTTP transport, no outbox (what the wire allows here);
 * - throughput: alerts routed into a SQLite outbox, then `deliverDue --until-idle` (claim, send, record each);
 * - latency: findings stored in bursts, each burst routed and delivered as `sspr detect` does; per finding, the
 *   time from its upsert returning to the receiver reading the webhook (goal: p99 < 1 s).
 * Prints one JSON document on stdout.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { postOutcome } from '../alerts/channels/http-send.ts';
import { webhookHeaders, webhookKey } from '../alerts/channels/sign.ts';
import { parseAlertsConfig } from '../alerts/config.ts';
import { deliverDue, systemClock } from '../alerts/deliver.ts';
import { createHttpTransport } from '../alerts/http/transport.ts';
import { openAlertRuntime } from '../alerts/runtime.ts';
import type { Finding } from '../core/finding.ts';
import { alertOnChanges } from '../pipeline/alerting.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { alerts: { type: 'string', default: '2000' }, findings: { type: 'string', default: '500' }, burst: { type: 'string', default: '10' } } });
const ALERTS = Number(values.alerts);
const FINDINGS = Number(values.findings);
const BURST = Number(values.burst);
const secret = `whsec_${Buffer.from('bench alerts signing key 32 byte').toString('base64')}`;
const now = (): number => performance.timeOrigin + performance.now();

const receiver = fork('bench/alerts/receiver.ts', [secret], { execArgv: ['--disable-warning=ExperimentalWarning'] });
const port = await new Promise<number>((resolve) => receiver.once('message', (m) => resolve((m as { port: number }).port)));
const url = `http://127.0.0.1:${port}/hook`;
const config = parseAlertsConfig({
  channels: { soc: { type: 'webhook', url, secret, allowPrivateNetwork: true } },
  routes: [{ name: 'all', channels: ['soc'] }],
  deliverTimeoutSeconds: 30,
});

function finding(i: number, tag: string): Finding {
  const t = new Date(Date.UTC(2026, 2, 2, 3) + i * 1000).toISOString();
  return {
    id: `${tag}-${i}`, detector: 'mfa-fatigue', key: `user:u${i}@contoso.example`, severity: 'high', status: 'open', user: `u${i}@contoso.example`,
    ips: ['203.0.113.7'], firstSeen: t, lastSeen: t, summary: `u${i}@contoso.example refused 8 MFA prompts in 10 min`,
    explanation: { window: { start: t, end: t }, threshold: { minDenials: 5, windowMinutes: 30 }, baseline: {}, observed: { denials: 8 }, text: 'Eight refused prompts.' },
    evidence: [`entra.signin:${tag}-${i}`], attack: ['T1621'], entities: { users: [`u${i}@contoso.example`], ips: ['203.0.113.7'], locations: ['Lagos, NG'] },
  };
}

// Ceiling: signed POSTs through the production transport, 8 in flight, no store. Measured before and after the
// outbox run (the machine is shared), and the mean taken.
const http = createHttpTransport({ connectionsPerOrigin: config.concurrency });
const keys = [webhookKey(secret)];
const body = JSON.stringify({ type: 'finding.created', timestamp: new Date().toISOString(), data: finding(0, 'c') });
async function ceiling(tag: string): Promise<number> {
  let next = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (next < ALERTS) {
        const id = `msg_ceiling_${tag}_${next++}`;
        const headers = { 'content-type': 'application/json', ...webhookHeaders(keys, id, Date.now(), body) };
        await postOutcome({ http, now: Date.now }, { url, body, timeoutMs: 10_000, allowPrivateNetwork: true, maxRedirects: 0, headers });
      }
    }),
  );
  return (now() - started) / 1000;
}
const ceilingBefore = await ceiling('a');

// Throughput through the outbox.
const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-bench-alerts-')), 'sspr.db'));
const changes = Array.from({ length: ALERTS }, (_, i) => ({ kind: 'created' as const, finding: finding(i, 't') }));
await store.upsertFindings(changes.map((c) => c.finding));
await alertOnChanges(store, changes, config);
const runtime = openAlertRuntime(config);
const throughputStart = now();
const report = await deliverDue({ outbox: store, config, senders: runtime.senders, clock: systemClock }, { untilIdle: true });
const throughputSeconds = (now() - throughputStart) / 1000;
const ceilingAfter = await ceiling('b');
await http.close();
const ceilingSeconds = (ceilingBefore + ceilingAfter) / 2;

// Latency: stored in bursts, routed and delivered at once, as `sspr detect` does after its run.
const storedAt = new Map<string, number>();
for (let start = 0; start < FINDINGS; start += BURST) {
  const burst = Array.from({ length: Math.min(BURST, FINDINGS - start) }, (_, k) => ({ kind: 'created' as const, finding: finding(start + k, 'l') }));
  await store.upsertFindings(burst.map((c) => c.finding));
  const t0 = now();
  for (const c of burst) storedAt.set(c.finding.id, t0);
  await alertOnChanges(store, burst, config);
  await deliverDue({ outbox: store, config, senders: runtime.senders, clock: systemClock }, { untilIdle: true });
}
await runtime.close();
const latest = await new Promise<{ arrivals: Record<string, number>; bad: number }>((resolve) => {
  receiver.once('message', (m) => resolve(m as { arrivals: Record<string, number>; bad: number }));
  receiver.send('dump');
});
const byFinding = new Map<string, number>();
for (const item of await store.listAlerts({ limit: ALERTS + FINDINGS + 10 })) {
  const arrived = latest.arrivals[item.id];
  const stored = item.findingId !== undefined ? storedAt.get(item.findingId) : undefined;
  if (arrived !== undefined && stored !== undefined) byFinding.set(item.findingId!, arrived - stored);
}
await store.close();
const latencies = [...byFinding.values()].sort((a, b) => a - b);
const pct = (p: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN) * 10) / 10;
const ceilingRate = ALERTS / ceilingSeconds;
const rate = report.delivered / throughputSeconds;
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'alerts',
      machine: machine(),
      setup: 'signed sspr-format webhooks over loopback HTTP/1.1 keep-alive to a receiver in another process that verifies each HMAC; SQLite outbox (WAL); concurrency 8',
      ceiling: { posts: ALERTS, secondsBefore: Math.round(ceilingBefore * 100) / 100, secondsAfter: Math.round(ceilingAfter * 100) / 100, postsPerSecond: Math.round(ceilingRate) },
      throughput: { alerts: ALERTS, delivered: report.delivered, seconds: Math.round(throughputSeconds * 100) / 100, deliveriesPerSecond: Math.round(rate), ratioToCeiling: Math.round((rate / ceilingRate) * 100) / 100 },
      latency: { findings: latencies.length, burst: BURST, p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100), goalP99Ms: 1000, p99ToGoal: Math.round((pct(99) / 1000) * 1000) / 1000 },
      badSignatures: latest.bad,
    },
    null,
    2,
  )}\n`,
);
