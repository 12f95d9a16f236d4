import { badUnit, isText, type RawUnit } from './raw-unit.ts';

/**
 * Splits bytes into lines (LF or CRLF) with a size cap, for NDJSON and plain lists. Pure. A line over the cap
 * is quarantined `too-large` with its head; a line that is not text (NUL bytes, invalid UTF-8) as `not-text`.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private kept = 0;
  private length = 0;
  private line = 0;
  private readonly kind: 'json' | 'line';
  private readonly maxBytes: number;
  private readonly keepBytes: number;

  constructor(kind: 'json' | 'line', maxBytes: number, keepBytes: number) {
    this.kind = kind;
    this.maxBytes = maxBytes;
    this.keepBytes = keepBytes;
  }

  push(chunk: Buffer): RawUnit[] {
    const out: RawUnit[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      this.take(chunk.subarray(from, nl));
      this.emit(out, false);
      from = nl + 1;
    }
    if (from < chunk.length) this.take(chunk.subarray(from));
    return out;
  }

  end(): RawUnit[] {
    const out: RawUnit[] = [];
    if (this.length > 0) this.emit(out, true);
    return out;
  }

  private take(part: Buffer): void {
    this.length += part.length;
    const room = (this.length <= this.maxBytes ? this.maxBytes : this.keepBytes) - this.kept;
    if (room <= 0) return;
    const piece = part.length <= room ? part : part.subarray(0, room);
    this.parts.push(piece);
    this.kept += piece.length;
  }

  private emit(out: RawUnit[], atEnd: boolean): void {
    this.line += 1;
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const length = this.length;
    this.parts = [];
    this.kept = 0;
    this.length = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const locator = `line ${this.line}`;
    if (length > this.maxBytes) {
      const head = bytes.subarray(0, this.keepBytes);
      out.push(badUnit(locator, 'too-large', `line of ${length} bytes exceeds the ${this.maxBytes}-byte limit; its first ${head.length} bytes are kept`, head, length));
      return;
    }
    if (!isText(bytes)) {
      out.push(badUnit(locator, 'not-text', 'line is binary data, not text (NUL bytes or invalid UTF-8)', bytes));
      return;
    }
    const text = bytes.toString('utf8');
    if (text.trim() === '') return;
    if (this.kind === 'json') out.push({ kind: 'json', text, locator: atEnd ? `${locator} (last, no newline)` : locator, bytes: bytes.length });
    else out.push({ kind: 'line', text, locator });
  }
}
