import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../ingest/ingest.ts';
import { retryQuarantine } from '../../ingest/retry-quarantine.ts';
import type { QuarantinedRecord } from '../../store/contract.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/**
 * Quarantine rows exactly as the parsers before issue 8 wrote them for public samples (captured by ingesting
 * `fixtures/samples/` with that code): a Graph sign-in with `"status": {}`, an NXLog 4625, an AD FS sign-in, a Log
 * Analytics AuditLogs row with a projected `Type`, a 2018 preview-schema audit record, and two lines of an Event
 * Viewer copy that the old sniffing read as a privileged-accounts list.
 */
const OLD: QuarantinedRecord[] = JSON.parse(readFileSync('test/ingest/fixtures/quarantine-before-issue-8.json', 'utf8')) as QuarantinedRecord[];
const now = () => new Date('2026-06-01T00:00:00.000Z');

describe('sspr quarantine retry (retryQuarantine)', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-retry-')), 'sspr.db'));
    await store.quarantine(OLD);
  });
  afterEach(async () => store.close());

  it('lands what the current parsers read, once, and keeps the rest with today’s reason', async () => {
    const first = await retryQuarantine(store, { now });
    expect(first).toEqual({ examined: 7, released: 4, accepted: 3, duplicates: 0, skipped: 1, stillQuarantined: 3, updated: 1, notRetryable: 0 });
    const ids = [];
    for await (const e of store.queryEvents({})) ids.push(e.id);
    expect(ids.sort()).toEqual([
      'ad.security:workstation5.theshire.local:134058',
      'entra.signin:58f8ce73-9fc8-4f02-8ea8-1908964f842e',
      'entra.signin:b01b1726-0147-425e-a7f7-21f252050400',
    ]);
    // The event points at the record's original place, as if the file had been ingested today.
    const [signin] = await collect(store.queryEvents({ user: 'jdoe@contoso.com' }));
    expect(signin?.raw.ref).toBe(`${OLD[0]!.source}:${OLD[0]!.locator}`);

    const left = await store.queryQuarantine();
    expect(left.map((q) => q.code).sort()).toEqual(['bad-value', 'bad-value', 'missing-field']);
    const preview = left.find((q) => q.source.endsWith('audit-schema-example-1.json'));
    expect(preview).toMatchObject({ code: 'missing-field', format: 'entra-audit-diag', receivedAt: OLD[4]!.receivedAt });
    expect(preview?.reason).toMatch(/2018 preview schema/);

    const second = await retryQuarantine(store, { now });
    expect(second).toMatchObject({ examined: 3, released: 0, accepted: 0, duplicates: 0, updated: 0, stillQuarantined: 3 });
    expect(await store.countEvents()).toBe(3);
  });

  it('adds nothing when the original file is ingested after the retry, nor the retry after the file', async () => {
    await retryQuarantine(store, { now, code: 'missing-field' });
    const file = OLD[0]!.source;
    const again = await ingestPaths(store, [file], { now });
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, quarantined: 0 });

    await ingestPaths(store, ['fixtures/samples/entra-public/elastic-adfs-signin-diag.ndjson'], { now });
    const retried = await retryQuarantine(store, { now, source: 'fixtures/samples/entra-public/elastic-adfs' });
    expect(retried).toMatchObject({ examined: 1, released: 1, accepted: 0, duplicates: 1 });
    expect(await store.countEvents()).toBe(2);
  });

  it('retries only the code or source asked for', async () => {
    const byCode = await retryQuarantine(store, { now, code: 'unknown-shape' });
    expect(byCode).toMatchObject({ examined: 4, released: 3 });
    expect(await store.countQuarantine({ code: 'missing-field' })).toBe(2);
    const bySource = await retryQuarantine(store, { now, source: 'fixtures/samples/event-viewer/' });
    expect(bySource).toMatchObject({ examined: 2, released: 0, stillQuarantined: 2 });
  });

  it('leaves binary records and records kept only in part where they are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-retry-bad-'));
    writeFileSync(join(dir, 'garbage.bin'), Buffer.from([0x00, 0xff, 0x13, 0x37]));
    const big = `{"id": "${'x'.repeat(4096)}"}`;
    writeFileSync(join(dir, 'big.ndjson'), `${big}\n`);
    await ingestPaths(store, [dir], { now, limits: { maxRecordBytes: 1024, keepBytes: 256 } });
    const result = await retryQuarantine(store, { now, source: dir });
    expect(result).toMatchObject({ examined: 2, notRetryable: 2, released: 0 });
    expect(await store.countQuarantine({ source: dir })).toBe(2);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
