import { stat } from 'node:fs/promises';
import { ssprEventSchema, type SsprEvent } from '../core/event.ts';
import type { SnapshotKind } from '../core/directory.ts';
import type { QuarantinedRecord, Store } from '../store/contract.ts';
import { detectFormat, EVENT_XML_FORMAT_ID, parseEventXml, parsePrivilegedLine, recordFormats } from './formats/index.ts';
import type { ParseResult, RecordFormat, RejectCode } from './formats/types.ts';
import { createGeoLookup, type GeoLookup } from './geo-enrich.ts';
import { defaultLimits, listFiles, readFileUnits, type ReadLimits } from './sources/file-source.ts';
import type { RawUnit } from './sources/raw-unit.ts';
import { logIngestRuns } from './run-log.ts';

export interface SourceCounts {
  read: number;
  accepted: number;
  skipped: number;
  duplicates: number;
  quarantined: number;
}

/** The `sspr ingest --json` summary. Field names are a contract. */
export interface IngestSummary extends SourceCounts {
  /** Counts per format id (`entra-audit-graph`, `event-xml`, …); `unknown` for records no format claims. */
  bySource: Record<string, SourceCounts>;
  /** Quarantined records per reason code. */
  quarantineReasons: Partial<Record<RejectCode, number>>;
  files: number;
  snapshots: Array<{ kind: SnapshotKind; source: string; rows: number; takenAt: string }>;
}

export interface IngestOptions {
  /** Force one format id for every JSON record (else detected per record). */
  format?: string;
  limits?: ReadLimits;
  /** Events per store transaction. */
  batchSize?: number;
  geo?: GeoLookup;
  /** Date of directory snapshots (default: the export's own date, else the file's modification time). */
  asOf?: string;
  /** Called as bytes are read: for a progress bar. */
  onProgress?: (progress: { bytesRead: number; bytesTotal: number; summary: IngestSummary; file: string }) => void;
  /** Clock for `receivedAt` (tests pass a fixed one). */
  now?: () => Date;
}

const zero = (): SourceCounts => ({ read: 0, accepted: 0, skipped: 0, duplicates: 0, quarantined: 0 });

/**
 * Ingests files and folders into the store: frames each file into records, detects each record's format,
 * parses it, validates the event, adds a location from the IP where the log had none, and stores it
 * (duplicates by id are counted, not stored twice). Nothing is dropped silently: every record is counted as
 * accepted, skipped (well-formed but not used), duplicate or quarantined with its reason.
 */
export async function ingestPaths(store: Store, paths: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const startedAt = options.now?.() ?? new Date();
  const files = await listFiles(paths);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const summary: IngestSummary = { ...zero(), bySource: {}, quarantineReasons: {}, files: files.length, snapshots: [] };
  const run = new IngestRun(store, summary, options);
  let bytesRead = 0;
  // A log record is rarely under 400 bytes: a generous estimate of how many events are coming.
  await store.beginBulkLoad(Math.floor(bytesTotal / 400));
  for (const file of files) {
    const onBytes = (n: number): void => {
      bytesRead += n;
      options.onProgress?.({ bytesRead, bytesTotal, summary, file });
    };
    await run.ingestStream(file, readFileUnits(file, options.limits ?? defaultLimits, onBytes), async () => (await stat(file)).mtime.toISOString());
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
  const summary: IngestSummary = { ...zero(), bySource: {}, quarantineReasons: {}, files: 0, snapshots: [] };
  const run = new IngestRun(store, summary, options);
  await run.ingestStream(source, units, () => (options.now?.() ?? new Date()).toISOString());
  await logIngestRuns(store, summary, startedAt, options.now?.() ?? new Date(), source);
  return summary;
}

class IngestRun {
  private readonly store: Store;
  private readonly summary: IngestSummary;
  private readonly options: IngestOptions;
  private readonly forced: RecordFormat | undefined;
  private readonly geo: GeoLookup;
  private readonly batchSize: number;
  private events: SsprEvent[] = [];
  private eventSources: string[] = [];
  private bad: QuarantinedRecord[] = [];
  private rows = new Map<SnapshotKind, { source: string; rows: Record<string, unknown>[] }>();
  private file = '';

  constructor(store: Store, summary: IngestSummary, options: IngestOptions) {
    this.store = store;
    this.summary = summary;
    this.options = options;
    this.geo = options.geo ?? createGeoLookup();
    this.batchSize = options.batchSize ?? 5000;
    this.forced = options.format !== undefined ? recordFormats.find((f) => f.id === options.format) : undefined;
  }

  /** One file or pull stream; `fallbackDate` dates its directory snapshots when neither the export nor `asOf` does. */
  async ingestStream(path: string, units: AsyncIterable<RawUnit>, fallbackDate: () => Promise<string> | string): Promise<void> {
    this.file = path;
    this.rows = new Map();
    for await (const unit of units) {
      this.unit(unit);
      if (this.events.length >= this.batchSize || this.bad.length >= 1000) await this.flush();
    }
    await this.flush();
    await this.saveSnapshots(path, fallbackDate);
  }

  private unit(unit: RawUnit): void {
    switch (unit.kind) {
      case 'bad':
        this.count('unknown', 'read');
        this.reject('unknown', unit.locator, unit.code, unit.message, unit.raw, unit.rawBytes);
        return;
      case 'xml':
        this.count(EVENT_XML_FORMAT_ID, 'read');
        this.result(EVENT_XML_FORMAT_ID, parseEventXml(unit.text, { ref: `${this.file}:${unit.locator}` }), unit.locator, unit.text);
        return;
      case 'line':
        this.count('privileged-list', 'read');
        this.result('privileged-list', parsePrivilegedLine(unit.text), unit.locator, unit.text);
        return;
      case 'json': {
        let value: unknown;
        try {
          value = JSON.parse(unit.text);
        } catch (error) {
          this.count('unknown', 'read');
          const truncated = unit.locator.endsWith('(last, no newline)');
          const why = truncated ? `the file ends inside a JSON record (${(error as Error).message})` : `invalid JSON: ${(error as Error).message}`;
          this.reject('unknown', unit.locator, truncated ? 'truncated' : 'invalid-json', why, unit.text, unit.bytes);
          return;
        }
        this.value(value, unit.locator, unit.text);
        return;
      }
      case 'value':
        this.value(unit.value, unit.locator, unit.raw);
    }
  }

  /** A parsed JSON value: a record, or a container of records (array, page envelope, Log Analytics tables). */
  private value(value: unknown, locator: string, raw: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.value(item, `${locator} [${i}]`, JSON.stringify(item)));
      return;
    }
    if (value === null || typeof value !== 'object') {
      this.count('unknown', 'read');
      this.reject('unknown', locator, 'unknown-shape', `a ${value === null ? 'null' : typeof value} is not a log record`, raw);
      return;
    }
    const record = value as Record<string, unknown>;
    const rows = tableRows(record);
    if (rows) {
      rows.forEach((row, i) => this.value(row, `${locator} row ${i}`, JSON.stringify(row)));
      return;
    }
    for (const key of ['value', 'records']) {
      if (Array.isArray(record[key])) {
        this.value(record[key], `${locator} ${key}`, raw);
        return;
      }
    }
    const format = this.forced ?? detectFormat(record);
    if (!format) {
      this.count('unknown', 'read');
      const keys = Object.keys(record).slice(0, 8).join(', ');
      this.reject('unknown', locator, 'unknown-shape', `no known log format has this shape (keys: ${keys || 'none'})`, raw);
      return;
    }
    this.count(format.id, 'read');
    this.result(format.id, format.parse(record, { ref: `${this.file}:${locator}` }), locator, raw);
  }

  private result(source: string, result: ParseResult, locator: string, raw: string): void {
    switch (result.kind) {
      case 'skipped':
        this.count(source, 'skipped');
        return;
      case 'rejected':
        this.reject(source, locator, result.code, result.message, raw);
        return;
      case 'row': {
        const entry = this.rows.get(result.snapshot) ?? { source, rows: [] };
        entry.rows.push(result.row);
        this.rows.set(result.snapshot, entry);
        return;
      }
      case 'event': {
        const event = this.enrich(result.event);
        const valid = ssprEventSchema.safeParse(event);
        if (!valid.success) {
          const issue = valid.error.issues[0];
          const why = `parsed event is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`;
          this.reject(source, locator, 'bad-value', why, raw);
          return;
        }
        this.events.push(event);
        this.eventSources.push(source);
      }
    }
  }

  private enrich(event: SsprEvent): SsprEvent {
    const ip = event.source?.ip;
    if (ip === undefined || event.source?.geo !== undefined) return event;
    const geo = this.geo(ip);
    return geo ? { ...event, source: { ip, geo } } : event;
  }

  private reject(source: string, locator: string, code: RejectCode, reason: string, raw: string, rawBytes?: number): void {
    this.count(source, 'quarantined');
    this.summary.quarantineReasons[code] = (this.summary.quarantineReasons[code] ?? 0) + 1;
    this.bad.push({
      source: this.file,
      locator,
      ...(source !== 'unknown' ? { format: source } : {}),
      code,
      reason,
      raw,
      rawBytes: rawBytes ?? Buffer.byteLength(raw),
      receivedAt: (this.options.now?.() ?? new Date()).toISOString(),
    });
  }

  private count(source: string, field: keyof SourceCounts, n = 1): void {
    const counts = (this.summary.bySource[source] ??= zero());
    counts[field] += n;
    this.summary[field] += n;
  }

  async flush(): Promise<void> {
    if (this.events.length > 0) {
      const events = this.events;
      const sources = this.eventSources;
      this.events = [];
      this.eventSources = [];
      // Per-source accepted/duplicate counts need per-event results; batches are usually one source, so
      // insert per run of equal sources.
      let start = 0;
      while (start < events.length) {
        let end = start + 1;
        while (end < events.length && sources[end] === sources[start]) end += 1;
        const { inserted, duplicates } = await this.store.insertEvents(events.slice(start, end));
        this.count(sources[start]!, 'accepted', inserted);
        this.count(sources[start]!, 'duplicates', duplicates);
        start = end;
      }
    }
    if (this.bad.length > 0) {
      const bad = this.bad;
      this.bad = [];
      await this.store.quarantine(bad);
    }
  }

  private async saveSnapshots(path: string, fallbackDate: () => Promise<string> | string): Promise<void> {
    for (const [kind, { source, rows }] of this.rows) {
      const takenAt = this.options.asOf ?? exportDate(rows) ?? (await fallbackDate());
      // Rows count as accepted once their snapshot is stored; the same export again is all duplicates.
      const stored = await this.store.saveSnapshot({ kind, takenAt, source: path, rows });
      this.count(source, stored ? 'accepted' : 'duplicates', rows.length);
      this.summary.snapshots.push({ kind, source: path, rows: rows.length, takenAt });
    }
  }
}

/** Rows of a Log Analytics query API response (`{"tables":[{"columns":[{name}],"rows":[[…]]}]}`) as objects. */
function tableRows(record: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const tables = record.tables;
  if (!Array.isArray(tables)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const table of tables as Array<{ columns?: Array<{ name?: string }>; rows?: unknown[][] }>) {
    const names = (table.columns ?? []).map((c) => String(c.name));
    for (const row of table.rows ?? []) {
      const obj: Record<string, unknown> = {};
      names.forEach((name, i) => {
        obj[name] = Array.isArray(row) ? row[i] : undefined;
      });
      out.push(obj);
    }
  }
  return out;
}

/** The date a directory export describes, when its rows say (Graph `lastUpdatedDateTime`). */
function exportDate(rows: Record<string, unknown>[]): string | undefined {
  let latest: string | undefined;
  for (const row of rows) {
    const value = row.lastUpdatedDateTime;
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      const iso = new Date(value).toISOString();
      if (latest === undefined || iso > latest) latest = iso;
    }
  }
  return latest;
}
