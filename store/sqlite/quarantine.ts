import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { QuarantineEntry, QuarantineQuery, QuarantineStore, QuarantinedRecord, QuarantineUpdate } from '../contract.ts';
import { quarantineKey } from '../quarantine-key.ts';
import { inTransaction } from './transaction.ts';

type Row = Record<string, string | number | null>;

function recordOf(r: Row): QuarantinedRecord {
  return {
    source: String(r.source),
    locator: String(r.locator),
    ...(r.format !== null ? { format: String(r.format) } : {}),
    code: String(r.code),
    reason: String(r.reason),
    raw: String(r.raw),
    rawBytes: Number(r.raw_bytes),
    receivedAt: String(r.received_at),
  };
}

function where(query: Pick<QuarantineQuery, 'code' | 'source' | 'keyPrefix' | 'after'>): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.code !== undefined) {
    clauses.push('code = ?');
    params.push(query.code);
  }
  // Prefix tests by substr, not LIKE: paths hold `_` and `%`, which LIKE would read as wildcards.
  if (query.source !== undefined) {
    clauses.push('substr(source, 1, ?) = ?');
    params.push(query.source.length, query.source);
  }
  if (query.keyPrefix !== undefined) {
    clauses.push('substr(key, 1, ?) = ?');
    params.push(query.keyPrefix.length, query.keyPrefix.toLowerCase());
  }
  if (query.after !== undefined) {
    clauses.push('(received_at > ? OR (received_at = ? AND key > ?))');
    params.push(query.after.receivedAt, query.after.receivedAt, query.after.key);
  }
  return { sql: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The quarantine table of the SQLite store (`SqliteStore` delegates its `QuarantineStore` methods here). */
export class SqliteQuarantine implements QuarantineStore {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly update: StatementSync;
  private readonly remove: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.insert = db.prepare(
      `INSERT INTO quarantine (key, source, locator, format, code, reason, raw, raw_bytes, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING`,
    );
    this.update = db.prepare('UPDATE quarantine SET code = ?, reason = ?, format = ? WHERE key = ? AND (code <> ? OR reason <> ? OR format IS NOT ?)');
    this.remove = db.prepare('DELETE FROM quarantine WHERE key = ?');
  }

  async quarantine(records: readonly QuarantinedRecord[]): Promise<void> {
    inTransaction(this.db, () => {
      for (const r of records) {
        this.insert.run(quarantineKey(r), r.source, r.locator, r.format ?? null, r.code, r.reason, r.raw, r.rawBytes, r.receivedAt);
      }
    });
  }

  async listQuarantine(limit = 100): Promise<QuarantinedRecord[]> {
    const rows = this.db
      .prepare('SELECT source, locator, format, code, reason, raw, raw_bytes, received_at FROM quarantine ORDER BY rowid LIMIT ?')
      .all(limit) as Row[];
    return rows.map(recordOf);
  }

  async countQuarantine(query: Pick<QuarantineQuery, 'code' | 'source' | 'keyPrefix'> = {}): Promise<number> {
    const { sql, params } = where(query);
    return (this.db.prepare(`SELECT count(*) AS n FROM quarantine${sql}`).get(...params) as { n: number }).n;
  }

  async queryQuarantine(query: QuarantineQuery = {}): Promise<QuarantineEntry[]> {
    const { sql, params } = where(query);
    const limit = Math.max(0, Math.floor(query.limit ?? 100));
    const rows = this.db
      .prepare(`SELECT key, source, locator, format, code, reason, raw, raw_bytes, received_at FROM quarantine${sql} ORDER BY received_at, key LIMIT ?`)
      .all(...params, limit) as Row[];
    return rows.map((r) => ({ key: String(r.key), ...recordOf(r) }));
  }

  async updateQuarantined(updates: readonly QuarantineUpdate[]): Promise<number> {
    let changed = 0;
    inTransaction(this.db, () => {
      for (const u of updates) {
        const format = u.format ?? null;
        changed += Number(this.update.run(u.code, u.reason, format, u.key, u.code, u.reason, format).changes);
      }
    });
    return changed;
  }

  async releaseQuarantined(keys: readonly string[]): Promise<number> {
    let removed = 0;
    inTransaction(this.db, () => {
      for (const key of keys) removed += Number(this.remove.run(key).changes);
    });
    return removed;
  }
}
