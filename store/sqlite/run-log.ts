import type { DatabaseSync } from 'node:sqlite';
import type { RunLogStore, RunRecord } from '../contract-dashboard.ts';

/** The SQLite side of RunLogStore: one row per ingest of a source and per detection run. */
export class SqliteRunLog implements RunLogStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  async recordRun(run: Omit<RunRecord, 'seq'>): Promise<number> {
    const result = this.db.prepare('INSERT INTO runs (kind, source, body) VALUES (?, ?, ?)').run(run.kind, run.source, JSON.stringify(run));
    return Number(result.lastInsertRowid);
  }

  async latestRunPerSource(kind: RunRecord['kind']): Promise<RunRecord[]> {
    const rows = this.db
      .prepare('SELECT seq, body FROM runs WHERE seq IN (SELECT max(seq) FROM runs WHERE kind = ? GROUP BY source) ORDER BY source')
      .all(kind) as Array<{ seq: number; body: string }>;
    return rows.map((r) => ({ seq: r.seq, ...(JSON.parse(r.body) as Omit<RunRecord, 'seq'>) }));
  }

  async listRuns(kind: RunRecord['kind'], limit: number): Promise<RunRecord[]> {
    const rows = this.db.prepare('SELECT seq, body FROM runs WHERE kind = ? ORDER BY seq DESC LIMIT ?').all(kind, limit) as Array<{ seq: number; body: string }>;
    return rows.map((r) => ({ seq: r.seq, ...(JSON.parse(r.body) as Omit<RunRecord, 'seq'>) }));
  }
}
