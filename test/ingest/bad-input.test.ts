import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../ingest/ingest.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

const samples = JSON.parse(readFileSync('fixtures/samples/entra/auditlogs-la.json', 'utf8')) as Array<Record<string, unknown>>;
/** Good Log Analytics audit rows with fresh ids, so each test file has its own. */
const goodRow = (n: number) => JSON.stringify({ ...samples[0], Id: `good-${n}` });
const limits = { maxRecordBytes: 4 * 1024 * 1024, keepBytes: 64 * 1024 };

describe('ingest of bad input', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-bad-'));
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-bad-db-')), 'sspr.db'));
  });
  afterEach(async () => store.close());

  it('quarantines each kind of bad record with its reason and keeps every good record around it', async () => {
    const missingTime = JSON.stringify({ ...samples[0], Id: 'no-time', TimeGenerated: undefined, ActivityDateTime: undefined });
    const tenMegabytes = `{"blob": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0x42]);
    const lines = [
      goodRow(1),
      '{"Id": "trunc", "OperationName": "Reset pass', // truncated mid-record, more lines follow
      goodRow(2),
      '{"hello": "world", "answer": 42}', // well-formed JSON of an unknown shape
      missingTime,
      goodRow(3),
      tenMegabytes,
      goodRow(4),
    ];
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, Buffer.concat([Buffer.from(`${lines.slice(0, 6).join('\n')}\n`), garbage, Buffer.from(`\n${lines.slice(6).join('\n')}\n`)]));
    writeFileSync(join(dir, 'cut.json'), `[${goodRow(5)}, ${goodRow(6)}, {"Id": "cut-off", "Operation`);

    const summary = await ingestPaths(store, [file, join(dir, 'cut.json')], { limits });

    expect(summary.accepted).toBe(6);
    expect(await store.countEvents()).toBe(6);
    expect(summary.quarantineReasons).toEqual({ 'invalid-json': 1, 'unknown-shape': 1, 'missing-field': 1, 'not-text': 1, 'too-large': 1, truncated: 1 });
    expect(summary.quarantined).toBe(6);
    expect(summary.read).toBe(summary.accepted + summary.skipped + summary.duplicates + summary.quarantined);
    const kept = await store.listQuarantine();
    const byCode = Object.fromEntries(kept.map((q) => [q.code, q]));
    expect(byCode['invalid-json']!.raw).toBe(lines[1]);
    expect(byCode['unknown-shape']!.reason).toMatch(/no known log format.*hello/);
    expect(byCode['missing-field']!.reason).toMatch(/time/i);
    expect(byCode['not-text']!.raw).toBe(`base64:${garbage.toString('base64')}`);
    expect(byCode['too-large']!.rawBytes).toBe(Buffer.byteLength(tenMegabytes));
    expect(byCode['too-large']!.raw.length).toBe(limits.keepBytes);
    expect(byCode.truncated!.raw).toBe('{"Id": "cut-off", "Operation');
    expect(byCode.truncated!.source).toBe(join(dir, 'cut.json'));
  });

  it('takes a 10 MB line under the default limit whole and quarantines it for its shape, not its size', async () => {
    const big = `{"blob": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    writeFileSync(join(dir, 'big.ndjson'), `${goodRow(7)}\n${big}\n${goodRow(8)}\n`);
    const summary = await ingestPaths(store, [dir]);
    expect(summary.accepted).toBe(2);
    const [kept] = await store.listQuarantine();
    expect(kept!.code).toBe('unknown-shape');
    expect(kept!.raw).toBe(big);
  });

  it('quarantines a whole binary file as not-text and carries on with the next file', async () => {
    writeFileSync(join(dir, 'a.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]));
    writeFileSync(join(dir, 'b.ndjson'), `${goodRow(9)}\n`);
    const summary = await ingestPaths(store, [dir]);
    expect(summary).toMatchObject({ read: 2, accepted: 1, quarantined: 1, quarantineReasons: { 'not-text': 1 } });
  });

  it('quarantines text between Event XML elements and a cut-off last event, keeping the good events', async () => {
    const xml = readFileSync('fixtures/samples/windows/security-events.xml', 'utf8');
    const events = xml.match(/<Event[\s>][\s\S]*?<\/Event>/g)!;
    writeFileSync(join(dir, 'sec.xml'), `${events[0]}\nthis is not xml\n${events[1]}\n${events[2]!.slice(0, 200)}`);
    const summary = await ingestPaths(store, [join(dir, 'sec.xml')]);
    expect(summary.quarantineReasons).toEqual({ 'invalid-xml': 1, truncated: 1 });
    expect(summary.accepted + summary.skipped).toBe(2);
  });

  it('adds nothing when the same files are ingested again, bad records included', async () => {
    writeFileSync(join(dir, 'x.ndjson'), `${goodRow(10)}\nnot json\n`);
    const first = await ingestPaths(store, [dir]);
    const second = await ingestPaths(store, [dir]);
    expect(first).toMatchObject({ accepted: 1, quarantined: 1 });
    expect(second).toMatchObject({ accepted: 0, duplicates: 1, quarantined: 1 });
    expect(await store.countEvents()).toBe(1);
    expect(await store.countQuarantine()).toBe(1);
  });
});
