import { isUtf8 } from 'node:buffer';
import type { RejectCode } from '../formats/types.ts';

/**
 * What a file reader hands the ingest shell: one raw record (JSON text, an already-split value such as a
 * CSV row, an Event XML element, a text line) or a piece that could not even be framed as a record.
 * `locator` says where it is in the file.
 */
export type RawUnit =
  | { kind: 'json'; text: string; locator: string; bytes: number }
  | { kind: 'value'; value: unknown; locator: string; raw: string }
  | { kind: 'xml'; text: string; locator: string }
  | { kind: 'line'; text: string; locator: string }
  | { kind: 'bad'; code: RejectCode; message: string; raw: string; rawBytes: number; locator: string };

/** True when the bytes are text a log could hold: valid UTF-8 with no NUL byte. */
export function isText(bytes: Uint8Array): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}

/**
 * Raw bytes as storable text without loss: text as is; anything else (NUL bytes, invalid UTF-8) as
 * `base64:` followed by the bytes in base64.
 */
export function rawText(bytes: Buffer): string {
  return isText(bytes) ? bytes.toString('utf8') : `base64:${bytes.toString('base64')}`;
}

export function badUnit(locator: string, code: RejectCode, message: string, raw: Buffer | string, rawBytes?: number): RawUnit {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  return { kind: 'bad', code, message, raw: rawText(bytes), rawBytes: rawBytes ?? bytes.length, locator };
}
