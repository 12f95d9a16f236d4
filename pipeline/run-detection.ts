import { isDeepStrictEqual } from 'node:util';
import type { SsprEvent } from '../core/event.ts';
import { detectorsConfigDigest } from '../core/config.ts';
import { isSsprError } from '../core/errors.ts';
import { keepTriage, type Finding, type FindingChange } from '../core/finding.ts';
import { resolveDetectors } from '../detectors/config.ts';
import { createEngine, type Engine, type EngineStats } from '../detectors/engine.ts';
import type { Store } from '../store/contract.ts';

/** Checkpoint keys: the last ingest sequence detection has read, and the engine state at that point. */
export const DETECT_SEQ_KEY = 'detect.seq';
export const DETECT_STATE_KEY = 'detect.state';

export interface DetectionOptions {
  /** The user config object (`{ detectors: {...} }`), validated by the detector registry. */
  config?: unknown;
  /** Forget the checkpoint and state: run over every stored event. */
  rebuild?: boolean;
  /** Only events in [since, until): a one-off run that neither reads nor moves the checkpoint. */
  since?: string;
  until?: string;
  /** Events read from the store per step. */
  pageSize?: number;
  /** Clock for the run log (tests pass a fixed one). */
  now?: () => Date;
}

export interface DetectionRun {
  /** `full`: every stored event in time order (first run or --rebuild); `incremental`: only new ones; `range`: --since/--until. */
  mode: 'incremental' | 'full' | 'range';
  events: number;
  findings: { inserted: number; updated: number };
  /** Findings this run created or changed (a replay that changes nothing is not listed): what the alert router reads. */
  changes: FindingChange[];
  engine: EngineStats;
}

/**
 * Runs every enabled detector over stored events and upserts the findings. Incremental by default: events
 * ingested since the last run (by ingest sequence, so late-arriving records are seen too) are fed to the engine
 * restored from its saved state. The privileged-account list comes from the latest ingested privileged snapshot
 * unless the config names accounts itself.
 */
export async function runDetection(store: Store, options: DetectionOptions = {}): Promise<DetectionRun> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const config = await withPrivilegedAccounts(store, options.config);
  const resolved = resolveDetectors(config);
  const engine = createEngine({ detectors: resolved.detectors, params: resolved.params });
  const pageSize = options.pageSize ?? 20_000;
  const findings = new Map<string, Finding>();
  const collect = (list: Finding[]): void => {
    for (const f of list) findings.set(f.id, f);
  };
  let events = 0;
  const ranged = options.since !== undefined || options.until !== undefined;
  let saved = ranged || options.rebuild ? undefined : await store.getCheckpoint(DETECT_STATE_KEY);
  if (saved !== undefined && !restored(engine, saved)) saved = undefined;
  let mode: DetectionRun['mode'];
  if (ranged || saved === undefined) {
    // A whole pass reads in event-time order: ingest order mixes files of different months.
    mode = ranged ? 'range' : 'full';
    const lastSeq = await store.lastSeq();
    const query = { ...(options.since ? { from: options.since } : {}), ...(options.until ? { to: options.until } : {}) };
    events = await feed(engine, store.queryEvents(query), pageSize, collect);
    collect(engine.flush());
    if (!ranged) await saveCheckpoint(store, lastSeq, engine);
  } else {
    mode = 'incremental';
    let seq = Number((await store.getCheckpoint(DETECT_SEQ_KEY)) ?? '0');
    for (;;) {
      const page = await store.readNewEvents(seq, pageSize);
      if (page.events.length === 0) break;
      collect(engine.process(page.events));
      events += page.events.length;
      seq = page.lastSeq;
    }
    collect(engine.flush());
    await saveCheckpoint(store, seq, engine);
  }
  const changes = await changesOf(store, [...findings.values()]);
  const result = await store.upsertFindings([...findings.values()]);
  const finishedAt = now();
  await store.recordRun({
    kind: 'detect',
    source: 'detect',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    counts: { events, inserted: result.inserted, updated: result.updated, changes: changes.length, durationMs: finishedAt.getTime() - startedAt.getTime() },
    detail: { mode, detectors: resolved.detectors.map((d) => d.id), configDigest: detectorsConfigDigest(options.config) },
  });
  return { mode, events, findings: result, changes, engine: engine.stats() };
}

/** Compares the run's findings with what the store holds; the stored analyst status and triage are kept, as the upsert keeps them. */
async function changesOf(store: Store, findings: readonly Finding[]): Promise<FindingChange[]> {
  const before = new Map((await store.getFindings(findings.map((f) => f.id))).map((f) => [f.id, f]));
  const changes: FindingChange[] = [];
  for (const found of findings) {
    const previous = before.get(found.id);
    if (!previous) {
      changes.push({ kind: 'created', finding: found });
      continue;
    }
    const finding = keepTriage(found, previous);
    if (!isDeepStrictEqual(finding, previous)) changes.push({ kind: 'updated', finding, previous });
  }
  return changes;
}

async function feed(engine: Engine, source: AsyncIterable<SsprEvent>, pageSize: number, collect: (f: Finding[]) => void): Promise<number> {
  let batch: SsprEvent[] = [];
  let count = 0;
  for await (const event of source) {
    batch.push(event);
    if (batch.length >= pageSize) {
      collect(engine.process(batch));
      count += batch.length;
      batch = [];
    }
  }
  collect(engine.process(batch));
  return count + batch.length;
}

/**
 * Restores saved engine state; false when it no longer fits (a detector's state version changed with an
 * upgrade, or a detector was added or removed), in which case the run falls back to a full pass.
 */
function restored(engine: Engine, saved: string): boolean {
  try {
    engine.restore(JSON.parse(saved));
    return true;
  } catch (error) {
    if (isSsprError(error) && error.code === 'DETECTOR_STATE_INVALID') return false;
    throw error;
  }
}

async function saveCheckpoint(store: Store, seq: number, engine: Engine): Promise<void> {
  await store.setCheckpoint(DETECT_SEQ_KEY, String(seq));
  await store.setCheckpoint(DETECT_STATE_KEY, JSON.stringify(engine.snapshot()));
}

/** Adds the latest privileged snapshot's accounts to privileged-reset's params when the config names none. */
async function withPrivilegedAccounts(store: Store, config: unknown): Promise<unknown> {
  const base = (typeof config === 'object' && config !== null ? config : {}) as { detectors?: Record<string, Record<string, unknown>> };
  const own = base.detectors?.['privileged-reset']?.privilegedUsers;
  if (own !== undefined) return base;
  const snapshots = await store.listSnapshots('privileged');
  const latest = snapshots[snapshots.length - 1];
  if (!latest) return base;
  const accounts = latest.rows
    .map((row) => (typeof row === 'object' && row !== null ? (row as Record<string, unknown>).account : undefined))
    .filter((a): a is string => typeof a === 'string');
  return {
    ...base,
    detectors: { ...base.detectors, 'privileged-reset': { ...base.detectors?.['privileged-reset'], privilegedUsers: accounts } },
  };
}
