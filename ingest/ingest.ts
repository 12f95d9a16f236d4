import { stat } from 'node:fs/promises';
import type { Store } from '../store/contract.ts';
import { emptySummary, framingOf, IngestRun, type IngestOptions, type IngestSummary } from './ingest-run.ts';
import { defaultLimits, listFiles, readFileUnits } from './sources/file-source.ts';
import type { RawUnit } from './sources/raw-unit.ts';
import { logIngestRuns } from './run-log.ts';

export type { IngestOptions, IngestSummary, SourceCounts } from './ingest-run.ts';

/**
 * Ingests files and folders into the store: frames each file into records, detects each record's format,
 * parses it, validates the event, adds a location from the IP where the log had none, and stores it
 * (duplicates by id are counted, not stored twice). Nothing is dropped silently: every record is counted as
 * accepted, skipped (well-formed but not used), duplicate or quarantined with its reason. A forced
 * `options.format` also decides how each file is framed (`--format event-xml` reads any file as Event XML).
 */
export async function ingestPaths(store: Store, paths: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const startedAt = options.now?.() ?? new Date();
  const files = await listFiles(paths);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const summary = emptySummary(files.length);
  const run = new IngestRun(store, summary, options);
  const framing = framingOf(options.format);
  let bytesRead = 0;
  // A log record is rarely under 400 bytes: a generous estimate of how many events are coming.
  await store.beginBulkLoad(Math.floor(bytesTotal / 400));
  for (const file of files) {
    const onBytes = (n: number): void => {
      bytesRead += n;
      options.onProgress?.({ bytesRead, bytesTotal, summary, file });
    };
    const units = readFileUnits(file, options.limits ?? defaultLimits, onBytes, framing);
    await run.ingestStream(file, units, async () => (await stat(file)).mtime.toISOString());
  }
  await run.flush();
  await store.endBulkLoad();
  await logIngestRuns(store, summary, startedAt, options.now?.() ?? new Date());
  return summary;
}

/**
 * Ingests one stream of raw records that a pull source read (Log Analytics rows, Elasticsearch hits) through
 * the same parsers, validation, enrichment, dedupe and quarantine as files. `source` names the stream
 * (`log-analytics:<workspace>/SigninLogs`) where a file path would stand: in event refs, quarantine entries
 * and the summary. Directory snapshots from such a stream are dated by the export, else `asOf`, else now.
 */
export async function ingestUnits(store: Store, source: string, units: AsyncIterable<RawUnit>, options: IngestOptions = {}): Promise<IngestSummary> {
  const startedAt = options.now?.() ?? new Date();
  const summary = emptySummary(0);
  const run = new IngestRun(store, summary, options);
  await run.ingestStream(source, units, () => (options.now?.() ?? new Date()).toISOString());
  await logIngestRuns(store, summary, startedAt, options.now?.() ?? new Date(), source);
  return summary;
}
