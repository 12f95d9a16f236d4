import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Alert } from '../../core/alert.ts';
import type {
  AlertOutbox,
  InsertResult,
  NewOutboxItem,
  OutboxCompletion,
  OutboxItem,
  OutboxQuery,
  OutboxStatus,
} from '../contract.ts';
import { inTransaction } from './transaction.ts';

/** The outbox table: times as epoch ms so due-time scans use the index; the alert itself as a JSON body. */
export const outboxSchemaSql = `
CREATE TABLE IF NOT EXISTS alert_outbox (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  route TEXT NOT NULL,
  type TEXT NOT NULL,
  finding_id TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,
  last_attempt_at INTEGER,
  delivered_at INTEGER,
  last_error TEXT,
  last_status INTEGER,
  digest_key TEXT,
  digest_id TEXT,
  alert TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (status, due_at);
CREATE INDEX IF NOT EXISTS alert_outbox_finding ON alert_outbox (finding_id);
CREATE INDEX IF NOT EXISTS alert_outbox_route ON alert_outbox (route, created_at);
`;

interface Row {
  id: string;
  channel: string;
  route: string;
  type: OutboxItem['type'];
  finding_id: string | null;
  status: OutboxStatus;
  created_at: number;
  due_at: number;
  attempts: number;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_error: string | null;
  last_status: number | null;
  digest_key: string | null;
  digest_id: string | null;
  alert: string;
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (value: number): string => new Date(value).toISOString();

function toItem(r: Row): OutboxItem {
  return {
    id: r.id,
    channel: r.channel,
    route: r.route,
    type: r.type,
    ...(r.finding_id !== null ? { findingId: r.finding_id } : {}),
    status: r.status,
    createdAt: iso(r.created_at),
    dueAt: iso(r.due_at),
    ...(r.digest_key !== null ? { digestKey: r.digest_key } : {}),
    alert: JSON.parse(r.alert) as Alert,
    attempts: r.attempts,
    ...(r.first_attempt_at !== null ? { firstAttemptAt: iso(r.first_attempt_at) } : {}),
    ...(r.last_attempt_at !== null ? { lastAttemptAt: iso(r.last_attempt_at) } : {}),
    ...(r.delivered_at !== null ? { deliveredAt: iso(r.delivered_at) } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
    ...(r.digest_id !== null ? { digestId: r.digest_id } : {}),
  };
}

/** The SQLite outbox: one table in the store's file, written through the store's connection. */
export class SqliteOutbox implements AlertOutbox {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly claim: StatementSync;
  private readonly complete: Record<OutboxCompletion['status'], StatementSync>;

  constructor(db: DatabaseSync) {
    this.db = db;
    // The statements of every attempt, prepared once: a delivery is one claim and one completion.
    this.claim = db.prepare(
      `UPDATE alert_outbox SET attempts = attempts + 1, last_attempt_at = ?1, first_attempt_at = coalesce(first_attempt_at, ?1), due_at = ?2
       WHERE rowid IN (SELECT rowid FROM alert_outbox WHERE status = 'pending' AND due_at <= ?1 ORDER BY due_at, rowid LIMIT ?3)
       RETURNING *`,
    );
    const guard = `WHERE id = ? AND attempts = ? AND status = 'pending'`;
    this.complete = {
      delivered: db.prepare(`UPDATE alert_outbox SET status = 'delivered', delivered_at = ?, last_status = ? ${guard}`),
      pending: db.prepare(`UPDATE alert_outbox SET due_at = ?, last_status = ?, last_error = ? ${guard}`),
      dead: db.prepare(`UPDATE alert_outbox SET status = 'dead', due_at = ?, last_status = ?, last_error = ? ${guard}`),
    };
    this.insert = db.prepare(
      `INSERT INTO alert_outbox (id, channel, route, type, finding_id, status, created_at, due_at, digest_key, alert)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
  }

  private transaction<T>(work: () => T): T {
    return inTransaction(this.db, work, true);
  }

  private add(item: NewOutboxItem): boolean {
    const result = this.insert.run(
      item.id,
      item.channel,
      item.route,
      item.type,
      item.findingId ?? null,
      item.status,
      ms(item.createdAt),
      ms(item.dueAt),
      item.digestKey ?? null,
      JSON.stringify(item.alert),
    );
    return Number(result.changes) > 0;
  }

  async enqueueAlerts(items: readonly NewOutboxItem[]): Promise<InsertResult> {
    let inserted = 0;
    this.transaction(() => {
      for (const item of items) if (this.add(item)) inserted += 1;
    });
    return { inserted, duplicates: items.length - inserted };
  }

  async claimDueAlerts(now: string, leaseUntil: string, limit: number): Promise<OutboxItem[]> {
    const t = ms(now);
    const rows = this.claim.all(t, ms(leaseUntil), Math.max(0, Math.floor(limit))) as unknown as Row[];
    return rows.map(toItem).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async completeAlert(id: string, attempt: number, completion: OutboxCompletion): Promise<boolean> {
    const code = completion.code ?? null;
    const stmt = this.complete[completion.status];
    const args: SQLInputValue[] =
      completion.status === 'delivered'
        ? [ms(completion.at), code, id, attempt]
        : [ms(completion.status === 'pending' ? completion.dueAt : completion.at), code, completion.error, id, attempt];
    return Number(stmt.run(...args).changes) > 0;
  }

  async heldAlertsDue(now: string): Promise<OutboxItem[]> {
    const rows = this.db
      .prepare(`SELECT * FROM alert_outbox WHERE status = 'held' AND due_at <= ? ORDER BY digest_key, rowid`)
      .all(ms(now)) as unknown as Row[];
    return rows.map(toItem);
  }

  async releaseDigest(digest: NewOutboxItem, heldIds: readonly string[]): Promise<boolean> {
    const mark = this.db.prepare(`UPDATE alert_outbox SET status = 'digested', digest_id = ? WHERE id = ? AND status = 'held'`);
    return this.transaction(() => {
      if (!this.add(digest)) return false;
      for (const id of heldIds) mark.run(digest.id, id);
      return true;
    });
  }

  async replayDeadAlerts(ids: readonly string[] | 'all', now: string): Promise<number> {
    const set = `status = 'pending', due_at = ?, attempts = 0, first_attempt_at = NULL`;
    if (ids === 'all') return Number(this.db.prepare(`UPDATE alert_outbox SET ${set} WHERE status = 'dead'`).run(ms(now)).changes);
    const stmt = this.db.prepare(`UPDATE alert_outbox SET ${set} WHERE status = 'dead' AND id = ?`);
    return this.transaction(() => ids.reduce((n, id) => n + Number(stmt.run(ms(now), id).changes), 0));
  }

  async listAlerts(query: OutboxQuery = {}): Promise<OutboxItem[]> {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.status !== undefined) {
      clauses.push('status = ?');
      params.push(query.status);
    }
    if (query.findingId !== undefined) {
      clauses.push('finding_id = ?');
      params.push(query.findingId);
    }
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const rows = this.db.prepare(`SELECT * FROM alert_outbox${where} ORDER BY rowid DESC${limit}`).all(...params) as unknown as Row[];
    return rows.map(toItem);
  }

  async getAlert(id: string): Promise<OutboxItem | undefined> {
    const row = this.db.prepare('SELECT * FROM alert_outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? toItem(row) : undefined;
  }

  async countAlerts(): Promise<Record<OutboxStatus, number>> {
    const counts: Record<OutboxStatus, number> = { pending: 0, held: 0, digested: 0, delivered: 0, dead: 0 };
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM alert_outbox GROUP BY status').all() as Array<{ status: OutboxStatus; n: number }>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  async nextAlertDue(): Promise<string | undefined> {
    const row = this.db.prepare(`SELECT min(due_at) AS t FROM alert_outbox WHERE status = 'pending'`).get() as { t: number | null };
    return row.t === null ? undefined : iso(row.t);
  }

  async countRoutedAlerts(route: string, since: string): Promise<number> {
    const row = this.db
      .prepare(
        `SELECT count(DISTINCT finding_id) AS n FROM alert_outbox
         WHERE route = ? AND created_at >= ? AND finding_id IS NOT NULL AND status IN ('pending', 'delivered', 'dead')`,
      )
      .get(route, ms(since)) as { n: number };
    return row.n;
  }

  async alertedChannels(findingIds: readonly string[]): Promise<Array<{ findingId: string; channel: string; route: string }>> {
    const out: Array<{ findingId: string; channel: string; route: string }> = [];
    // Chunks: SQLite caps the number of bound parameters.
    for (let i = 0; i < findingIds.length; i += 500) {
      const chunk = findingIds.slice(i, i + 500);
      const rows = this.db
        .prepare(
          `SELECT DISTINCT finding_id, channel, route FROM alert_outbox
           WHERE finding_id IN (${chunk.map(() => '?').join(', ')}) AND status != 'held' ORDER BY rowid`,
        )
        .all(...chunk) as Array<{ finding_id: string; channel: string; route: string }>;
      for (const r of rows) out.push({ findingId: r.finding_id, channel: r.channel, route: r.route });
    }
    return out;
  }
}
