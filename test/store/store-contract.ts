import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/contract.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { quarantineContract } from './quarantine-contract.ts';
import { makeFinding } from '../helpers/make-finding.ts';
import { checkpointListingContract } from './checkpoint-contract.ts';
import { outboxContract } from './outbox-contract.ts';
import { dashboardStoreContract } from './dashboard-contract.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The behaviour every Store backend must have; each backend's test file calls this with a factory. */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts events once by id and counts the repeats as duplicates', async () => {
      const a = makeEvent({ id: 'entra.audit:a', at: '2026-03-02T09:00:00Z' });
      const b = makeEvent({ id: 'entra.audit:b', at: '2026-03-02T08:00:00Z' });
      expect(await store.insertEvents([a, b])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.insertEvents([a, b, a])).toEqual({ inserted: 0, duplicates: 3 });
      expect(await store.countEvents()).toBe(2);
    });

    it('returns events in time order and round-trips every field', async () => {
      const late = makeEvent({ id: 'x:2', at: '2026-03-02T10:00:00Z', ip: '198.51.100.4', tags: ['interactive'] });
      const early = makeEvent({ id: 'x:1', at: '2026-03-02T09:00:00Z', authMethod: 'sms' });
      await store.insertEvents([late, early]);
      expect(await collect(store.queryEvents({}))).toEqual([early, late]);
    });

    it('filters events by user, ip, time range and action', async () => {
      await store.insertEvents([
        makeEvent({ id: 'q:1', user: 'Bob@Contoso.com', at: '2026-03-02T09:00:00Z', ip: '198.51.100.1' }),
        makeEvent({ id: 'q:2', user: 'bob@contoso.com', at: '2026-03-03T09:00:00Z', action: 'sspr.unlock' }),
        makeEvent({ id: 'q:3', user: 'carol@contoso.com', at: '2026-03-03T10:00:00Z', ip: '198.51.100.1' }),
      ]);
      const ids = async (q: Parameters<Store['queryEvents']>[0]) => (await collect(store.queryEvents(q))).map((e) => e.id);
      expect(await ids({ user: 'BOB@contoso.com' })).toEqual(['q:1', 'q:2']);
      expect(await ids({ ip: '198.51.100.1' })).toEqual(['q:1', 'q:3']);
      expect(await ids({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-03T10:00:00.000Z' })).toEqual(['q:2']);
      expect(await ids({ actions: ['sspr.unlock'] })).toEqual(['q:2']);
      expect(await ids({ limit: 1 })).toEqual(['q:1']);
      expect(await store.countEvents({ user: 'carol@contoso.com' })).toBe(1);
    });

    it('reads new events by ingest sequence so detection can run incrementally', async () => {
      await store.insertEvents([makeEvent({ id: 's:1' }), makeEvent({ id: 's:2' })]);
      const first = await store.readNewEvents(0, 10);
      expect(first.events.map((e) => e.id)).toEqual(['s:1', 's:2']);
      await store.insertEvents([makeEvent({ id: 's:3' }), makeEvent({ id: 's:1' })]);
      const next = await store.readNewEvents(first.lastSeq, 10);
      expect(next.events.map((e) => e.id)).toEqual(['s:3']);
      expect((await store.readNewEvents(next.lastSeq, 10)).events).toEqual([]);
      expect(await store.lastSeq()).toBe(next.lastSeq);
    });

    it('keeps quarantined records whole with their reason, once', async () => {
      const bad = {
        source: 'audit.json',
        locator: 'line 3',
        code: 'invalid-json',
        reason: 'Unexpected end of JSON input',
        raw: '{"Id": "trunc',
        rawBytes: 13,
        receivedAt: '2026-03-02T09:00:00.000Z',
      };
      await store.quarantine([bad, bad]);
      await store.quarantine([bad]);
      expect(await store.countQuarantine()).toBe(1);
      expect(await store.listQuarantine()).toEqual([bad]);
    });

    it('upserts findings by id and keeps the analyst status across a replay', async () => {
      expect(await store.upsertFindings([makeFinding()])).toEqual({ inserted: 1, updated: 0 });
      expect(await store.setFindingStatus('f-1', 'acknowledged')).toBe(true);
      expect(await store.setFindingStatus('missing', 'resolved')).toBe(false);
      const replay = makeFinding({ severity: 'critical', lastSeen: '2026-03-02T03:20:00.000Z' });
      expect(await store.upsertFindings([replay])).toEqual({ inserted: 0, updated: 1 });
      const [stored] = await store.listFindings();
      expect(stored).toEqual({ ...replay, status: 'acknowledged' });
    });

    it('filters findings by detector, severity, status and user', async () => {
      await store.upsertFindings([
        makeFinding({ id: 'a', detector: 'reset-spray', severity: 'high' }),
        makeFinding({ id: 'b', detector: 'mfa-fatigue', severity: 'critical', user: 'bob@contoso.com' }),
      ]);
      expect((await store.listFindings({ detector: 'reset-spray' })).map((f) => f.id)).toEqual(['a']);
      expect((await store.listFindings({ severity: 'critical' })).map((f) => f.id)).toEqual(['b']);
      expect((await store.listFindings({ user: 'BOB@contoso.com' })).map((f) => f.id)).toEqual(['b']);
      expect(await store.listFindings({ status: 'resolved' })).toEqual([]);
    });

    it('returns the stored findings among the ids asked for, with their status and retraction', async () => {
      const retracted = makeFinding({ id: 'r', retracted: { at: '2026-03-02T04:00:00.000Z', reason: 'explained by a later record' } });
      await store.upsertFindings([makeFinding({ id: 'a' }), retracted]);
      await store.setFindingStatus('a', 'resolved');
      const got = await store.getFindings(['r', 'missing', 'a']);
      expect(got.sort((x, y) => x.id.localeCompare(y.id))).toEqual([{ ...makeFinding({ id: 'a' }), status: 'resolved' }, retracted]);
      expect(await store.getFindings([])).toEqual([]);
    });

    it('stores checkpoints and replaces them', async () => {
      expect(await store.getCheckpoint('detect')).toBeUndefined();
      await store.setCheckpoint('detect', '10');
      await store.setCheckpoint('detect', '20');
      expect(await store.getCheckpoint('detect')).toBe('20');
    });

    quarantineContract(() => store);
    checkpointListingContract(() => store);

    it('keeps directory snapshots by kind, oldest first, and the same export once', async () => {
      const later = { kind: 'users' as const, takenAt: '2026-03-09T00:00:00.000Z', source: 'users.csv', rows: [{ upn: 'b' }] };
      const earlier = { kind: 'users' as const, takenAt: '2026-03-02T00:00:00.000Z', source: 'users.csv', rows: [{ upn: 'a' }] };
      expect(await store.saveSnapshot(later)).toBe(true);
      expect(await store.saveSnapshot(earlier)).toBe(true);
      expect(await store.saveSnapshot(earlier)).toBe(false);
      expect(await store.listSnapshots('users')).toEqual([earlier, later]);
      expect(await store.listSnapshots('tickets')).toEqual([]);
    });

    // The alert outbox every Store carries (issue 11), on the same instance.
    outboxContract(name, () => store);

    // The dashboard's interfaces (contract-dashboard.ts), on the same instance.
    dashboardStoreContract(() => store);
  });
}
