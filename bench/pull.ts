/**
 * Log Analytics pull benchmark: a generated tenant's sign-in rows served by the local query-API server (HTTPS,
 * real column types), pulled by `sspr pull log-analytics` as a child process, against the ceiling of the same
 * rows ingested from a file by `sspr ingest` in the same run.
 *   npm run bench:pull -- [--users 2000] [--days 7] [--seed 3]
 * Prints one JSON document; progress on stderr.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PullSummary } from '../ingest/sources/log-analytics/pull.ts';
import { generatedSigninRows } from '../test/helpers/la-rows.ts';
import { startLogAnalyticsServer } from '../test/helpers/log-analytics-server.ts';
import { spawnCli } from '../test/helpers/spawn-cli.ts';
import { makeTestCa } from '../test/helpers/test-ca.ts';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { users: { type: 'string', default: '2000' }, days: { type: 'string', default: '7' }, seed: { type: 'string', default: '3' } } });
const DAY = 86_400_000;
const startMs = Math.floor(Date.now() / DAY) * DAY - (Number(values.days) + 1) * DAY;
process.stderr.write(`generating ${values.users} users × ${values.days} days\n`);
const tables = generatedSigninRows({ seed: Number(values.seed), users: Number(values.users), days: Number(values.days), startMs });
const rows = Object.values(tables).reduce((n, t) => n + t.length, 0);

const dir = mkdtempSync(join(tmpdir(), 'sspr-bench-pull-'));
const ca = makeTestCa();
const server = await startLogAnalyticsServer({ ca, tokens: ['bench'], workspaces: ['bench-ws'] });
for (const [table, list] of Object.entries(tables)) server.add('bench-ws', table, list);

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; stdout: string; code: number | null }> {
  const started = performance.now();
  const run = spawnCli(args, { SSPR_LOG_LEVEL: 'silent', ...env });
  const done = await run.done;
  if (done.code !== 0) throw new Error(`sspr ${args[0]} exited ${done.code}: ${done.stderr}`);
  return { seconds: (performance.now() - started) / 1000, stdout: done.stdout, code: done.code };
}

const since = new Date(startMs).toISOString();
const pullArgs = ['pull', 'log-analytics', '--workspace', 'bench-ws', '--endpoint', server.endpoint, '--tables', Object.keys(tables).join(','), '--since', since, '--json'];
const env = { NODE_EXTRA_CA_CERTS: ca.caFile, SSPR_LA_TOKEN: 'bench' };
process.stderr.write(`pulling ${rows} rows\n`);
const first = await timed([...pullArgs, '--db', join(dir, 'pull.db')], env);
const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as PullSummary;
const requests = server.requests.length;
process.stderr.write('pulling again (everything a duplicate)\n');
const again = await timed([...pullArgs, '--db', join(dir, 'pull.db')], env);
await server.close();

const file = join(dir, 'rows.ndjson');
writeFileSync(file, `${Object.values(tables).flat().map((r) => JSON.stringify(r)).join('\n')}\n`);
process.stderr.write('ingesting the same rows from a file (the ceiling)\n');
const ingest = await timed(['ingest', file, '--db', join(dir, 'file.db'), '--json'], {});

const rate = (n: number, s: number) => Math.round(n / s);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'pull-log-analytics',
      machine: machine(),
      rows,
      tables: Object.fromEntries(Object.entries(tables).map(([t, l]) => [t, l.length])),
      pull: { seconds: +first.seconds.toFixed(2), rowsPerSecond: rate(rows, first.seconds), requests, accepted: summary.accepted, slices: Object.values(summary.tables).reduce((n, t) => n + t.slices, 0) },
      secondPull: { seconds: +again.seconds.toFixed(2), rowsPerSecond: rate(rows, again.seconds) },
      fileIngest: { seconds: +ingest.seconds.toFixed(2), rowsPerSecond: rate(rows, ingest.seconds) },
      pullToFileRatio: +(ingest.seconds / first.seconds).toFixed(2),
      note: 'wall time of each child process, start-up included; the server runs in this process on the same 2 cores',
    },
    null,
    2,
  )}\n`,
);
