import type { Action, Dataset, SsprEvent } from '../core/event.ts';
import type { Finding, FindingStatus, Severity } from '../core/finding.ts';
import type { DirectorySnapshot, SnapshotKind } from '../core/directory.ts';

export type { DirectorySnapshot, SnapshotKind };

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
 * The store every backend implements (SQLite now, Elasticsearch later) and the one contract test suite
 * runs against. Async throughout so a network backend fits. Events are immutable and deduplicated by id;
 * findings are upserted by id and keep the analyst's status across replays.
 */
export interface Store extends QuarantineStore, CheckpointListing {
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
