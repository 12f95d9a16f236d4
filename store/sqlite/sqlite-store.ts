import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import type { SsprEvent } from '../../core/event.ts';
import { SsprError } from '../../core/errors.ts';
import type { Finding, FindingStatus } from '../../core/finding.ts';
import type {
  CheckpointEntry,
  DirectorySnapshot,
  EventQuery,
  FindingQuery,
  InsertResult,
  QuarantineEntry,
  QuarantineQuery,
  NewOutboxItem,
  OutboxCompletion,
  OutboxItem,
  OutboxQuery,
  OutboxStatus,
  QuarantinedRecord,
  QuarantineUpdate,
  SnapshotKind,
  Store,
} from '../contract.ts';
import { listCheckpoints } from './checkpoints.ts';
import { SqliteQuarantine } from './quarantine.ts';
import { SqliteOutbox } from './outbox.ts';
import { bulkIndexesSql, hash53, schemaSql, SCHEMA_VERSION } from './schema.ts';
import { inTransaction } from './transaction.ts';
import { dashboardSchemaSql } from './dashboard-schema.ts';
import { sqliteDashboardStores, type DashboardStores } from './dashboard-store.ts';
import { FINDING_SELECT, findingFromRow } from './triage.ts';

/** The dashboard's interfaces (contract-dashboard.ts): their methods come from dashboard-store.ts over this connection. */
// Declaration merging: the constructor assigns every member (Object.assign), checked by sqliteDashboardStores' return type.
export interface SqliteStore extends DashboardStores {}

/**
 * The embedded default store: one SQLite file (WAL) through Node's built-in `node:sqlite`, no native addon.
 * Events are kept as JSON bodies with the columns queries filter on; `seq` (the rowid) is the ingest order
 * that incremental detection reads from.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly insertEvent: StatementSync;
  private readonly quarantineTable: SqliteQuarantine;
  private readonly upsertFinding: StatementSync;
  private readonly findingExists: StatementSync;
  private readonly idAtHash: StatementSync;
  private readonly outbox: SqliteOutbox;
  private bulk = false;

  constructor(path: string) {
    this.path = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new DatabaseSync(path);
      this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000; PRAGMA busy_timeout = 5000;');
      this.migrate();
    } catch (cause) {
      throw new SsprError('STORE_UNAVAILABLE', `cannot open the SQLite store at ${path}: ${(cause as Error).message}`, { cause });
    }
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (idh, id, ts, user, ip, action, dataset, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(idh) DO NOTHING',
    );
    this.idAtHash = this.db.prepare('SELECT id FROM events WHERE idh = ?');
    this.quarantineTable = new SqliteQuarantine(this.db);
    this.upsertFinding = this.db.prepare(
      `INSERT INTO findings (id, detector, severity, status, user, first_seen, last_seen, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET severity = excluded.severity, user = excluded.user,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen, body = excluded.body`,
    );
    this.findingExists = this.db.prepare('SELECT 1 FROM findings WHERE id = ?');
    this.outbox = new SqliteOutbox(this.db);
    Object.assign(this, sqliteDashboardStores(this.db));
  }

  private migrate(): void {
    const row = this.db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
    const version = row?.user_version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new SsprError('STORE_CORRUPT', `store schema version ${version} is newer than this sspr-watch (${SCHEMA_VERSION})`);
    }
    if (version > 0 && version < SCHEMA_VERSION) {
      throw new SsprError('STORE_CORRUPT', `store schema version ${version} is from an older sspr-watch; re-ingest into a new --db file`);
    }
    // Every statement of the schema is IF NOT EXISTS: a table or index added without a version bump (a new
    // part's own table) is created in an existing file too. The version is for changes that are not additive.
    this.db.exec(schemaSql);
    this.db.exec(dashboardSchemaSql);
    if (version < SCHEMA_VERSION) this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }

  private transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  async insertEvents(events: readonly SsprEvent[]): Promise<InsertResult> {
    let inserted = 0;
    this.transaction(() => {
      for (const e of events) {
        const ts = Date.parse(e.timestamp);
        const body = JSON.stringify(e);
        // Linear probing on the 53-bit hash: a taken slot holding another id moves on to the next value.
        for (let h = hash53(e.id); ; h = h === Number.MAX_SAFE_INTEGER ? 0 : h + 1) {
          if (Number(this.insertEvent.run(h, e.id, ts, e.user.name, e.source?.ip ?? null, e.action, e.dataset, body).changes) > 0) {
            inserted += 1;
            break;
          }
          if ((this.idAtHash.get(h) as { id: string }).id === e.id) break;
        }
      }
    });
    return { inserted, duplicates: events.length - inserted };
  }

  async *queryEvents(query: EventQuery): AsyncIterable<SsprEvent> {
    const { sql, params } = eventWhere(query);
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const stmt = this.db.prepare(`SELECT body FROM events${sql} ORDER BY ts, id${limit}`);
    // Ties on the millisecond are ordered by id, as the event model promises.
    for (const row of stmt.iterate(...params)) yield JSON.parse((row as { body: string }).body) as SsprEvent;
  }

  async lastSeq(): Promise<number> {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get() as { n: number }).n;
  }

  async beginBulkLoad(expectedEvents: number): Promise<void> {
    const n = await this.lastSeq();
    // Rebuilding indexes costs a sort of the whole table: worth it only when the load is large next to it.
    if (expectedEvents < 100_000 || expectedEvents < n) return;
    // Fewer, larger WAL checkpoints while loading (measured +23% rows/s); back to the default after.
    this.db.exec(`${bulkIndexesSql.drop} PRAGMA wal_autocheckpoint = 20000;`);
    this.bulk = true;
  }

  async endBulkLoad(): Promise<void> {
    if (!this.bulk) return;
    this.db.exec(`${bulkIndexesSql.create} PRAGMA wal_autocheckpoint = 1000;`);
    this.bulk = false;
  }

  async countEvents(query: EventQuery = {}): Promise<number> {
    const { sql, params } = eventWhere(query);
    const row = this.db.prepare(`SELECT count(*) AS n FROM events${sql}`).get(...params) as { n: number };
    return row.n;
  }

  async readNewEvents(afterSeq: number, limit: number): Promise<{ events: SsprEvent[]; lastSeq: number }> {
    const rows = this.db
      .prepare('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as Array<{ seq: number; body: string }>;
    const events = rows.map((r) => JSON.parse(r.body) as SsprEvent);
    return { events, lastSeq: rows.length > 0 ? rows[rows.length - 1]!.seq : afterSeq };
  }

  quarantine(records: readonly QuarantinedRecord[]): Promise<void> {
    return this.quarantineTable.quarantine(records);
  }

  listQuarantine(limit?: number): Promise<QuarantinedRecord[]> {
    return this.quarantineTable.listQuarantine(limit);
  }

  countQuarantine(query?: Pick<QuarantineQuery, 'code' | 'source' | 'keyPrefix'>): Promise<number> {
    return this.quarantineTable.countQuarantine(query);
  }

  queryQuarantine(query?: QuarantineQuery): Promise<QuarantineEntry[]> {
    return this.quarantineTable.queryQuarantine(query);
  }

  updateQuarantined(updates: readonly QuarantineUpdate[]): Promise<number> {
    return this.quarantineTable.updateQuarantined(updates);
  }

  releaseQuarantined(keys: readonly string[]): Promise<number> {
    return this.quarantineTable.releaseQuarantined(keys);
  }

  async upsertFindings(findings: readonly Finding[]): Promise<{ inserted: number; updated: number }> {
    let inserted = 0;
    let updated = 0;
    this.transaction(() => {
      for (const f of findings) {
        if (this.findingExists.get(f.id)) updated += 1;
        else inserted += 1;
        const { status, ...body } = f;
        this.upsertFinding.run(f.id, f.detector, f.severity, status, f.user ?? null, f.firstSeen, f.lastSeen, JSON.stringify(body));
      }
    });
    return { inserted, updated };
  }

  async listFindings(query: FindingQuery = {}): Promise<Finding[]> {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    for (const [column, value] of [
      ['f.detector', query.detector],
      ['f.severity', query.severity],
      ['f.status', query.status],
      ['f.user', query.user?.toLowerCase()],
    ] as const) {
      if (value !== undefined) {
        clauses.push(`${column} = ?`);
        params.push(value);
      }
    }
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const rows = this.db.prepare(`${FINDING_SELECT}${where} ORDER BY f.last_seen DESC, f.id${limit}`).all(...params);
    return rows.map((r) => findingFromRow(r as unknown as Parameters<typeof findingFromRow>[0]));
  }

  async getFindings(ids: readonly string[]): Promise<Finding[]> {
    const out: Finding[] = [];
    // One statement per chunk: SQLite caps the number of bound parameters (32,766 since 3.32).
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db.prepare(`${FINDING_SELECT} WHERE f.id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk);
      for (const r of rows) out.push(findingFromRow(r as unknown as Parameters<typeof findingFromRow>[0]));
    }
    return out;
  }

  async setFindingStatus(id: string, status: FindingStatus): Promise<boolean> {
    return Number(this.db.prepare('UPDATE findings SET status = ? WHERE id = ?').run(status, id).changes) > 0;
  }

  async getCheckpoint(key: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM checkpoints WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  async setCheckpoint(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO checkpoints (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async listCheckpoints(prefix: string): Promise<CheckpointEntry[]> {
    return listCheckpoints(this.db, prefix);
  }

  async saveSnapshot(snapshot: DirectorySnapshot): Promise<boolean> {
    const rows = JSON.stringify(snapshot.rows);
    // Keyed by content: the same export ingested twice, or re-exported unchanged with a newer file date, is one
    // snapshot (registration rows carry their own dates, so a later registration export differs).
    const key = createHash('sha256').update(`${snapshot.kind}\u0000${rows}`).digest('hex');
    const result = this.db
      .prepare('INSERT INTO snapshots (key, kind, taken_at, source, rows) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING')
      .run(key, snapshot.kind, snapshot.takenAt, snapshot.source, rows);
    return Number(result.changes) > 0;
  }

  async listSnapshots(kind: SnapshotKind): Promise<DirectorySnapshot[]> {
    const rows = this.db
      .prepare('SELECT kind, taken_at, source, rows FROM snapshots WHERE kind = ? ORDER BY taken_at, rowid')
      .all(kind) as Array<{ kind: SnapshotKind; taken_at: string; source: string; rows: string }>;
    return rows.map((r) => ({ kind: r.kind, takenAt: r.taken_at, source: r.source, rows: JSON.parse(r.rows) as unknown[] }));
  }

  // The alert outbox (store/sqlite/outbox.ts) shares this connection and file.
  enqueueAlerts(items: readonly NewOutboxItem[]): Promise<InsertResult> {
    return this.outbox.enqueueAlerts(items);
  }

  claimDueAlerts(now: string, leaseUntil: string, limit: number): Promise<OutboxItem[]> {
    return this.outbox.claimDueAlerts(now, leaseUntil, limit);
  }

  completeAlert(id: string, attempt: number, completion: OutboxCompletion): Promise<boolean> {
    return this.outbox.completeAlert(id, attempt, completion);
  }

  heldAlertsDue(now: string): Promise<OutboxItem[]> {
    return this.outbox.heldAlertsDue(now);
  }

  releaseDigest(digest: NewOutboxItem, heldIds: readonly string[]): Promise<boolean> {
    return this.outbox.releaseDigest(digest, heldIds);
  }

  replayDeadAlerts(ids: readonly string[] | 'all', now: string): Promise<number> {
    return this.outbox.replayDeadAlerts(ids, now);
  }

  listAlerts(query?: OutboxQuery): Promise<OutboxItem[]> {
    return this.outbox.listAlerts(query);
  }

  getAlert(id: string): Promise<OutboxItem | undefined> {
    return this.outbox.getAlert(id);
  }

  countAlerts(): Promise<Record<OutboxStatus, number>> {
    return this.outbox.countAlerts();
  }

  nextAlertDue(): Promise<string | undefined> {
    return this.outbox.nextAlertDue();
  }

  countRoutedAlerts(route: string, since: string): Promise<number> {
    return this.outbox.countRoutedAlerts(route, since);
  }

  alertedChannels(findingIds: readonly string[]): Promise<Array<{ findingId: string; channel: string; route: string }>> {
    return this.outbox.alertedChannels(findingIds);
  }


  async close(): Promise<void> {
    if (!this.db.isOpen) return;
    await this.endBulkLoad();
    this.db.close();
  }
}

function eventWhere(query: EventQuery): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.user !== undefined) {
    clauses.push('user = ?');
    params.push(query.user.toLowerCase());
  }
  if (query.ip !== undefined) {
    clauses.push('ip = ?');
    params.push(query.ip);
  }
  if (query.from !== undefined) {
    clauses.push('ts >= ?');
    params.push(Date.parse(query.from));
  }
  if (query.to !== undefined) {
    clauses.push('ts < ?');
    params.push(Date.parse(query.to));
  }
  for (const [column, values] of [
    ['action', query.actions],
    ['dataset', query.datasets],
  ] as const) {
    if (values !== undefined && values.length > 0) {
      clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
  }
  return { sql: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}
