/**
 * One measured ingest run, in its own process so peak RSS is this run's alone:
 *   node bench/ingest-run.ts <file> <db> [full|frame|parse]
 * `full` ingests into a fresh SQLite store; `frame` only splits the file into records; `parse` also runs
 * JSON.parse on each (the ceiling any JSON ingest in Node has on this machine). Prints one JSON line.
 */
import { rmSync, statSync } from 'node:fs';
import { ingestPaths } from '../ingest/ingest.ts';
import { defaultLimits, readFileUnits } from '../ingest/sources/file-source.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';

const [file, db, mode = 'full'] = process.argv.slice(2);
if (!file || !db) throw new Error('usage: node bench/ingest-run.ts <file> <db> [full|frame|parse]');
const bytes = statSync(file).size;
const started = performance.now();
let records = 0;
let summary: Record<string, unknown> = {};
if (mode === 'full') {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const store = new SqliteStore(db);
  const result = await ingestPaths(store, [file]);
  await store.close();
  records = result.read;
  summary = { accepted: result.accepted, duplicates: result.duplicates, skipped: result.skipped, quarantined: result.quarantined };
} else {
  for await (const unit of readFileUnits(file, defaultLimits)) {
    if (mode === 'parse' && unit.kind === 'json') JSON.parse(unit.text);
    records += 1;
  }
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    mode,
    records,
    bytes,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(records / seconds),
    mbPerSecond: Number((bytes / 1048576 / seconds).toFixed(1)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...summary,
  })}\n`,
);
