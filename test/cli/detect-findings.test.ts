import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTenant, type Truth } from '../../fixtures/generator/index.ts';
import { findingSchema } from '../../core/finding.ts';
import { DETECT_STATE_KEY } from '../../pipeline/run-detection.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { runCli } from './run-cli.ts';

interface RunJson {
  mode: string;
  events: number;
  findings: { inserted: number; updated: number };
  changes: { created: number; updated: number; retracted: number };
}

describe('sspr detect and sspr findings', () => {
  let dir: string;
  let truth: Truth;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-detect-'));
    ({ truth } = await writeTenant(join(dir, 'tenant'), { seed: 5, users: 150, days: 14 }));
  });

  const ingest = async (db: string, sub: string[]) =>
    runCli(['ingest', ...sub.map((s) => join(dir, 'tenant', s)), '--db', db, '--json']);

  it('prints findings with the contract fields, critical first', async () => {
    const db = join(dir, 'a.db');
    await ingest(db, ['entra', 'ad', 'directory']);
    const run = JSON.parse((await runCli(['detect', '--db', db, '--json'])).stdout) as RunJson;
    expect(run.mode).toBe('full');
    expect(run.findings.inserted).toBeGreaterThan(0);
    expect(run.changes).toEqual({ created: run.findings.inserted, updated: 0, retracted: 0 });
    // The same events again: every finding is re-derived, none changed, so nothing is reported as a change.
    const again = JSON.parse((await runCli(['detect', '--db', db, '--rebuild', '--json'])).stdout) as RunJson;
    expect(again.findings.updated).toBe(run.findings.inserted);
    expect(again.changes).toEqual({ created: 0, updated: 0, retracted: 0 });
    const findings = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(findings.length).toBe(run.findings.inserted);
    for (const f of findings) {
      expect(findingSchema.safeParse(f).success).toBe(true);
      for (const field of ['id', 'detector', 'severity', 'status', 'ips', 'firstSeen', 'lastSeen', 'summary', 'explanation', 'evidence', 'attack']) {
        expect(f).toHaveProperty(field);
      }
    }
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
    const ranks = findings.map((f) => rank[f.severity as keyof typeof rank]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // The injected attacks show up under their own detector ids.
    const detectorsSeen = new Set(findings.map((f) => f.detector));
    const injected = new Set(truth.incidents.map((i) => i.detector));
    expect([...injected].filter((d) => detectorsSeen.has(d)).length).toBeGreaterThanOrEqual(Math.min(4, injected.size));
  });

  it('reads only new events on the next run and rebuilds to the same findings without doubling', async () => {
    const db = join(dir, 'b.db');
    await ingest(db, ['entra']);
    const first = JSON.parse((await runCli(['detect', '--db', db, '--json'])).stdout) as RunJson;
    const again = JSON.parse((await runCli(['detect', '--db', db, '--json'])).stdout) as RunJson;
    expect(again).toMatchObject({ mode: 'incremental', events: 0 });
    await ingest(db, ['ad', 'directory']);
    const more = JSON.parse((await runCli(['detect', '--db', db, '--json'])).stdout) as RunJson;
    expect(more.mode).toBe('incremental');
    expect(more.events).toBeGreaterThan(0);
    expect(more.events).toBeLessThan(first.events);

    const before = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Array<{ id: string }>;
    const store = new SqliteStore(db);
    await store.setFindingStatus(before[0]!.id, 'acknowledged');
    await store.close();
    const rebuilt = JSON.parse((await runCli(['detect', '--db', db, '--rebuild', '--json'])).stdout) as RunJson;
    expect(rebuilt.mode).toBe('full');
    const after = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Array<{ id: string; status: string }>;
    expect(new Set(after.map((f) => f.id)).size).toBe(after.length);
    expect(after.find((f) => f.id === before[0]!.id)?.status).toBe('acknowledged');
  });

  it('falls back to a full pass when the saved detector state is from another version', async () => {
    const db = join(dir, 'd.db');
    await ingest(db, ['entra', 'ad', 'directory']);
    const first = JSON.parse((await runCli(['detect', '--db', db, '--json'])).stdout) as RunJson;
    const store = new SqliteStore(db);
    const state = JSON.parse((await store.getCheckpoint(DETECT_STATE_KEY))!) as { detectors: Record<string, { version: number }> };
    state.detectors['reset-spike']!.version = 999;
    await store.setCheckpoint(DETECT_STATE_KEY, JSON.stringify(state));
    await store.close();
    const run = await runCli(['detect', '--db', db, '--json']);
    expect(run.code).toBe(0);
    const again = JSON.parse(run.stdout) as RunJson;
    expect(again).toMatchObject({ mode: 'full', events: first.events, findings: { inserted: 0, updated: first.findings.inserted } });
  });

  it('filters findings and rejects unknown filter values with exit code 2', async () => {
    const db = join(dir, 'c.db');
    await ingest(db, ['entra', 'ad', 'directory']);
    await runCli(['detect', '--db', db]);
    const critical = JSON.parse((await runCli(['findings', '--db', db, '--severity', 'critical', '--json'])).stdout) as Array<{ severity: string }>;
    expect(critical.every((f) => f.severity === 'critical')).toBe(true);
    const text = await runCli(['findings', '--db', db]);
    expect(text.stdout).toMatch(/finding\(s\):/);
    expect((await runCli(['findings', '--db', db, '--severity', 'urgent'])).code).toBe(2);
    expect((await runCli(['detect', '--db', db, '--since', 'not-a-date'])).code).toBe(2);
  });
});
