import type { RejectCode } from '../ingest/formats/types.ts';
import type { RetrySummary } from '../ingest/retry-quarantine.ts';
import type { QuarantineEntry } from '../store/contract.ts';

/** Every reason code ingest quarantines with (`RejectCode`), in the order the list reports them. */
export const QUARANTINE_CODES = [
  'unknown-shape',
  'missing-field',
  'bad-value',
  'invalid-json',
  'invalid-xml',
  'truncated',
  'too-large',
  'not-text',
] as const satisfies readonly RejectCode[];

const KEY_CHARS = 12;

function clip(text: string, width: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= width ? one.padEnd(width) : `${one.slice(0, width - 1)}…`;
}

/** Clipped from the left: of a path and locator, the file name and the place in it are what tell. */
function clipStart(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `…${text.slice(text.length - width + 1)}`;
}

/** The `sspr quarantine list` table: one line per record, then totals by code and what to do next. */
export function formatList(entries: readonly QuarantineEntry[], total: number, byCode: ReadonlyArray<[string, number]>): string {
  if (total === 0) return 'the quarantine is empty\n';
  const lines = [`${'key'.padEnd(KEY_CHARS + 2)}${'received (UTC)'.padEnd(21)}${'code'.padEnd(15)}${'format'.padEnd(21)}${'where'.padEnd(48)}reason`];
  for (const e of entries) {
    const when = e.receivedAt.slice(0, 19).replace('T', ' ');
    lines.push(`${e.key.slice(0, KEY_CHARS).padEnd(KEY_CHARS + 2)}${when.padEnd(21)}${e.code.padEnd(15)}${clip(e.format ?? '-', 20)} ${clipStart(`${e.source} ${e.locator}`, 47)} ${clip(e.reason, 90).trimEnd()}`);
  }
  lines.push('');
  lines.push(`${entries.length === total ? `${total} quarantined record(s)` : `showing ${entries.length} of ${total} quarantined records (--limit N, or 0 for all)`}: ${byCode.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push('`sspr quarantine show KEY` prints one whole (a key prefix is enough); `sspr quarantine retry` re-parses them with the current parsers.');
  return `${lines.join('\n')}\n`;
}

/** `sspr quarantine show KEY`: every field, then the raw text as it was kept. */
export function formatEntry(e: QuarantineEntry): string {
  const rows: Array<[string, string]> = [
    ['key', e.key],
    ['source', e.source],
    ['locator', e.locator],
    ['format', e.format ?? '-'],
    ['code', e.code],
    ['reason', e.reason],
    ['receivedAt', e.receivedAt],
    ['rawBytes', `${e.rawBytes}${e.rawBytes > Buffer.byteLength(e.raw) ? ` (only the first ${Buffer.byteLength(e.raw)} bytes were kept)` : ''}`],
  ];
  return `${rows.map(([k, v]) => `${`${k}:`.padEnd(12)}${v}`).join('\n')}\nraw:\n${e.raw}\n`;
}

/** The `sspr quarantine retry` summary for a terminal. */
export function formatRetry(s: RetrySummary): string {
  if (s.examined === 0) return 'nothing to retry: no quarantined record matches\n';
  const lines = [
    `re-parsed ${s.examined} quarantined record(s) with the current parsers:`,
    `  ${s.released} now parse and left the quarantine (${s.accepted} new event(s), ${s.duplicates} already stored, ${s.skipped} well-formed but not used)`,
    `  ${s.stillQuarantined} still refused${s.updated > 0 ? ` (${s.updated} with their reason updated to today's)` : ''}`,
  ];
  if (s.notRetryable > 0) lines.push(`  ${s.notRetryable} cannot be re-parsed from what was kept (binary, cut to its head, or a CSV row): re-ingest their files`);
  return `${lines.join('\n')}\n`;
}
