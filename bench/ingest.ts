/**
 * Ingest benchmark (issue 2): NDJSON of generated records (the real export shapes: Log Analytics and
 * diagnostic sign-in/audit rows, Winlogbeat documents) into the embedded SQLite store.
 *   npm run bench:ingest -- [--events 1000000] [--sizes 250000,1000000] [--users 5000] [--seed 1]
 * Prints one JSON document: per size the full ingest (events/s, MB/s, CPU seconds, peak RSS) and, for the
 * largest, the framing-only and JSON.parse-only ceilings on the same file. Files are cached in .bench-out/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, runNode } from './lib.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250000,1000000' },
    users: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const out = '.bench-out';
mkdirSync(out, { recursive: true });


const results: unknown[] = [];
for (const size of sizes) {
  const dir = join(out, `ingest-seed${values.seed}-u${values.users}-${size}`);
  const file = join(dir, 'events.ndjson');
  if (!existsSync(file)) {
    process.stderr.write(`generating ${size} records into ${file}\n`);
    runNode(['fixtures/generator/cli.ts', '--seed', values.seed, '--users', values.users, '--ndjson-only', '--events', String(size), '--out', dir]);
  }
  process.stderr.write(`ingesting ${size} records\n`);
  results.push(JSON.parse(runNode(['bench/ingest-run.ts', file, join(out, 'ingest-bench.db'), 'full'])));
  if (size === Math.max(...sizes)) {
    results.push(JSON.parse(runNode(['bench/ingest-run.ts', file, '-', 'frame'])));
    results.push(JSON.parse(runNode(['bench/ingest-run.ts', file, '-', 'parse'])));
  }
}
process.stdout.write(`${JSON.stringify({ benchmark: 'ingest', machine: machine(), target: { eventsPerSecond: 100000, peakRssMb: 300 }, results }, null, 2)}\n`);
