import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SsprEvent } from '../../core/event.ts';
import type { PullSummary } from '../../ingest/sources/log-analytics/pull.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { startLogAnalyticsServer, type LaServer } from './log-analytics-server.ts';
import { spawnCli } from './spawn-cli.ts';
import { makeTestCa, type TestCa } from './test-ca.ts';

/**
 * Shared set-up of the `sspr pull log-analytics` process tests: one private CA per test file, one query-API
 * server per test, the CLI as a child process trusting the CA through NODE_EXTRA_CA_CERTS.
 */

export const TOKEN = 'test-token-7c1e';
export const scratch = () => mkdtempSync(join(tmpdir(), 'sspr-pull-'));

let ca: TestCa | undefined;
export const testCa = (): TestCa => (ca ??= makeTestCa());

export interface Env {
  server: LaServer;
  db: string;
  workspace: string;
}

export async function setup(options: { maxRows?: number } = {}): Promise<Env> {
  const workspace = `ws-${Math.random().toString(36).slice(2, 8)}`;
  const server = await startLogAnalyticsServer({ ca: testCa(), tokens: [TOKEN], workspaces: [workspace], ...options });
  return { server, db: join(scratch(), 'sspr.db'), workspace };
}

export function pullArgs(env: Env, ...extra: string[]): string[] {
  return ['pull', 'log-analytics', '--workspace', env.workspace, '--endpoint', env.server.endpoint, '--db', env.db, '--json', ...extra];
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { NODE_EXTRA_CA_CERTS: testCa().caFile, SSPR_LA_TOKEN: TOKEN, SSPR_LOG_LEVEL: 'warn', ...extra };
}

/** One `sspr pull` process to its end; `summary` is its last JSON line. */
export async function pull(env: Env, extra: string[] = [], envExtra: NodeJS.ProcessEnv = {}) {
  const run = spawnCli(pullArgs(env, ...extra), cliEnv(envExtra));
  const result = await run.done;
  const lines = result.stdout.trim().split('\n').filter((l) => l !== '');
  const summary = lines.length > 0 ? (JSON.parse(lines[lines.length - 1]!) as PullSummary) : undefined;
  return { ...result, summary };
}

export function writeConfig(section: unknown): string {
  const file = join(scratch(), 'sspr.config.json');
  writeFileSync(file, JSON.stringify({ logAnalytics: section }));
  return file;
}

export async function storedEvents(db: string): Promise<SsprEvent[]> {
  const store = new SqliteStore(db);
  const out: SsprEvent[] = [];
  for await (const e of store.queryEvents({})) out.push(e);
  await store.close();
  return out;
}

export async function quarantined(db: string) {
  const store = new SqliteStore(db);
  const q = await store.listQuarantine(5);
  await store.close();
  return q;
}
