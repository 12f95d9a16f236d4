import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAlertsConfig, type AlertsConfig } from '../../alerts/config.ts';
import { deliverDue, type DeliveryOptions } from '../../alerts/deliver.ts';
import { enqueueChanges } from '../../alerts/enqueue.ts';
import { openAlertRuntime } from '../../alerts/runtime.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { makeFinding } from '../helpers/make-finding.ts';
import { fakeClock } from './helpers/fake-clock.ts';
import { startReceiver, type Receiver, type Reply } from './helpers/receiver.ts';

const secret = `whsec_${Buffer.from('delivery-loop test key, 32 byte').toString('base64')}`;

describe('delivery loop', () => {
  let store: SqliteStore;
  let receiver: Receiver;
  let replies: Map<string, Reply[]>;
  beforeEach(async () => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-deliver-')), 'sspr.db'));
    replies = new Map();
    // Each webhook-id gets its own scripted answers, then 200.
    receiver = await startReceiver((r) => replies.get(r.headers['webhook-id'] ?? '')?.shift() ?? { status: 200 });
  });
  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  const configWith = (routes: unknown[] = [{ name: 'all', channels: ['soc'] }], extra: Record<string, unknown> = {}): AlertsConfig =>
    parseAlertsConfig({
      channels: { soc: { type: 'webhook', url: `${receiver.url}/hook`, secret, allowPrivateNetwork: true, timeoutSeconds: 0.25 } },
      routes,
      retry: { initialDelaySeconds: 5, maxDelaySeconds: 600 },
      ...extra,
    });
  const clock = fakeClock(Date.now());
  const run = async (config: AlertsConfig, options: DeliveryOptions = { untilIdle: true }) => {
    const runtime = openAlertRuntime(config, { now: clock.now });
    try {
      return await deliverDue({ outbox: store, config, senders: runtime.senders, clock, random: () => 0.5 }, options);
    } finally {
      await runtime.close();
    }
  };
  const enqueue = (config: AlertsConfig, ids: string[]) =>
    enqueueChanges(store, ids.map((id) => ({ kind: 'created' as const, finding: makeFinding({ id }) })), config, { now: clock.now() });

  it('retries through 503s with exponential backoff and jitter, under the same webhook-id, until delivered', async () => {
    clock.set(Date.now());
    clock.waits.length = 0;
    const config = configWith();
    await enqueue(config, ['f-1']);
    const [item] = await store.listAlerts();
    replies.set(item!.id, [{ status: 503 }, { status: 503 }, { status: 502 }]);
    const report = await run(config);
    expect(report).toMatchObject({ attempts: 4, delivered: 1, retried: 3, dead: 0, stoppedBy: 'idle' });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([item!.id, item!.id, item!.id, item!.id]);
    // random 0.5 → three quarters of min(max, 5 s × 2^(n-1)): 3.75 s, 7.5 s, 15 s.
    expect(clock.waits).toEqual([3750, 7500, 15000]);
    for (const r of receiver.received) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    expect(await store.getAlert(item!.id)).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: 'HTTP 502 Bad Gateway' });
  });

  it('waits exactly as long as Retry-After says, in seconds or as an HTTP date', async () => {
    clock.waits.length = 0;
    const config = configWith();
    await enqueue(config, ['f-ra']);
    const [item] = await store.listAlerts();
    const t0 = clock.now();
    const date = new Date(Math.ceil((t0 + 210_000) / 1000) * 1000);
    replies.set(item!.id, [{ status: 429, headers: { 'retry-after': '120' } }, { status: 503, headers: { 'retry-after': date.toUTCString() } }]);
    await run(config);
    expect(clock.waits[0]).toBe(120_000);
    // The date is absolute: the second wait ends exactly at it (the fake clock stood still while sending).
    expect(clock.waits[1]).toBe(date.getTime() - (t0 + 120_000));
    expect((await store.getAlert(item!.id))?.status).toBe('delivered');
  });

  it('retries a receiver that does not answer within the timeout', async () => {
    const config = configWith();
    await enqueue(config, ['f-to']);
    const [item] = await store.listAlerts();
    replies.set(item!.id, ['hang']);
    const report = await run(config);
    expect(report).toMatchObject({ attempts: 2, delivered: 1, retried: 1 });
    expect(await store.getAlert(item!.id)).toMatchObject({ status: 'delivered', lastError: 'timeout after 250 ms' });
  });

  it('dead-letters a 4xx at once with its last error, and a replay delivers it under the same id', async () => {
    const config = configWith();
    await enqueue(config, ['f-400']);
    const [item] = await store.listAlerts();
    replies.set(item!.id, [{ status: 410, body: 'channel_is_archived' }]);
    const first = await run(config);
    expect(first).toMatchObject({ attempts: 1, dead: 1, stoppedBy: 'idle' });
    expect(await store.getAlert(item!.id)).toMatchObject({ status: 'dead', attempts: 1, lastStatus: 410, lastError: 'HTTP 410 Gone: channel_is_archived' });
    expect(await store.replayDeadAlerts([item!.id], new Date(clock.now()).toISOString())).toBe(1);
    expect(await run(config)).toMatchObject({ attempts: 1, delivered: 1 });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([item!.id, item!.id]);
  });

  it('gives up after alerts.maxRetryHours of failures and keeps the alert as a dead letter', async () => {
    clock.waits.length = 0;
    const config = configWith(undefined, { maxRetryHours: 1, retry: { initialDelaySeconds: 300, maxDelaySeconds: 1200 } });
    await enqueue(config, ['f-down']);
    const [item] = await store.listAlerts();
    replies.set(item!.id, Array.from({ length: 50 }, () => ({ status: 503 })));
    const report = await run(config);
    // 225 s, 450 s, 900 s, 900 s, 900 s: the next wait would end past the hour.
    expect(clock.waits).toEqual([225_000, 450_000, 900_000, 900_000, 900_000]);
    expect(report).toMatchObject({ attempts: 6, dead: 1, stoppedBy: 'idle' });
    expect((await store.getAlert(item!.id))?.lastError).toMatch(/^gave up after 6 attempt\(s\) over 0\.9 h \(alerts\.maxRetryHours 1\): HTTP 503/);
  });

  it('delivers only what is due in one pass without --until-idle, and stops at the deadline with the rest kept', async () => {
    const config = configWith();
    await enqueue(config, ['f-a', 'f-b']);
    const items = await store.listAlerts();
    replies.set(items[0]!.id, [{ status: 503 }]);
    expect(await run(config, {})).toMatchObject({ attempts: 2, delivered: 1, retried: 1, stoppedBy: 'done' });
    expect((await store.countAlerts()).pending).toBe(1);
    expect(await run(config, { untilIdle: true, deadline: clock.now() + 1000 })).toMatchObject({ attempts: 0, stoppedBy: 'deadline' });
    expect((await store.countAlerts()).pending).toBe(1);
  });

  it('holds what the throttle keeps back and sends it as one digest when the hour ends, dropping nothing', async () => {
    clock.set(Date.parse('2026-03-02T10:20:00.000Z'));
    const config = configWith([{ name: 'rest', channels: ['soc'], throttle: { max: 2, perMinutes: 60 }, digest: 'hourly' }]);
    const ids = ['f-1', 'f-2', 'f-3', 'f-4', 'f-5'];
    expect(await enqueue(config, ids)).toMatchObject({ alerts: 2, held: 3, enqueued: 5 });
    // A later run inside the same hour: the route has already sent 2, so this one is held too.
    clock.advance(10 * 60_000);
    expect(await enqueue(config, ['f-6'])).toMatchObject({ alerts: 0, held: 1 });
    expect(await run(config)).toMatchObject({ delivered: 2, digests: 0 });
    clock.set(Date.parse('2026-03-02T11:00:00.000Z'));
    expect(await run(config)).toMatchObject({ delivered: 1, digests: 1 });
    expect(receiver.received).toHaveLength(3);
    const digest = JSON.parse(receiver.received[2]!.body) as { type: string; data: { count: number; why: string; findings: Array<{ id: string; url?: string }> } };
    expect(digest.type).toBe('finding.digest');
    expect(digest.data).toMatchObject({ count: 4, why: 'throttle', route: 'rest', from: '2026-03-02T10:00:00.000Z', to: '2026-03-02T11:00:00.000Z' });
    const sent = receiver.received.slice(0, 2).map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id);
    expect([...sent, ...digest.data.findings.map((f) => f.id)].sort()).toEqual([...ids, 'f-6']);
    expect(await store.countAlerts()).toMatchObject({ held: 0, digested: 4, delivered: 3 });
    // Once released, a digest is not made again.
    expect(await run(config)).toMatchObject({ attempts: 0, digests: 0 });
  });
});
