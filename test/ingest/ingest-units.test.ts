import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestUnits } from '../../ingest/ingest.ts';
import type { RawUnit } from '../../ingest/sources/raw-unit.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

const rows = JSON.parse(readFileSync('fixtures/samples/entra/signinlogs-la.json', 'utf8')) as Array<Record<string, unknown>>;

async function* unitsOf(values: unknown[]): AsyncGenerator<RawUnit> {
  for (const [i, value] of values.entries()) yield { kind: 'value', value, locator: `row ${i}`, raw: JSON.stringify(value) };
}

describe('ingestUnits (records read by a pull source)', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-units-')), 'sspr.db'));
  });
  afterEach(async () => store.close());

  it('parses rows through the file parsers, names the stream in refs and quarantine, and adds nothing the second time', async () => {
    const source = 'log-analytics:ws-1/SigninLogs';
    const values = [...rows, { hello: 'world' }];
    const first = await ingestUnits(store, source, unitsOf(values));
    expect(first.read).toBe(values.length);
    expect(first.accepted).toBeGreaterThan(0);
    expect(first.quarantined).toBe(1);
    expect(first.accepted + first.skipped + first.quarantined).toBe(values.length);
    const [bad] = await store.listQuarantine();
    expect(bad).toMatchObject({ source, locator: `row ${rows.length}`, code: 'unknown-shape' });
    for await (const event of store.queryEvents({})) expect(event.raw?.ref?.startsWith(`${source}:row `)).toBe(true);

    const second = await ingestUnits(store, source, unitsOf(values));
    expect(second.accepted).toBe(0);
    expect(second.duplicates).toBe(first.accepted);
    expect(await store.countEvents()).toBe(first.accepted);
    expect(await store.countQuarantine()).toBe(1);
  });
});
