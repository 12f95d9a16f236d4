import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** Runs a Node script of this repository in a child process (so its peak RSS is its own); returns its last stdout line. */
export function runNode(args: readonly string[]): string {
  const run = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout.trim().split('\n').pop()!;
}

/** The machine a benchmark ran on, for its JSON output. */
export function machine(): { cpus: number; cpu: string; memoryGb: number; node: string } {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}
