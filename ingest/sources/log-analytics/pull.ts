import { SsprError, isSsprError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Store } from '../../../store/contract.ts';
import type { GeoLookup } from '../../geo-enrich.ts';
import { ingestUnits, type SourceCounts } from '../../ingest.ts';
import type { RawUnit } from '../raw-unit.ts';
import { readCheckpoint, sourceName, writeCheckpoint } from './checkpoint.ts';
import type { LogsReader, SliceResult } from './query.ts';
import { isAbort } from './retry.ts';
import type { SlicePolicy } from './settings.ts';
import { looksTruncated, nextSliceMs, splitSliceMs } from './slicer.ts';

/**
 * Pulls Entra tables from a Log Analytics workspace into the store. Per table: start at the checkpoint minus
 * the overlap (or `--since`, or the first-pull lookback), read adaptive slices up to now, store each slice's
 * rows through the file parsers (`ingestUnits`: same validation, dedupe by id, quarantine), then move the
 * checkpoint to the slice's end. A partial or truncated slice is split and re-read, never stored short; a
 * stop signal ends the pull between requests with every stored slice checkpointed.
 */

export interface PullOptions {
  workspace: string;
  tables: readonly string[];
  /** Start here instead of at the checkpoint (a backfill); the checkpoint never moves back. */
  sinceMs?: number;
  overlapMs: number;
  /** Look-back of a table with no checkpoint and no `sinceMs`. */
  firstPullMs: number;
  policy: SlicePolicy;
}

export interface PullDeps {
  store: Store;
  reader: LogsReader;
  now: () => number;
  log?: Logger;
  signal?: AbortSignal;
  geo?: GeoLookup;
  /** Called after each stored slice (for progress bars, and the per-source progress of issue #9). */
  onSlice?: (slice: SliceDone) => void | Promise<void>;
}

export interface SliceDone {
  source: string;
  table: string;
  /** The slice read completely, [from, to) in ISO. */
  from: string;
  to: string;
  rows: number;
  /** The newest TimeGenerated the table has shown so far (ISO): what this source has read up to. */
  newestEvent?: string;
}

/** Per-table result of one pull. Field names are the `sspr pull --json` contract. */
export interface TablePull extends SourceCounts {
  source: string;
  from: string;
  to: string;
  /** Requests that returned a complete slice, and re-reads forced by partial or truncated answers. */
  slices: number;
  splits: number;
  checkpoint?: string;
  newestEvent?: string;
  /** Set when the table failed; the other tables still ran. */
  error?: { code: string; message: string };
  stopped?: boolean;
}

export interface PullSummary extends SourceCounts {
  workspace: string;
  startedAt: string;
  finishedAt: string;
  stopped: boolean;
  tables: Record<string, TablePull>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

async function* units(slice: SliceResult, timespan: string): AsyncGenerator<RawUnit> {
  for (let i = 0; i < slice.rows.length; i += 1) {
    yield { kind: 'value', value: slice.rows[i], locator: `row ${i} of ${timespan}`, raw: slice.raws[i]! };
  }
}

/**
 * Pulls one table. A coded failure of this table (unavailable after retries, a rejected query, a slice too
 * large) is returned in `error` with what was stored before it; an auth failure is thrown, since every table
 * shares the credential. A stop returns what was stored, with `stopped`.
 */
export async function pullTable(table: string, options: PullOptions, deps: PullDeps): Promise<TablePull> {
  const source = sourceName(options.workspace, table);
  const saved = await readCheckpoint(deps.store, options.workspace, table);
  const endMs = deps.now();
  const savedMs = saved ? Date.parse(saved.checkpoint) : undefined;
  const startMs = options.sinceMs ?? (savedMs !== undefined ? savedMs - options.overlapMs : endMs - options.firstPullMs);
  const result: TablePull = { source, from: iso(startMs), to: iso(endMs), read: 0, accepted: 0, skipped: 0, duplicates: 0, quarantined: 0, slices: 0, splits: 0 };
  if (saved) result.checkpoint = saved.checkpoint;
  const state: TableState = {
    table,
    source,
    cursor: startMs,
    endMs,
    checkpointMs: savedMs,
    newestMs: saved?.newestEvent !== undefined ? Date.parse(saved.newestEvent) : undefined,
    sliceMs: Math.min(options.policy.maxMs, Math.max(options.policy.minMs, saved?.sliceMs ?? options.policy.initialMs)),
  };
  try {
    await readSlices(state, result, options, deps);
  } catch (error) {
    if (!isSsprError(error) || error.code === 'SOURCE_AUTH_FAILED') throw error;
    deps.log?.error({ source, code: error.code, err: error.message }, 'table pull failed');
    result.error = { code: error.code, message: error.message };
  }
  return result;
}

interface TableState {
  table: string;
  source: string;
  cursor: number;
  endMs: number;
  checkpointMs: number | undefined;
  newestMs: number | undefined;
  sliceMs: number;
}

async function readSlices(state: TableState, result: TablePull, options: PullOptions, deps: PullDeps): Promise<void> {
  const { policy } = options;
  const log = deps.log?.child({ source: state.source });
  while (state.cursor < state.endMs) {
    if (deps.signal?.aborted) {
      result.stopped = true;
      return;
    }
    const sliceEnd = Math.min(state.cursor + state.sliceMs, state.endMs);
    const timespan = `${iso(state.cursor)}/${iso(sliceEnd)}`;
    let slice: SliceResult;
    try {
      slice = await deps.reader.read(state.table, state.cursor, sliceEnd, deps.signal);
    } catch (error) {
      if (isAbort(error) && deps.signal?.aborted) {
        result.stopped = true;
        return;
      }
      throw error;
    }
    if (!slice.complete || looksTruncated(slice.rows.length, policy)) {
      const why = slice.partialError ?? `${slice.rows.length} rows, the row cap`;
      const half = splitSliceMs(sliceEnd - state.cursor, policy);
      if (half === undefined) {
        throw new SsprError('SOURCE_RESULT_TOO_LARGE', `${state.table} ${timespan} is still incomplete at the shortest slice (${policy.minMs} ms): ${why}`);
      }
      log?.info({ timespan, rows: slice.rows.length, why, nextSliceMs: half }, 'slice incomplete, splitting');
      result.splits += 1;
      state.sliceMs = half;
      continue;
    }
    const summary = await ingestUnits(deps.store, state.source, units(slice, timespan), deps.geo ? { geo: deps.geo } : {});
    for (const field of ['read', 'accepted', 'skipped', 'duplicates', 'quarantined'] as const) result[field] += summary[field];
    result.slices += 1;
    if (slice.newestMs !== undefined && (state.newestMs === undefined || slice.newestMs > state.newestMs)) state.newestMs = slice.newestMs;
    // A backfill (--since before the checkpoint) never moves the checkpoint back.
    state.checkpointMs = Math.max(state.checkpointMs ?? sliceEnd, sliceEnd);
    const next = nextSliceMs(sliceEnd - state.cursor, slice.rows.length, slice.bytes, policy);
    const newestEvent = state.newestMs !== undefined ? iso(state.newestMs) : undefined;
    const checkpoint = iso(state.checkpointMs);
    await writeCheckpoint(deps.store, {
      v: 1,
      workspace: options.workspace,
      table: state.table,
      checkpoint,
      ...(newestEvent !== undefined ? { newestEvent } : {}),
      pulledAt: iso(deps.now()),
      sliceMs: next,
    });
    result.checkpoint = checkpoint;
    if (newestEvent !== undefined) result.newestEvent = newestEvent;
    log?.debug({ timespan, rows: slice.rows.length, bytes: slice.bytes, accepted: summary.accepted, nextSliceMs: next }, 'slice stored');
    await deps.onSlice?.({ source: state.source, table: state.table, from: iso(state.cursor), to: iso(sliceEnd), rows: slice.rows.length, ...(newestEvent !== undefined ? { newestEvent } : {}) });
    state.cursor = sliceEnd;
    state.sliceMs = next;
  }
}

/**
 * Pulls every table in turn. A table that fails is reported in its entry and the others still run; an auth
 * failure stops the pull.
 */
export async function pullWorkspace(options: PullOptions, deps: PullDeps): Promise<PullSummary> {
  const summary: PullSummary = {
    workspace: options.workspace,
    startedAt: iso(deps.now()),
    finishedAt: '',
    stopped: false,
    read: 0,
    accepted: 0,
    skipped: 0,
    duplicates: 0,
    quarantined: 0,
    tables: {},
  };
  for (const table of options.tables) {
    if (deps.signal?.aborted) {
      summary.stopped = true;
      break;
    }
    const result = await pullTable(table, options, deps);
    summary.tables[table] = result;
    for (const field of ['read', 'accepted', 'skipped', 'duplicates', 'quarantined'] as const) summary[field] += result[field];
    if (result.stopped) summary.stopped = true;
  }
  summary.finishedAt = iso(deps.now());
  return summary;
}
