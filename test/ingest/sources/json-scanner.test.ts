import { describe, expect, it } from 'vitest';
import { JsonScanner } from '../../../ingest/sources/json-scanner.ts';
import type { RawUnit } from '../../../ingest/sources/raw-unit.ts';

const options = { maxRecordBytes: 1024, keepBytes: 16 };

/** Feeds the text in chunks of `size` bytes, the way a file reader does. */
function scan(text: string | Buffer, size = 7, opts = options): RawUnit[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const scanner = new JsonScanner(opts);
  const out: RawUnit[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...scanner.push(bytes.subarray(i, i + size)));
  out.push(...scanner.end());
  return out;
}

const texts = (units: RawUnit[]) => units.map((u) => (u.kind === 'json' ? JSON.parse(u.text) : { bad: u.kind === 'bad' ? u.code : u.kind }));

describe('JsonScanner', () => {
  it('splits a root array into its elements whatever the chunk size', () => {
    const doc = '[ {"a": 1, "s": "x,]}"}, {"b": [1, {"c": "\\"}"}]} ,{"é": "ü"} ]';
    for (const size of [1, 2, 5, 64]) {
      expect(texts(scan(doc, size))).toEqual([{ a: 1, s: 'x,]}' }, { b: [1, { c: '"}' }] }, { é: 'ü' }]);
    }
  });

  it('streams the value array of a Graph page envelope and ignores the envelope fields', () => {
    const doc = '{"@odata.context": "https://graph/x", "value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": "n"}';
    expect(texts(scan(doc, 3))).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('streams the records array of a diagnostic-settings export', () => {
    const doc = '{\n  "records": [\n    {"time": "t1"},\n    {"time": "t2"}\n  ]\n}\n';
    expect(texts(scan(doc))).toEqual([{ time: 't1' }, { time: 't2' }]);
  });

  it('yields each of several concatenated top-level objects, including one that is not an envelope', () => {
    const doc = '{"tables": [{"rows": [[1]]}]}\n{"x": {"value": 3}}\n';
    expect(texts(scan(doc))).toEqual([{ tables: [{ rows: [[1]] }] }, { x: { value: 3 } }]);
  });

  it('quarantines a truncated last record and keeps the ones before it', () => {
    const units = scan('[{"a": 1}, {"b": "trunc');
    expect(texts(units)).toEqual([{ a: 1 }, { bad: 'truncated' }]);
    const bad = units[1]!;
    expect(bad.kind === 'bad' && bad.raw).toBe('{"b": "trunc');
  });

  it('resynchronises at the next line after a string broken by a newline', () => {
    const units = scan('{"a": "broken\n{"b": 2}\n');
    expect(texts(units)).toEqual([{ bad: 'invalid-json' }, { b: 2 }]);
  });

  it('keeps only the head of a record over the size limit and says how large it was', () => {
    const big = `[{"x": "${'y'.repeat(5000)}"}, {"ok": true}]`;
    const units = scan(big, 100);
    expect(texts(units)).toEqual([{ bad: 'too-large' }, { ok: true }]);
    const bad = units[0]!;
    expect(bad.kind === 'bad' && bad.raw.length).toBe(16);
    expect(bad.kind === 'bad' && bad.rawBytes).toBe(5009);
  });

  it('returns nothing for an empty array and flags an unbalanced bracket', () => {
    expect(scan('[]')).toEqual([]);
    expect(texts(scan('{"a":1}}'))).toEqual([{ a: 1 }, { bad: 'invalid-json' }]);
  });
});
