import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { SsprError } from '../../core/errors.ts';
import { CsvReader } from './csv.ts';
import { JsonScanner } from './json-scanner.ts';
import { LineReader } from './line-reader.ts';
import { badUnit, isText, type RawUnit } from './raw-unit.ts';
import { EventXmlSplitter } from './xml-splitter.ts';

/** How a file is framed into records. */
export type FileKind = 'ndjson' | 'json' | 'xml' | 'csv' | 'lines' | 'binary' | 'empty';

export interface ReadLimits {
  /** Largest single record kept whole (default 16 MiB). */
  maxRecordBytes: number;
  /** Head kept of a record over the limit, for the quarantine (default 1 MiB). */
  keepBytes: number;
}

export const defaultLimits: ReadLimits = { maxRecordBytes: 16 * 1024 * 1024, keepBytes: 1024 * 1024 };

const HEAD_BYTES = 64 * 1024;
const ENVELOPE_KEYS = ['value', 'records', 'tables'];

/** Lists the files under the given paths, folders recursively, in a stable (sorted) order. */
export async function listFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      throw new SsprError('INGEST_SOURCE_UNREADABLE', `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
      entries.sort((a, b) => a.name.localeCompare(b.name));
      files.push(...(await listFiles(entries.map((e) => join(path, e.name)))));
    } else if (info.isFile()) {
      files.push(path);
    }
  }
  return files;
}

/** Decides how a file is framed from its first bytes (and its extension for CSV). */
export function sniff(head: Buffer, path: string): { kind: FileKind; bomBytes: number; encoding: 'utf8' | 'utf-16le' } {
  if (head.length === 0) return { kind: 'empty', bomBytes: 0, encoding: 'utf8' };
  if (head[0] === 0xff && head[1] === 0xfe) {
    const text = new TextDecoder('utf-16le').decode(head.subarray(2));
    return { kind: sniffText(text, path), bomBytes: 2, encoding: 'utf-16le' };
  }
  const bomBytes = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const body = head.subarray(bomBytes);
  // Binary when the start of the file (its first line, at most 4 KiB) is not text; a bad line further on is
  // the line framer's business. A start cut inside a multi-byte character is still text: drop the last bytes.
  const newline = body.indexOf(0x0a);
  const start = body.subarray(0, newline >= 0 && newline < 4096 ? newline : Math.max(0, Math.min(body.length, 4096) - 4));
  if (!isText(start)) return { kind: 'binary', bomBytes, encoding: 'utf8' };
  return { kind: sniffText(body.toString('utf8'), path), bomBytes, encoding: 'utf8' };
}

function sniffText(text: string, path: string): FileKind {
  const trimmed = text.trimStart();
  if (trimmed === '') return 'empty';
  const first = trimmed[0];
  // `- <Event …>`: a copy of Event Viewer's XML view, whose collapse markers precede the elements.
  if (first === '<' || /^-[ \t]+</.test(trimmed)) return 'xml';
  if (first === '[') return 'json';
  if (first === '{') {
    // NDJSON when the first line is a whole JSON object that is not a page envelope.
    const newline = trimmed.indexOf('\n');
    if (newline < 0) return 'json';
    try {
      const value: unknown = JSON.parse(trimmed.slice(0, newline));
      if (value !== null && typeof value === 'object' && !ENVELOPE_KEYS.some((k) => Array.isArray((value as Record<string, unknown>)[k]))) return 'ndjson';
    } catch {
      // Not a whole object on one line: a pretty-printed document.
    }
    return 'json';
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.csv' || extension === '.tsv') return 'csv';
  if (extension === '.json' || extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return 'lines';
}

/**
 * How a forced `--format` frames a file, whatever its first bytes look like: as Event XML, one record a line
 * (privileged list), CSV, or JSON records (then a file that sniffs as XML or plain lines is read as NDJSON, so
 * each line is tried as a record of that format and refused with a reason if it is not).
 */
export type Framing = 'xml' | 'lines' | 'csv' | 'json-records';

function framed(kind: FileKind, framing: Framing | undefined): FileKind {
  if (framing === undefined || kind === 'empty' || kind === 'binary') return kind;
  if (framing === 'json-records') return kind === 'xml' || kind === 'lines' ? 'ndjson' : kind;
  return framing;
}

/**
 * Reads one file as raw units, streaming: memory stays bounded by the largest record, not the file. The framing
 * comes from the first bytes, or from `framing` when the user forced a format.
 */
export async function* readFileUnits(path: string, limits: ReadLimits, onBytes?: (n: number) => void, framing?: Framing): AsyncGenerator<RawUnit> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const sniffed = sniff(head, path);
  const { bomBytes, encoding } = sniffed;
  const kind = framed(sniffed.kind, framing);
  if (kind === 'empty') return;
  if (kind === 'binary') {
    const size = (await stat(path)).size;
    onBytes?.(size);
    yield badUnit('whole file', 'not-text', 'file is binary data, not a log export (NUL bytes or invalid UTF-8 at the start)', head.subarray(0, limits.keepBytes), size);
    return;
  }
  const stream = createReadStream(path, { start: bomBytes, highWaterMark: 1024 * 1024 });
  const decoder = encoding === 'utf-16le' ? new TextDecoder('utf-16le') : undefined;
  const framer = makeFramer(kind, limits);
  for await (const piece of stream as AsyncIterable<Buffer>) {
    onBytes?.(piece.length);
    // UTF-16 exports are re-encoded as UTF-8 so every framer works on one encoding.
    const chunk = decoder ? Buffer.from(decoder.decode(piece, { stream: true }), 'utf8') : piece;
    yield* framer.push(chunk);
  }
  if (decoder) yield* framer.push(Buffer.from(decoder.decode(), 'utf8'));
  yield* framer.end();
}

interface Framer {
  push(chunk: Buffer): RawUnit[];
  end(): RawUnit[];
}

function makeFramer(kind: Exclude<FileKind, 'empty' | 'binary'>, limits: ReadLimits): Framer {
  switch (kind) {
    case 'json':
      return new JsonScanner(limits);
    case 'ndjson':
      return new LineReader('json', limits.maxRecordBytes, limits.keepBytes);
    case 'lines':
      return new LineReader('line', limits.maxRecordBytes, limits.keepBytes);
    case 'xml':
    case 'csv': {
      const inner = kind === 'xml' ? new EventXmlSplitter(limits.maxRecordBytes) : new CsvReader();
      const decoder = new TextDecoder('utf-8');
      return {
        push: (chunk) => inner.push(decoder.decode(chunk, { stream: true })),
        end: () => [...inner.push(decoder.decode()), ...inner.end()],
      };
    }
  }
}
