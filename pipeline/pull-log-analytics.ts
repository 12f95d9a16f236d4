import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../core/logger.ts';
import { createGeoLookup } from '../ingest/geo-enrich.ts';
import { pullWorkspace, type PullSummary, type SliceDone } from '../ingest/sources/log-analytics/pull.ts';
import { createLogsReader } from '../ingest/sources/log-analytics/query.ts';
import type { RetryClock } from '../ingest/sources/log-analytics/retry.ts';
import { slicePolicy, type LogAnalyticsSettings } from '../ingest/sources/log-analytics/settings.ts';
import type { Store } from '../store/contract.ts';

/**
 * `sspr pull log-analytics` as a loop the CLI (and later `sspr run`) drives: one pull of every table, or with
 * `follow` one every `everyMs` until the signal fires. Between rounds and between requests a stop is clean:
 * what was stored is checkpointed, the in-flight request is abandoned (its slice is read again next time).
 */

export interface LogAnalyticsPull {
  workspace: string;
  tables: readonly string[];
  endpoint: string;
  credential: TokenCredential;
  settings: LogAnalyticsSettings;
  sinceMs?: number;
  overlapMs: number;
  follow: boolean;
  everyMs: number;
}

export interface PullLoopDeps {
  now: () => number;
  clock: RetryClock;
  log: Logger;
  signal: AbortSignal;
  /** After each round (one line of `--follow` output). */
  onRound?: (summary: PullSummary) => void;
  /**
   * After each stored slice: `slice.to` is the end of the window queried completely, `slice.newestEvent` the
   * newest TimeGenerated read. This is where a pull source reports its progress to detection's per-source
   * watermarks (issue #9) when those need more than the newest event time `ingestUnits` sees.
   */
  onSlice?: (slice: SliceDone) => void | Promise<void>;
}

export interface PullLoopResult {
  rounds: number;
  last?: PullSummary;
  quarantined: number;
  /** Tables that failed in the last round (code and message), for the exit code. */
  failed: Array<{ table: string; code: string; message: string }>;
}

/** The clock of a real run: timers that a stop signal cuts short, Math.random for jitter. */
export const realClock: RetryClock = {
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
  now: Date.now,
  random: Math.random,
};

export async function runLogAnalyticsPull(store: Store, pull: LogAnalyticsPull, deps: PullLoopDeps): Promise<PullLoopResult> {
  const { settings } = pull;
  const log = deps.log.child({ module: 'pull', workspace: pull.workspace });
  const reader = createLogsReader({
    workspace: pull.workspace,
    endpoint: pull.endpoint,
    credential: pull.credential,
    additionalWorkspaces: settings.additionalWorkspaces,
    serverTimeoutSeconds: settings.serverTimeoutSeconds,
    retry: { maxAttempts: settings.retry.maxAttempts, baseDelayMs: settings.retry.baseDelayMs, maxDelayMs: settings.retry.maxDelaySeconds * 1000 },
    clock: deps.clock,
    onRetry: (notice) => log.warn(notice, 'query failed, backing off'),
  });
  const geo = createGeoLookup();
  const result: PullLoopResult = { rounds: 0, quarantined: 0, failed: [] };
  // --since applies to the first round only; later rounds continue from the checkpoints it left.
  let sinceMs = pull.sinceMs;
  for (;;) {
    const summary = await pullWorkspace(
      {
        workspace: pull.workspace,
        tables: pull.tables,
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        overlapMs: pull.overlapMs,
        firstPullMs: settings.firstPullHours * 3_600_000,
        policy: slicePolicy(settings),
      },
      { store, reader, now: deps.now, log, signal: deps.signal, geo, ...(deps.onSlice ? { onSlice: deps.onSlice } : {}) },
    );
    sinceMs = undefined;
    result.rounds += 1;
    result.last = summary;
    result.quarantined += summary.quarantined;
    result.failed = Object.entries(summary.tables).flatMap(([table, t]) => (t.error ? [{ table, ...t.error }] : []));
    log.info({ round: result.rounds, accepted: summary.accepted, duplicates: summary.duplicates, quarantined: summary.quarantined }, 'pull round finished');
    deps.onRound?.(summary);
    if (!pull.follow || deps.signal.aborted) return result;
    try {
      await deps.clock.sleep(pull.everyMs, deps.signal);
    } catch (error) {
      if (deps.signal.aborted) return result;
      throw error;
    }
  }
}
