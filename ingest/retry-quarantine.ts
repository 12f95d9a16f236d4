import type { QuarantineEntry, QuarantineQuery, QuarantineUpdate, Store } from '../store/contract.ts';
import { EVENT_XML_FORMAT_ID, PRIVILEGED_LIST_FORMAT_ID } from './formats/index.ts';
import { createGeoLookup } from './geo-enrich.ts';
import { emptySummary, IngestRun, type IngestOptions } from './ingest-run.ts';
import type { RawUnit } from './sources/raw-unit.ts';

/** What `sspr quarantine retry` did. Field names are a contract (`--json`). */
export interface RetrySummary {
  /** Quarantined records looked at. */
  examined: number;
  /** Records that now parse and left the quarantine. */
  released: number;
  /** Events they produced that were new, and that were already stored. */
  accepted: number;
  duplicates: number;
  /** Records that now parse as well-formed but unused (another audit activity, event 4624): released too. */
  skipped: number;
  /** Records that still do not parse; `updated` of them got the current parsers' code and reason. */
  stillQuarantined: number;
  updated: number;
  /** Records whose kept raw text cannot be parsed again (binary, cut to its head, a CSV row without its header). */
  notRetryable: number;
}

export interface RetryOptions extends Pick<IngestOptions, 'geo' | 'now'> {
  code?: string;
  source?: string;
  /** Entries per store round trip. */
  pageSize?: number;
}

/** Why a kept raw text cannot be parsed again, or undefined when it can. */
function notRetryable(entry: QuarantineEntry): string | undefined {
  if (entry.raw.startsWith('base64:')) return 'binary';
  if (entry.rawBytes > Buffer.byteLength(entry.raw)) return 'only its head was kept';
  if (/\.(csv|tsv)$/i.test(entry.source)) return 'a CSV row needs its header';
  return undefined;
}

/** The raw unit the kept text was: a privileged-list line, an Event XML element, or JSON text. */
function unitOf(entry: QuarantineEntry): RawUnit {
  const { raw, locator } = entry;
  if (entry.format === PRIVILEGED_LIST_FORMAT_ID) return { kind: 'line', text: raw, locator };
  const start = raw.trimStart();
  const xml = entry.format === EVENT_XML_FORMAT_ID || entry.code === 'invalid-xml' || start.startsWith('<') || /^-[ \t]+</.test(start);
  return xml ? { kind: 'xml', text: raw, locator } : { kind: 'json', text: raw, locator, bytes: entry.rawBytes };
}

/**
 * Re-parses quarantined records with the current parsers (`sspr quarantine retry`): a record that now parses
 * leaves the quarantine and its events are stored, deduplicated by id as on any ingest (so a record retried twice,
 * or whose file was re-ingested meanwhile, lands once); a record that still fails stays, with its code and reason
 * replaced by today's verdict (its `receivedAt` kept), so the list says why it fails now. Events are stored before
 * the entries are removed: a crash between the two leaves duplicates for the next retry, never a loss.
 */
export async function retryQuarantine(store: Store, options: RetryOptions = {}): Promise<RetrySummary> {
  const out: RetrySummary = { examined: 0, released: 0, accepted: 0, duplicates: 0, skipped: 0, stillQuarantined: 0, updated: 0, notRetryable: 0 };
  const query: QuarantineQuery = { ...(options.code !== undefined ? { code: options.code } : {}), ...(options.source !== undefined ? { source: options.source } : {}) };
  const pageSize = options.pageSize ?? 500;
  const runOptions: IngestOptions = { ...options, geo: options.geo ?? createGeoLookup() };
  let after: QuarantineQuery['after'];
  for (;;) {
    const page = await store.queryQuarantine({ ...query, limit: pageSize, ...(after ? { after } : {}) });
    if (page.length === 0) return out;
    const last = page[page.length - 1]!;
    after = { receivedAt: last.receivedAt, key: last.key };
    const summary = emptySummary(0);
    const run = new IngestRun(store, summary, runOptions, true);
    const release: string[] = [];
    const updates: QuarantineUpdate[] = [];
    for (const entry of page) {
      out.examined += 1;
      if (notRetryable(entry) !== undefined) {
        out.notRetryable += 1;
        continue;
      }
      run.setSource(entry.source);
      const mark = run.mark();
      run.unit(unitOf(entry));
      const { rejects, rows } = run.since(mark);
      const first = rejects[0];
      if (first === undefined && rows === 0) {
        release.push(entry.key);
        continue;
      }
      out.stillQuarantined += 1;
      const reason = first
        ? rejects.length > 1 ? `${first.reason} (and ${rejects.length - 1} more of its records)` : first.reason
        : 'parses now as a directory row: re-ingest the file to store it as a snapshot';
      const format = first ? first.format : entry.format;
      if (first?.code !== entry.code || reason !== entry.reason || format !== entry.format) {
        updates.push({ key: entry.key, code: first?.code ?? entry.code, reason, ...(format !== undefined ? { format } : {}) });
      }
    }
    await run.flush();
    out.accepted += summary.accepted;
    out.duplicates += summary.duplicates;
    out.skipped += summary.skipped;
    out.released += await store.releaseQuarantined(release);
    out.updated += await store.updateQuarantined(updates);
  }
}
