import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuarantinedRecord } from '../../store/contract.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { runCli } from './run-cli.ts';

const OLD = JSON.parse(readFileSync('test/ingest/fixtures/quarantine-before-issue-8.json', 'utf8')) as QuarantinedRecord[];

/** A store holding the quarantine rows the parsers before issue 8 wrote. */
async function oldStore(): Promise<string> {
  const db = join(mkdtempSync(join(tmpdir(), 'sspr-qcli-')), 's.db');
  const store = new SqliteStore(db);
  await store.quarantine(OLD);
  await store.close();
  return db;
}

describe('sspr quarantine', () => {
  it('lists quarantined records as the JSON contract, filtered by code and source', async () => {
    const db = await oldStore();
    const all = await runCli(['quarantine', 'list', '--db', db, '--json']);
    expect(all.code).toBe(0);
    const rows = JSON.parse(all.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(OLD.length);
    expect(Object.keys(rows[0]!)).toEqual(['key', 'source', 'locator', 'format', 'code', 'reason', 'raw', 'rawBytes', 'receivedAt']);
    expect(rows.map((r) => r.raw).sort()).toEqual(OLD.map((r) => r.raw).sort());
    const missing = JSON.parse((await runCli(['quarantine', 'list', '--code', 'missing-field', '--db', db, '--json'])).stdout) as unknown[];
    expect(missing).toHaveLength(1);
    const viewer = JSON.parse((await runCli(['quarantine', 'list', '--source', 'fixtures/samples/event-viewer', '--db', db, '--json'])).stdout) as unknown[];
    expect(viewer).toHaveLength(2);
    expect(JSON.parse((await runCli(['quarantine', 'list', '--limit', '3', '--db', db, '--json'])).stdout)).toHaveLength(3);
  });

  it('prints a table with totals by code and the way to show one and retry them', async () => {
    const db = await oldStore();
    const out = await runCli(['quarantine', 'list', '--limit', '2', '--db', db]);
    expect(out.stdout).toContain(`showing 2 of ${OLD.length} quarantined records`);
    expect(out.stdout).toContain('unknown-shape 4, missing-field 1, bad-value 2');
    expect(out.stdout).toContain('sspr quarantine retry');
  });

  it('shows one record by a key prefix, and refuses unknown or ambiguous keys with exit 2', async () => {
    const db = await oldStore();
    const [first] = JSON.parse((await runCli(['quarantine', 'list', '--code', 'missing-field', '--db', db, '--json'])).stdout) as Array<{ key: string; raw: string }>;
    const shown = await runCli(['quarantine', 'show', first!.key.slice(0, 8), '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`key:        ${first!.key}`);
    expect(shown.stdout.endsWith(`raw:\n${first!.raw}\n`)).toBe(true);
    expect(JSON.parse((await runCli(['quarantine', 'show', first!.key, '--db', db, '--json'])).stdout)).toMatchObject({ key: first!.key });
    const unknown = await runCli(['quarantine', 'show', 'ffffffff', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('QUARANTINE_KEY_UNKNOWN');
    expect((await runCli(['quarantine', 'show', '--db', db])).code).toBe(2);
    expect((await runCli(['quarantine', 'frobnicate', '--db', db])).code).toBe(2);
    expect((await runCli(['quarantine', 'list', '--code', 'nonsense', '--db', db])).code).toBe(2);
  });

  it('retries: lands what now parses, exits 3 while some stay, and the events are there', async () => {
    const db = await oldStore();
    const retried = await runCli(['quarantine', 'retry', '--db', db, '--json']);
    expect(retried.code).toBe(3);
    expect(JSON.parse(retried.stdout)).toMatchObject({ examined: OLD.length, released: 4, accepted: 3, stillQuarantined: 3 });
    const events = JSON.parse((await runCli(['events', '--db', db, '--json'])).stdout) as unknown[];
    expect(events).toHaveLength(3);
    const again = await runCli(['quarantine', 'retry', '--code', 'unknown-shape', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to retry');
  });

  it('is named in the ingest summary when something was quarantined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-qcli-ingest-'));
    const out = await runCli(['ingest', 'fixtures/samples/entra-public/graph-v1-signin-list-example.json', '--db', join(dir, 's.db')]);
    expect(out.code).toBe(3);
    expect(out.stdout).toContain('`sspr quarantine list` shows them');
  });
});
