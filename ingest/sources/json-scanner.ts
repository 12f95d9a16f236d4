import { badUnit, type RawUnit } from './raw-unit.ts';

const OPEN_OBJ = 0x7b; // {
const CLOSE_OBJ = 0x7d; // }
const OPEN_ARR = 0x5b; // [
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

/** Envelope keys whose array is streamed element by element: Graph `value`, diagnostic-settings `records`. */
const ENVELOPE_KEYS = new Set(['value', 'records']);

export interface ScannerOptions {
  /** Largest record kept; a larger one is quarantined `too-large` with its first `keepBytes`. */
  maxRecordBytes: number;
  keepBytes: number;
}

/**
 * Splits a JSON byte stream into records without parsing it whole: the elements of a root array, the
 * elements of a `value`/`records` envelope array, or each of several concatenated top-level values. It works
 * on bytes (UTF-8 multi-byte sequences never contain the ASCII structure characters), one pass, no decoding
 * until a record is complete. Pure: feed chunks with `push`, finish with `end`.
 */
export class JsonScanner {
  private readonly options: ScannerOptions;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth at which records live: 1 in a root array, 0 for top-level values, 2 inside an envelope array. */
  private recordDepth = -1;
  private inEnvelope = false;
  /** Depth-1 keys are read to spot `"value": [`. */
  private expectKey = false;
  private readingKey = false;
  private keyStart = 0;
  private keyParts: Buffer[] = [];
  private lastKey = '';
  private afterColon = false;
  /** The open record: kept parts, full size, start. */
  private open = false;
  private openIsContainer = false;
  private openStart = 0;
  private openOffset = 0;
  private parts: Buffer[] = [];
  private keptBytes = 0;
  private recordBytes = 0;
  private offset = 0;
  private count = 0;

  constructor(options: ScannerOptions) {
    this.options = options;
  }

  /** Feeds the next chunk; returns the records completed in it. */
  push(chunk: Buffer): RawUnit[] {
    const out: RawUnit[] = [];
    this.openStart = 0;
    this.keyStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.readingKey) this.finishKey(chunk, i);
          if (this.open && !this.openIsContainer && this.depth === this.recordDepth) this.close(chunk, i + 1, out);
        } else if (c === NEWLINE) {
          // A raw newline cannot be inside a JSON string: this record is broken; resynchronise at the line.
          this.broken(chunk, i, out);
        }
        continue;
      }
      if (c <= 0x20) {
        if (this.open && !this.openIsContainer && this.depth === this.recordDepth) this.close(chunk, i, out);
        continue;
      }
      const valueAfterColon = this.afterColon;
      this.afterColon = c === COLON;
      if (this.recordDepth === -1) this.recordDepth = c === OPEN_ARR ? 1 : 0;
      if (this.depth === this.recordDepth) {
        if (!this.open && c !== COMMA && c !== CLOSE_ARR && c !== CLOSE_OBJ) {
          this.openAt(i, c === OPEN_OBJ || c === OPEN_ARR);
        } else if (this.open && !this.openIsContainer && (c === COMMA || c === CLOSE_ARR)) {
          this.close(chunk, i, out);
        }
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.expectKey && this.recordDepth === 0) {
            this.readingKey = true;
            this.keyStart = i + 1;
            this.keyParts = [];
          }
          break;
        case OPEN_ARR:
          if (valueAfterColon && this.depth === 1 && this.recordDepth === 0 && ENVELOPE_KEYS.has(this.lastKey)) {
            // `{"value": [ ...`: drop the envelope object and stream its elements instead.
            this.open = false;
            this.parts = [];
            this.inEnvelope = true;
            this.recordDepth = 2;
          }
          this.depth += 1;
          break;
        case OPEN_OBJ:
          this.depth += 1;
          this.expectKey = this.depth === 1;
          break;
        case CLOSE_OBJ:
        case CLOSE_ARR:
          if (this.depth === 0) {
            out.push(badUnit(`byte ${this.offset + i}`, 'invalid-json', 'unbalanced closing bracket', chunk.subarray(i, i + 1)));
            break;
          }
          this.depth -= 1;
          if (this.inEnvelope && c === CLOSE_ARR && this.depth === 1) {
            this.inEnvelope = false;
            this.recordDepth = 0;
          } else if (this.open && this.openIsContainer && this.depth === this.recordDepth) {
            this.close(chunk, i + 1, out);
          }
          break;
        case COMMA:
          this.expectKey = this.depth === 1;
          break;
        case COLON:
          this.expectKey = false;
          break;
      }
    }
    if (this.open) this.keep(chunk.subarray(this.openStart));
    if (this.readingKey) this.keyParts.push(Buffer.from(chunk.subarray(this.keyStart)));
    this.offset += chunk.length;
    return out;
  }

  /** Ends the stream: an unfinished record is quarantined as truncated. */
  end(): RawUnit[] {
    if (this.open && !this.openIsContainer && !this.inString) {
      this.open = false;
      this.count += 1;
      const raw = Buffer.concat(this.parts);
      return [{ kind: 'json', text: raw.toString('utf8'), locator: this.locator(), bytes: raw.length }];
    }
    if (!this.open && !this.inString && this.depth <= (this.inEnvelope ? 2 : 0)) {
      if (this.depth === 0) return [];
      return [badUnit(this.locator(), 'truncated', 'the file ends inside the record envelope (truncated JSON)', '')];
    }
    this.open = false;
    this.count += 1;
    return [badUnit(this.locator(), 'truncated', 'the file ends inside a JSON record (truncated JSON)', Buffer.concat(this.parts), this.recordBytes)];
  }

  private openAt(i: number, container: boolean): void {
    this.open = true;
    this.openIsContainer = container;
    this.openStart = i;
    this.openOffset = this.offset + i;
    this.parts = [];
    this.keptBytes = 0;
    this.recordBytes = 0;
  }

  private keep(part: Buffer): void {
    this.recordBytes += part.length;
    const limit = this.recordBytes <= this.options.maxRecordBytes ? Number.POSITIVE_INFINITY : this.options.keepBytes;
    if (this.keptBytes >= limit) return;
    const take = Math.min(part.length, limit - this.keptBytes);
    // The reader may reuse its chunk buffers: copy what is kept.
    this.parts.push(Buffer.from(part.subarray(0, take)));
    this.keptBytes += take;
  }

  private close(chunk: Buffer, endExclusive: number, out: RawUnit[]): void {
    this.keep(chunk.subarray(this.openStart, endExclusive));
    this.open = false;
    this.count += 1;
    let raw = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    if (this.recordBytes > this.options.maxRecordBytes) {
      raw = raw.subarray(0, this.options.keepBytes);
      const why = `record of ${this.recordBytes} bytes exceeds the ${this.options.maxRecordBytes}-byte limit; its first ${raw.length} bytes are kept`;
      out.push(badUnit(this.locator(), 'too-large', why, raw, this.recordBytes));
      return;
    }
    out.push({ kind: 'json', text: raw.toString('utf8'), locator: this.locator(), bytes: raw.length });
  }

  private broken(chunk: Buffer, i: number, out: RawUnit[]): void {
    if (this.open) this.keep(chunk.subarray(this.openStart, i));
    this.count += 1;
    out.push(badUnit(this.locator(), 'invalid-json', 'a JSON string runs past the end of its line', Buffer.concat(this.parts), this.recordBytes));
    this.open = false;
    this.parts = [];
    this.inString = false;
    this.escape = false;
    this.readingKey = false;
    this.depth = Math.max(this.recordDepth, 0);
  }

  private finishKey(chunk: Buffer, end: number): void {
    this.keyParts.push(chunk.subarray(this.keyStart, end));
    this.lastKey = Buffer.concat(this.keyParts).toString('utf8');
    this.readingKey = false;
    this.expectKey = false;
    this.keyParts = [];
  }

  private locator(): string {
    return `record ${this.count} (byte ${this.openOffset})`;
  }
}
