import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTenant } from '../../fixtures/generator/index.ts';
import { runCli } from './run-cli.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'sspr-cli-'));

describe('sspr ingest and sspr events', () => {
  it('prints the JSON summary contract and exits 0 when nothing is quarantined', async () => {
    const db = join(scratch(), 's.db');
    const result = await runCli(['ingest', 'fixtures/samples/entra', '--db', db, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['read', 'accepted', 'skipped', 'duplicates', 'quarantined', 'bySource']));
    expect(summary.quarantined).toBe(0);
    expect(summary.read).toBeGreaterThan(0);
  });

  it('exits 3 when some records were quarantined and 2 on a usage error', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.ndjson'), '{"not": "a log"}\n');
    expect((await runCli(['ingest', dir, '--db', join(dir, 'x', 's.db')])).code).toBe(3);
    const noPaths = await runCli(['ingest', '--db', join(dir, 'x', 's.db')]);
    expect(noPaths.code).toBe(2);
    expect(noPaths.stderr).toContain('USAGE');
    expect((await runCli(['ingest', dir, '--bogus'])).code).toBe(2);
    expect((await runCli(['ingest', dir, '--format', 'nope'])).code).toBe(2);
    expect((await runCli(['nonsense'])).code).toBe(2);
  });

  it('exits 1 with a coded error when a path cannot be read', async () => {
    const result = await runCli(['ingest', '/nonexistent/file.json', '--db', join(scratch(), 's.db')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('INGEST_SOURCE_UNREADABLE');
  });

  it('uses SSPR_DB when --db is not given', async () => {
    const db = join(scratch(), 'env.db');
    await runCli(['ingest', 'fixtures/samples/windows/winlogbeat.ndjson', '--json'], { SSPR_DB: db });
    const events = await runCli(['events', '--json'], { SSPR_DB: db });
    expect((JSON.parse(events.stdout) as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('a generated tenant ingested twice', () => {
  let dir: string;
  let files: Record<string, number>;
  beforeAll(async () => {
    dir = scratch();
    await writeTenant(join(dir, 'tenant'), { seed: 3, users: 120, days: 10 });
    files = (JSON.parse(readFileSync(join(dir, 'tenant', 'truth.json'), 'utf8')) as { files: Record<string, number> }).files;
  });

  it('accounts for every record the first time and adds nothing the second time', async () => {
    const db = join(dir, 's.db');
    const paths = ['entra', 'ad', 'directory'].map((d) => join(dir, 'tenant', d));
    const first = JSON.parse((await runCli(['ingest', ...paths, '--db', db, '--json'])).stdout) as { read: number; accepted: number; skipped: number; duplicates: number; quarantined: number };
    const logRecords = Object.values(files).reduce((a, b) => a + b, 0);
    expect(first.quarantined).toBe(0);
    expect(first.read).toBe(first.accepted + first.skipped + first.duplicates);
    // Every generated log record is read; directory rows come on top of them.
    expect(first.read).toBeGreaterThan(logRecords);
    const stored = JSON.parse((await runCli(['events', '--db', db, '--limit', '10000000', '--json'])).stdout) as Array<{ id: string }>;
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);

    const second = JSON.parse((await runCli(['ingest', ...paths, '--db', db, '--json'])).stdout) as typeof first;
    expect(second).toMatchObject({ read: first.read, accepted: 0, duplicates: first.accepted + first.duplicates, quarantined: 0 });
    const again = JSON.parse((await runCli(['events', '--db', db, '--limit', '10000000', '--json'])).stdout) as unknown[];
    expect(again.length).toBe(stored.length);
  });

  it('queries events by user, IP, time and action', async () => {
    const db = join(dir, 'q.db');
    await runCli(['ingest', join(dir, 'tenant', 'entra'), '--db', db]);
    const all = JSON.parse((await runCli(['events', '--db', db, '--action', 'sspr.reset', '--json'])).stdout) as Array<{ user: { name: string }; timestamp: string; action: string; source?: { ip?: string } }>;
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.action === 'sspr.reset')).toBe(true);
    const first = all[0]!;
    const byUser = JSON.parse((await runCli(['events', '--db', db, '--user', first.user.name.toUpperCase(), '--json'])).stdout) as Array<{ user: { name: string } }>;
    expect(byUser.length).toBeGreaterThan(0);
    expect(byUser.every((e) => e.user.name === first.user.name)).toBe(true);
    const window = JSON.parse((await runCli(['events', '--db', db, '--since', first.timestamp, '--until', new Date(Date.parse(first.timestamp) + 1).toISOString(), '--json'])).stdout) as Array<{ timestamp: string }>;
    expect(window.every((e) => e.timestamp === first.timestamp)).toBe(true);
    expect(window.length).toBeGreaterThan(0);
    const ip = all.find((e) => e.source?.ip)?.source?.ip;
    expect(ip).toBeDefined();
    const byIp = JSON.parse((await runCli(['events', '--db', db, '--ip', ip!, '--json'])).stdout) as Array<{ source?: { ip?: string } }>;
    expect(byIp.length).toBeGreaterThan(0);
    expect(byIp.every((e) => e.source?.ip === ip)).toBe(true);
    expect((await runCli(['events', '--db', db, '--since', 'yesterday-ish'])).code).toBe(2);
  });
});
