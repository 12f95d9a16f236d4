import type { Alert, AlertType } from '../core/alert.ts';
import type { Action, Dataset, SsprEvent } from '../core/event.ts';
import type { Finding, FindingStatus, Severity } from '../core/finding.ts';
import type { AuthStore, RunLogStore, TriageStore, TuningStore } from './contract-dashboard.ts';
import type { DirectorySnapshot, SnapshotKind } from '../core/directory.ts';

export type { DirectorySnapshot, SnapshotKind };
export type * from './contract-dashboard.ts';

/** A record ingest refused, kept whole (up to the size cap) with the reason, so nothing is lost. */
export interface QuarantinedRecord {
  /** File path or source name. */
  source: string;
  /** Where in the source: `line 12`, `byte 4096`, `element 3`. */
  locator: string;
  format?: string;
  code: string;
  reason: string;
  /** The raw bytes as text (UTF-8, invalid bytes replaced); `rawBytes` is the original length. */
  raw: string;
  rawBytes: number;
  receivedAt: string;
}

/** A quarantined record with its key: a hash of (source, locator, raw text), the same in every backend. */
export interface QuarantineEntry extends QuarantinedRecord {
  key: string;
}

/** Where a page of quarantine entries ends; the next page starts after it. */
export interface QuarantineCursor {
  receivedAt: string;
  key: string;
}

export interface QuarantineQuery {
  /** Reason code (`unknown-shape`, `missing-field`, …). */
  code?: string;
  /** Source equal to this, or starting with it (a folder, a `log-analytics:` stream). */
  source?: string;
  /** Key or the first characters of one. */
  keyPrefix?: string;
  /** Page size (default 100). */
  limit?: number;
  after?: QuarantineCursor;
}

/** A retry's verdict on a record that still does not parse: its current code, reason and format. */
export interface QuarantineUpdate {
  key: string;
  code: string;
  reason: string;
  format?: string;
}

/**
 * The quarantine: records ingest refused, kept with their reason so nothing is lost, listed, shown and re-parsed
 * by `sspr quarantine`. Entries are ordered by (receivedAt, key) in every backend.
 */
export interface QuarantineStore {
  /** Keeps records; the same record from the same place (same key) is kept once. */
  quarantine(records: readonly QuarantinedRecord[]): Promise<void>;
  /** The first `limit` records in insertion order (without keys). */
  listQuarantine(limit?: number): Promise<QuarantinedRecord[]>;
  countQuarantine(query?: Pick<QuarantineQuery, 'code' | 'source' | 'keyPrefix'>): Promise<number>;
  /** One page of entries matching the query, in (receivedAt, key) order, after the cursor. */
  queryQuarantine(query?: QuarantineQuery): Promise<QuarantineEntry[]>;
  /** Replaces code, reason and format of existing entries; returns how many it changed. Unknown keys are ignored. */
  updateQuarantined(updates: readonly QuarantineUpdate[]): Promise<number>;
  /** Removes entries that a retry moved into the events; returns how many were removed. */
  releaseQuarantined(keys: readonly string[]): Promise<number>;
}

export interface EventQuery {
  user?: string;
  ip?: string;
  /** Inclusive ISO time. */
  from?: string;
  /** Exclusive ISO time. */
  to?: string;
  actions?: readonly Action[];
  datasets?: readonly Dataset[];
  limit?: number;
}

export interface FindingQuery {
  detector?: string;
  severity?: Severity;
  status?: FindingStatus;
  user?: string;
  limit?: number;
}

export interface InsertResult {
  inserted: number;
  duplicates: number;
}

/** A stored checkpoint: its key and its value as the caller wrote it. */
export interface CheckpointEntry {
  key: string;
  value: string;
}

/** Listing checkpoints by key prefix: how `sspr status` finds every pull source's progress. */
export interface CheckpointListing {
  /** Checkpoints whose key starts with `prefix` (literally: no wildcards), in key order. */
  listCheckpoints(prefix: string): Promise<CheckpointEntry[]>;
}

/**
 * Where an alert is in its life: `pending` (waiting for its due time: first try, a retry, or leased to a
 * sender), `held` (kept back by a route's throttle or quiet hours until its digest is due), `digested` (sent as
 * part of the digest `digestId`), `delivered`, `dead` (a dead letter: gave up, with the last error).
 */
export type OutboxStatus = 'pending' | 'held' | 'digested' | 'delivered' | 'dead';

/** An alert the router made, as it enters the outbox. Times are ISO. */
export interface NewOutboxItem {
  /** The `webhook-id`: stable for one finding revision on one channel, so a retry or a re-run resends the same id. */
  id: string;
  channel: string;
  /** The route that decided it (`retraction` for a retraction, the route name for a digest). */
  route: string;
  type: AlertType;
  findingId?: string;
  status: 'pending' | 'held';
  createdAt: string;
  /** Pending: when to (re)try. Held: when its digest is due. */
  dueAt: string;
  /** Held: the digest it waits for (`route|channel|period`). */
  digestKey?: string;
  alert: Alert;
}

/** An alert in the outbox with its delivery record. */
export interface OutboxItem extends Omit<NewOutboxItem, 'status'> {
  status: OutboxStatus;
  /** Attempts started (counted before each attempt, so a crash mid-attempt still counts). */
  attempts: number;
  firstAttemptAt?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  lastError?: string;
  /** HTTP status or SMTP reply code of the last attempt. */
  lastStatus?: number;
  /** Digested: the digest alert that carried it. */
  digestId?: string;
}

/** How an attempt ended: delivered, retry at `dueAt`, or a dead letter. */
export type OutboxCompletion =
  | { status: 'delivered'; at: string; code?: number }
  | { status: 'pending'; dueAt: string; error: string; code?: number }
  | { status: 'dead'; at: string; error: string; code?: number };

export interface OutboxQuery {
  status?: OutboxStatus;
  findingId?: string;
  limit?: number;
}

/**
 * The durable alert outbox (issue 11). The delivery loop receives one of these (the store's, or a queue's
 * when REDIS_URL is set), records each attempt before and after it, and so a restart resends (same id) and
 * never loses an alert. Every method is safe to call from several processes at once.
 */
export interface AlertOutbox {
  /** Adds alerts; an id already present is left as it is (re-running the router enqueues nothing twice). */
  enqueueAlerts(items: readonly NewOutboxItem[]): Promise<InsertResult>;
  /**
   * Claims up to `limit` pending alerts due at `now` (oldest due first) for one attempt: counts the attempt,
   * stamps first/last attempt times, and moves their due time to `leaseUntil`, so a sender that dies mid-attempt
   * leaves them due again then. Two callers never claim the same alert for the same lease.
   */
  claimDueAlerts(now: string, leaseUntil: string, limit: number): Promise<OutboxItem[]>;
  /**
   * Records how attempt `attempt` (the claimed item's `attempts`) ended. Ignored (false) when the alert is no
   * longer pending under that attempt, e.g. another sender reclaimed it after the lease ran out.
   */
  completeAlert(id: string, attempt: number, completion: OutboxCompletion): Promise<boolean>;
  /** Held alerts whose digest is due at `now`, ordered by digest key then enqueue order. */
  heldAlertsDue(now: string): Promise<OutboxItem[]>;
  /** Atomically enqueues a digest alert and marks the held alerts it lists `digested` by it. False when already done. */
  releaseDigest(digest: NewOutboxItem, heldIds: readonly string[]): Promise<boolean>;
  /** Dead letters back to pending, due at `now`, attempts and retry window reset; 'all' for every one. Returns how many. */
  replayDeadAlerts(ids: readonly string[] | 'all', now: string): Promise<number>;
  /** Alerts, newest first. */
  listAlerts(query?: OutboxQuery): Promise<OutboxItem[]>;
  getAlert(id: string): Promise<OutboxItem | undefined>;
  countAlerts(): Promise<Record<OutboxStatus, number>>;
  /** The earliest due time of a pending alert (undefined when none is pending). */
  nextAlertDue(): Promise<string | undefined>;
  /** Distinct findings a route sent (not held) from `since` on, for its throttle. */
  countRoutedAlerts(route: string, since: string): Promise<number>;
  /** Channels each of these findings already has an alert on (any status but held), with the route that sent it. */
  alertedChannels(findingIds: readonly string[]): Promise<Array<{ findingId: string; channel: string; route: string }>>;
}

/**
 * The store every backend implements (SQLite now, Elasticsearch later) and the one contract test suite
 * runs against. Async throughout so a network backend fits. Events are immutable and deduplicated by id;
 * findings are upserted by id and keep the analyst's status across replays. What the dashboard adds (triage,
 * sign-in, tuning, the run log) is in contract-dashboard.ts.
 */
export interface Store extends QuarantineStore, CheckpointListing, AlertOutbox, TriageStore, AuthStore, TuningStore, RunLogStore {
  readonly kind: string;
  insertEvents(events: readonly SsprEvent[]): Promise<InsertResult>;
  /** Events in (timestamp, id) order. */
  queryEvents(query: EventQuery): AsyncIterable<SsprEvent>;
  countEvents(query?: EventQuery): Promise<number>;
  /**
   * Events stored after ingest sequence `afterSeq` (0 for all), in ingest order, at most `limit`;
   * `lastSeq` is the cursor for the next call. This is how detection runs incrementally.
   */
  readNewEvents(afterSeq: number, limit: number): Promise<{ events: SsprEvent[]; lastSeq: number }>;
  /** The ingest sequence of the newest stored event (0 when empty). */
  lastSeq(): Promise<number>;
  /**
   * Hints that about `expectedEvents` events are coming in one run, so a backend may defer index upkeep
   * (SQLite drops and rebuilds secondary indexes; Elasticsearch would pause refresh). `endBulkLoad` restores
   * it; closing the store does too.
   */
  beginBulkLoad(expectedEvents: number): Promise<void>;
  endBulkLoad(): Promise<void>;
  /** Inserts or updates by id; an existing finding keeps its status. */
  upsertFindings(findings: readonly Finding[]): Promise<{ inserted: number; updated: number }>;
  listFindings(query?: FindingQuery): Promise<Finding[]>;
  /** The stored findings among `ids` (any order; unknown ids are left out). */
  getFindings(ids: readonly string[]): Promise<Finding[]>;
  setFindingStatus(id: string, status: FindingStatus): Promise<boolean>;
  getCheckpoint(key: string): Promise<string | undefined>;
  setCheckpoint(key: string, value: string): Promise<void>;
  /** Stores a snapshot; false when the same export (kind, date, rows) is already stored. */
  saveSnapshot(snapshot: DirectorySnapshot): Promise<boolean>;
  /** Snapshots of a kind, oldest first. */
  listSnapshots(kind: SnapshotKind): Promise<DirectorySnapshot[]>;
  close(): Promise<void>;
}
