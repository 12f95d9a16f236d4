import { listTableCheckpoints, type TableCheckpoint } from '../ingest/sources/log-analytics/checkpoint.ts';
import type { Store } from '../store/contract.ts';

/**
 * What `sspr status --json` prints: per pull-source table, the checkpoint (everything before it has been
 * read) and the lag (seconds from the checkpoint to `asOf`). The live-pipeline issue adds `queues` and
 * `partitions` beside `sources` when detection runs on BullMQ; they are absent until then, not faked empty.
 */
export interface PipelineStatus {
  asOf: string;
  sources: Record<string, SourceStatus>;
}

/** One table's progress at one workspace. */
export interface WorkspaceProgress {
  source: string;
  checkpoint: string;
  lagSeconds: number;
  newestEvent?: string;
  lastPullAt: string;
}

/**
 * One table over every workspace it is pulled from: `checkpoint` is the oldest of them (the point up to which
 * all are complete) and `lagSeconds` the largest, so one stalled workspace shows; `workspaces` has each.
 */
export interface SourceStatus {
  checkpoint: string;
  lagSeconds: number;
  newestEvent?: string;
  lastPullAt: string;
  workspaces: Record<string, WorkspaceProgress>;
}

function progress(c: TableCheckpoint, nowMs: number): WorkspaceProgress {
  return {
    source: `log-analytics:${c.workspace}/${c.table}`,
    checkpoint: c.checkpoint,
    lagSeconds: Math.max(0, Math.round((nowMs - Date.parse(c.checkpoint)) / 1000)),
    ...(c.newestEvent !== undefined ? { newestEvent: c.newestEvent } : {}),
    lastPullAt: c.pulledAt,
  };
}

/** The status of every pull source the store has a checkpoint for, as of `nowMs`. */
export async function pipelineStatus(store: Store, nowMs: number): Promise<PipelineStatus> {
  const sources: Record<string, SourceStatus> = {};
  for (const c of await listTableCheckpoints(store)) {
    const p = progress(c, nowMs);
    const entry = sources[c.table];
    if (!entry) {
      const { source: _source, ...head } = p;
      sources[c.table] = { ...head, workspaces: { [c.workspace]: p } };
      continue;
    }
    entry.workspaces[c.workspace] = p;
    if (p.checkpoint < entry.checkpoint) entry.checkpoint = p.checkpoint;
    entry.lagSeconds = Math.max(entry.lagSeconds, p.lagSeconds);
    if (p.newestEvent !== undefined && (entry.newestEvent === undefined || p.newestEvent > entry.newestEvent)) entry.newestEvent = p.newestEvent;
    if (p.lastPullAt > entry.lastPullAt) entry.lastPullAt = p.lastPullAt;
  }
  return { asOf: new Date(nowMs).toISOString(), sources };
}
