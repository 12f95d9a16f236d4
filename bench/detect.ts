/**
 * Detection throughput benchmark (issue 3): events of a generated 50,000-user tenant through every detector.
 *   npm run bench:detect -- [--sizes 250000,1000000] [--users 50000] [--seed 1]
 * Events are prepared once (cached in .bench-out/) by the production parsers; each size then runs in its own
 * process. Prints one JSON document: engine events/s (engine time only), wall time including reading and
 * JSON.parse, peak RSS, and the engine state size, per size, so growth with the event count is visible.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, runNode } from './lib.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250000,1000000' },
    users: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '1' },
  },
});
const out = '.bench-out';
mkdirSync(out, { recursive: true });


const results: unknown[] = [];
for (const size of values.sizes.split(',').map(Number)) {
  const file = join(out, `detect-events-seed${values.seed}-u${values.users}-${size}.ndjson`);
  if (!existsSync(file)) {
    process.stderr.write(`preparing ${size} events of a ${values.users}-user tenant into ${file}\n`);
    runNode(['bench/detect/prepare.ts', file, String(size), values.users, values.seed]);
  }
  process.stderr.write(`detecting over ${size} events\n`);
  results.push(JSON.parse(runNode(['bench/detect/run.ts', file])));
}
process.stdout.write(`${JSON.stringify({ benchmark: 'detect', machine: machine(), users: Number(values.users), target: { eventsPerSecond: 200000 }, results }, null, 2)}\n`);
