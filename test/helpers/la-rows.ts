import { readFileSync } from 'node:fs';
import { generateTenant } from '../../fixtures/generator/index.ts';

/** Log Analytics rows for the test server: the verbatim-shaped samples, moved in time, and generated tenants. */

type Row = Record<string, unknown>;

const TIME_COLUMNS = ['TimeGenerated', 'ActivityDateTime', 'CreatedDateTime'] as const;

/** The sample rows of `fixtures/samples/entra/<name>-la.json`. */
export function sampleRows(name: 'auditlogs' | 'signinlogs'): Row[] {
  return JSON.parse(readFileSync(`fixtures/samples/entra/${name}-la.json`, 'utf8')) as Row[];
}

/** The rows moved in time so the newest TimeGenerated is `newestMs`, keeping their spacing. */
export function rebase(rows: readonly Row[], newestMs: number): Row[] {
  const newest = Math.max(...rows.map((r) => Date.parse(String(r.TimeGenerated))));
  const shift = newestMs - newest;
  return rows.map((row) => {
    const out = { ...row };
    for (const column of TIME_COLUMNS) {
      const at = typeof row[column] === 'string' ? Date.parse(row[column]) : Number.NaN;
      if (!Number.isNaN(at)) out[column] = new Date(at + shift).toISOString();
    }
    return out;
  });
}

/** A successful interactive sign-in row (the first SigninLogs sample) with its own id, at `atMs`. */
export function signinAt(id: string, atMs: number): Row {
  const [template] = sampleRows('signinlogs');
  const time = new Date(atMs).toISOString();
  return { ...template, Id: id, OriginalRequestId: id, TimeGenerated: time, CreatedDateTime: time };
}

/** The Log Analytics sign-in rows of a generated tenant starting at `startMs`, by table. */
export function generatedSigninRows(options: { seed: number; users: number; days: number; startMs: number }): Record<string, Row[]> {
  const g = generateTenant({ seed: options.seed, users: options.users, days: options.days, start: new Date(options.startMs).toISOString() });
  const byTable: Record<string, Row[]> = {};
  for (const { file, record } of g.records()) {
    if (file !== 'entra/signinlogs.ndjson' || typeof record === 'string') continue;
    (byTable[String(record.Type)] ??= []).push(record);
  }
  return byTable;
}
