/**
 * Writes N normalized events of a generated tenant as NDJSON (one SsprEvent a line, time order), through the
 * production parsers and geo enrichment, so the detect benchmark measures the engine alone:
 *   node bench/detect/prepare.ts <out.ndjson> <events> <users> <seed>
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { generateTenant } from '../../fixtures/generator/index.ts';
import { detectFormat, parseEventXml } from '../../ingest/formats/index.ts';
import type { ParseResult } from '../../ingest/formats/types.ts';
import { createGeoLookup } from '../../ingest/geo-enrich.ts';

const [out, eventsText = '1000000', usersText = '50000', seedText = '1'] = process.argv.slice(2);
if (!out) throw new Error('usage: node bench/detect/prepare.ts <out.ndjson> [events] [users] [seed]');
const wanted = Number(eventsText);
const users = Number(usersText);
// About three events per user and day in the generated tenant; the stream is lazy and stops at N.
const days = Math.ceil(wanted / (users * 2)) + 3;
const tenant = generateTenant({ seed: Number(seedText), users, days, shapes: { ad: 'winlogbeat' } });
const geo = createGeoLookup();
const sink = createWriteStream(out);
let written = 0;
let lines: string[] = [];
for (const { record } of tenant.records()) {
  let result: ParseResult;
  if (typeof record === 'string') result = parseEventXml(record, { ref: 'bench' });
  else {
    const format = detectFormat(record as Record<string, unknown>);
    if (!format) continue;
    result = format.parse(record as Record<string, unknown>, { ref: 'bench' });
  }
  if (result.kind !== 'event') continue;
  let event = result.event;
  const ip = event.source?.ip;
  if (ip !== undefined && event.source?.geo === undefined) {
    const found = geo(ip);
    if (found) event = { ...event, source: { ip, geo: found } };
  }
  lines.push(JSON.stringify(event));
  written += 1;
  if (lines.length >= 10_000) {
    if (!sink.write(`${lines.join('\n')}\n`)) await once(sink, 'drain');
    lines = [];
  }
  if (written >= wanted) break;
}
sink.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
await once(sink, 'finish');
process.stdout.write(`${JSON.stringify({ file: out, events: written, users, days })}\n`);
