import type { Store } from '../store/contract.ts';

/** An ingest summary's counts of one source (SourceCounts in ingest.ts, which imports this module). */
type Counts = { read: number; accepted: number; skipped: number; duplicates: number; quarantined: number };

/**
 * Logs one ingest as a run per source format it read (`entra-signin-la`, `winlogbeat`, …), with that format's
 * counts: what the dashboard's health page shows as the last ingest per source. `stream` names a pull stream.
 */
export async function logIngestRuns(store: Store, summary: { bySource: Record<string, Counts>; files: number }, startedAt: Date, finishedAt: Date, stream?: string): Promise<void> {
  for (const [source, counts] of Object.entries(summary.bySource)) {
    await store.recordRun({
      kind: 'ingest',
      source,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      counts: { ...counts },
      detail: stream !== undefined ? { stream } : { files: summary.files },
    });
  }
}
