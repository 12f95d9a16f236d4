import { ssprEventSchema, type SsprEvent } from '../core/event.ts';
import type { SnapshotKind } from '../core/directory.ts';
import type { QuarantinedRecord, Store } from '../store/contract.ts';
import { detectFormat, EVENT_XML_FORMAT_ID, formatIds, parseEventXml, parsePrivilegedLine, PRIVILEGED_LIST_FORMAT_ID, recordFormats } from './formats/index.ts';
import type { ParseResult, RecordFormat, RejectCode } from './formats/types.ts';
import { createGeoLookup, type GeoLookup } from './geo-enrich.ts';
import type { Framing, ReadLimits } from './sources/file-source.ts';
import { exportDate, tableRows } from './record-containers.ts';
import type { RawUnit } from './sources/raw-unit.ts';

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
  /** Force one format id for every record, and the framing it implies (else both are detected). */
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

export const zeroCounts = (): SourceCounts => ({ read: 0, accepted: 0, skipped: 0, duplicates: 0, quarantined: 0 });

export const emptySummary = (files: number): IngestSummary => ({ ...zeroCounts(), bySource: {}, quarantineReasons: {}, files, snapshots: [] });

/** How a forced format id frames a file (`readFileUnits`); undefined when nothing is forced. */
export function framingOf(format: string | undefined): Framing | undefined {
  if (format === undefined) return undefined;
  if (format === EVENT_XML_FORMAT_ID) return 'xml';
  if (format === PRIVILEGED_LIST_FORMAT_ID) return 'lines';
  if (format === 'users-csv' || format === 'tickets-csv') return 'csv';
  return formatIds.includes(format) ? 'json-records' : undefined;
}

/** Where a run of `IngestRun.unit` stands, to tell what one unit produced (`IngestRun.since`). */
export interface RunMark {
  rejects: number;
  events: number;
  rows: number;
}

/**
 * One ingest run over one or more streams: parses each raw unit, validates and enriches events, batches them
 * into the store and keeps every refused record with its reason. With `keepRejects`, refused records are held
 * for the caller (`rejectsSince`) instead of being written to the quarantine: what a retry needs.
 */
export class IngestRun {
  private readonly store: Store;
  readonly summary: IngestSummary;
  private readonly options: IngestOptions;
  private readonly forcedId: string | undefined;
  private readonly forced: RecordFormat | undefined;
  private readonly geo: GeoLookup;
  private readonly batchSize: number;
  private readonly keepRejects: boolean;
  private events: SsprEvent[] = [];
  private eventSources: string[] = [];
  private bad: QuarantinedRecord[] = [];
  private rowCount = 0;
  private flushedEvents = 0;
  private rows = new Map<SnapshotKind, { source: string; rows: Record<string, unknown>[] }>();
  private file = '';

  constructor(store: Store, summary: IngestSummary, options: IngestOptions, keepRejects = false) {
    this.store = store;
    this.summary = summary;
    this.options = options;
    this.geo = options.geo ?? createGeoLookup();
    this.batchSize = options.batchSize ?? 5000;
    this.keepRejects = keepRejects;
    this.forcedId = options.format;
    this.forced = options.format !== undefined ? recordFormats.find((f) => f.id === options.format) : undefined;
  }

  /** The file or stream the next units come from: named in event refs and quarantine entries. */
  setSource(path: string): void {
    this.file = path;
  }

  /** One file or pull stream; `fallbackDate` dates its directory snapshots when neither the export nor `asOf` does. */
  async ingestStream(path: string, units: AsyncIterable<RawUnit>, fallbackDate: () => Promise<string> | string): Promise<void> {
    this.setSource(path);
    this.rows = new Map();
    for await (const unit of units) {
      this.unit(unit);
      if (this.events.length >= this.batchSize || this.bad.length >= 1000) await this.flush();
    }
    await this.flush();
    await this.saveSnapshots(path, fallbackDate);
  }

  mark(): RunMark {
    return { rejects: this.bad.length, events: this.flushedEvents + this.events.length, rows: this.rowCount };
  }

  /** What the units since `mark` produced: records refused (only with `keepRejects`), events and directory rows. */
  since(mark: RunMark): { rejects: QuarantinedRecord[]; events: number; rows: number } {
    return { rejects: this.bad.slice(mark.rejects), events: this.flushedEvents + this.events.length - mark.events, rows: this.rowCount - mark.rows };
  }

  /** Parses one raw unit; its event goes to the next batch, a refusal to the quarantine batch. */
  unit(unit: RawUnit): void {
    switch (unit.kind) {
      case 'bad':
        this.count('unknown', 'read');
        this.reject('unknown', unit.locator, unit.code, unit.message, unit.raw, unit.rawBytes);
        return;
      case 'xml':
        this.count(EVENT_XML_FORMAT_ID, 'read');
        if (this.forcedId !== undefined && this.forcedId !== EVENT_XML_FORMAT_ID) {
          this.reject(EVENT_XML_FORMAT_ID, unit.locator, 'unknown-shape', `--format ${this.forcedId} does not read Event XML`, unit.text);
          return;
        }
        this.result(EVENT_XML_FORMAT_ID, parseEventXml(unit.text, { ref: `${this.file}:${unit.locator}` }), unit.locator, unit.text);
        return;
      case 'line':
        this.count(PRIVILEGED_LIST_FORMAT_ID, 'read');
        this.result(PRIVILEGED_LIST_FORMAT_ID, parsePrivilegedLine(unit.text), unit.locator, unit.text);
        return;
      case 'json': {
        let value: unknown;
        try {
          value = JSON.parse(unit.text);
        } catch (error) {
          const source = this.forcedId ?? 'unknown';
          this.count(source, 'read');
          const truncated = unit.locator.endsWith('(last, no newline)');
          const why = truncated ? `the file ends inside a JSON record (${(error as Error).message})` : `invalid JSON: ${(error as Error).message}`;
          this.reject(source, unit.locator, truncated ? 'truncated' : 'invalid-json', why, unit.text, unit.bytes);
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
    if (this.forcedId !== undefined && this.forced === undefined) {
      this.count(this.forcedId, 'read');
      this.reject(this.forcedId, locator, 'unknown-shape', `--format ${this.forcedId} does not read JSON records`, raw);
      return;
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
        this.rowCount += 1;
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
    const counts = (this.summary.bySource[source] ??= zeroCounts());
    counts[field] += n;
    this.summary[field] += n;
  }

  /** Writes the pending events (deduplicated by id) and, unless the run keeps them, the refused records. */
  async flush(): Promise<void> {
    if (this.events.length > 0) {
      const events = this.events;
      const sources = this.eventSources;
      this.flushedEvents += events.length;
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
    if (this.bad.length > 0 && !this.keepRejects) {
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
