import { beforeEach, describe, expect, it } from 'vitest';
import type { QuarantinedRecord, Store } from '../../store/contract.ts';
import { quarantineKey } from '../../store/quarantine-key.ts';

const record = (n: number, over: Partial<QuarantinedRecord> = {}): QuarantinedRecord => ({
  source: 'data/exports_100%/audit.ndjson',
  locator: `line ${n}`,
  code: 'unknown-shape',
  reason: 'no known log format has this shape',
  raw: `{"n": ${n}}`,
  rawBytes: `{"n": ${n}}`.length,
  receivedAt: `2026-03-02T09:00:0${n % 10}.000Z`,
  ...over,
});

/** The QuarantineStore part of the store contract; `storeContract` calls it with the backend under test. */
export function quarantineContract(open: () => Store): void {
  describe('quarantine', () => {
    let store: Store;
    beforeEach(() => {
      store = open();
    });

    it('lists entries with their keys in received order, page by page after a cursor', async () => {
      const records = [record(3), record(1), record(2), record(4, { receivedAt: '2026-03-02T09:00:01.000Z' })];
      await store.quarantine(records);
      const all = await store.queryQuarantine();
      // Line 1 and line 4 arrived in the same millisecond: the key breaks the tie.
      const tied = [record(1), record(4, { receivedAt: '2026-03-02T09:00:01.000Z' })].map((r) => ({ locator: r.locator, key: quarantineKey(r) }));
      tied.sort((x, y) => x.key.localeCompare(y.key));
      expect(all.map((q) => q.locator)).toEqual([...tied.map((t) => t.locator), 'line 2', 'line 3']);
      for (const q of all) expect(q.key).toBe(quarantineKey(q));
      const first = await store.queryQuarantine({ limit: 2 });
      const last = first[first.length - 1]!;
      const next = await store.queryQuarantine({ limit: 2, after: { receivedAt: last.receivedAt, key: last.key } });
      expect([...first, ...next]).toEqual(all);
      expect(await store.queryQuarantine({ limit: 2, after: { receivedAt: all[3]!.receivedAt, key: all[3]!.key } })).toEqual([]);
    });

    it('filters by code, by source prefix (underscores and percent signs taken literally) and by key prefix', async () => {
      await store.quarantine([record(1), record(2, { code: 'missing-field' }), record(3, { source: 'data/exportsX100%/audit.ndjson' })]);
      expect((await store.queryQuarantine({ code: 'missing-field' })).map((q) => q.locator)).toEqual(['line 2']);
      expect(await store.countQuarantine({ source: 'data/exports_100%/' })).toBe(2);
      expect(await store.countQuarantine({ source: 'data/exports_' })).toBe(2);
      expect(await store.countQuarantine({ code: 'unknown-shape', source: 'data/' })).toBe(2);
      const key = quarantineKey(record(2, { code: 'missing-field' }));
      expect((await store.queryQuarantine({ keyPrefix: key.slice(0, 10).toUpperCase() })).map((q) => q.key)).toEqual([key]);
      expect(await store.countQuarantine()).toBe(3);
    });

    it('updates the verdict of entries in place and removes released ones', async () => {
      await store.quarantine([record(1), record(2)]);
      const [a, b] = await store.queryQuarantine();
      const update = { key: a!.key, code: 'missing-field', reason: 'missing field Id', format: 'entra-audit-la' };
      expect(await store.updateQuarantined([update, { ...update, key: 'f'.repeat(64) }])).toBe(1);
      expect(await store.updateQuarantined([update])).toBe(0);
      expect((await store.queryQuarantine({ keyPrefix: a!.key }))[0]).toEqual({ ...a, code: 'missing-field', reason: 'missing field Id', format: 'entra-audit-la' });
      expect(await store.releaseQuarantined([b!.key, b!.key, 'f'.repeat(64)])).toBe(1);
      expect((await store.queryQuarantine()).map((q) => q.key)).toEqual([a!.key]);
      await store.quarantine([record(2)]);
      expect(await store.countQuarantine()).toBe(2);
    });
  });
}
