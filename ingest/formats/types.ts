import type { Dataset, SsprEvent } from '../../core/event.ts';
import type { SnapshotKind } from '../../core/directory.ts';

/** Why a record was refused. Stable codes: the quarantine and the ingest summary group by them. */
export type RejectCode =
  | 'invalid-json'
  | 'truncated'
  | 'unknown-shape'
  | 'missing-field'
  | 'bad-value'
  | 'too-large'
  | 'not-text'
  | 'invalid-xml';

/** One raw record's fate: an event, a well-formed record we do not use, or a rejection with its reason. */
export type ParseResult =
  | { kind: 'event'; event: SsprEvent }
  | { kind: 'skipped'; why: string }
  /** A row of a directory input (users CSV, registration details, tickets); the shell stores a file's rows as one dated snapshot. */
  | { kind: 'row'; snapshot: SnapshotKind; row: Record<string, unknown> }
  | { kind: 'rejected'; code: RejectCode; message: string };

export interface ParseContext {
  /** Where the raw record is (`file:line` or `file#byteOffset`), copied to `event.raw.ref`. */
  ref: string;
}

/**
 * A pure parser for one JSON record shape. `matches` is a cheap shape test on keys used to detect the
 * format per record; `parse` never throws on bad data: it returns `rejected` with a reason.
 */
export interface RecordFormat {
  id: string;
  dataset: Dataset;
  matches(record: Record<string, unknown>): boolean;
  parse(record: Record<string, unknown>, ctx: ParseContext): ParseResult;
}

export const rejected = (code: RejectCode, message: string): ParseResult => ({ kind: 'rejected', code, message });
export const skipped = (why: string): ParseResult => ({ kind: 'skipped', why });
