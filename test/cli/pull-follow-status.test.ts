import { afterAll, describe, expect, it } from 'vitest';
import type { PullSummary } from '../../ingest/sources/log-analytics/pull.ts';
import type { PipelineStatus } from '../../pipeline/status.ts';
import { cliEnv, pull, pullArgs, setup, storedEvents, type Env } from '../helpers/la-cli.ts';
import { signinAt } from '../helpers/la-rows.ts';
import type { LaServer } from '../helpers/log-analytics-server.ts';
import { spawnCli } from '../helpers/spawn-cli.ts';
import { runCli } from './run-cli.ts';

/** `sspr pull --follow` as a long-running process stopped by signals, and `sspr status` over what it stored. */

const parse = (line: string) => JSON.parse(line) as PullSummary;

describe('sspr pull log-analytics --follow and sspr status', () => {
  const servers: LaServer[] = [];
  const track = (env: Env) => (servers.push(env.server), env);
  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  it('pulls again every --every, picks up rows that arrive meanwhile, and exits 0 on SIGTERM', async () => {
    const env = track(await setup());
    env.server.add(env.workspace, 'SigninLogs', [signinAt('first', Date.now() - 5 * 60_000)]);
    const run = spawnCli(pullArgs(env, '--tables', 'SigninLogs', '--follow', '--every', '100ms'), cliEnv());
    const round1 = parse(await run.line((l) => parse(l).accepted === 1));
    const checkpoint = Date.parse(round1.tables.SigninLogs!.checkpoint!);
    env.server.add(env.workspace, 'SigninLogs', [signinAt('arrived-later', checkpoint - 5 * 60_000)]);
    await run.line((l) => parse(l).startedAt > round1.finishedAt && parse(l).accepted === 1);
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect([done.code, done.signal]).toEqual([0, null]);
    expect((await storedEvents(env.db)).map((e) => e.id).sort()).toEqual(['entra.signin:arrived-later', 'entra.signin:first']);
  });

  it('abandons the request in flight on SIGINT and leaves the checkpoint where the last stored slice put it', async () => {
    const env = track(await setup());
    env.server.add(env.workspace, 'SigninLogs', [signinAt('stored', Date.now() - 5 * 60_000)]);
    const before = (await pull(env, ['--tables', 'SigninLogs'])).summary!.tables.SigninLogs!.checkpoint;
    let release = () => {};
    let held = () => {};
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    env.server.fault({ hold: new Promise<void>((resolve) => (release = resolve)), onHeld: () => held() });
    const run = spawnCli(pullArgs(env, '--tables', 'SigninLogs', '--follow'), cliEnv());
    await isHeld;
    run.child.kill('SIGINT');
    const done = await run.done;
    release();
    expect([done.code, done.signal]).toEqual([0, null]);
    const last = parse(done.stdout.trim().split('\n').at(-1)!);
    expect(last.stopped).toBe(true);
    expect(last.tables.SigninLogs!.checkpoint).toBe(before);
    const status = JSON.parse((await runCli(['status', '--db', env.db, '--json'])).stdout) as PipelineStatus;
    expect(status.sources.SigninLogs!.checkpoint).toBe(before);
  });

  it('shows each table with its checkpoint and the lag from it to now', async () => {
    const env = track(await setup());
    const at = Date.now() - 10 * 60_000;
    env.server.add(env.workspace, 'SigninLogs', [signinAt('status-row', at)]);
    const empty = await runCli(['status', '--db', env.db]);
    expect(empty.stdout).toContain('no pull source has run yet');
    const summary = (await pull(env, ['--tables', 'SigninLogs,AuditLogs'])).summary!;
    const result = await runCli(['status', '--db', env.db, '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as PipelineStatus;
    // The queue and partition keys of the live-pipeline issue come with the BullMQ workers, not before.
    expect(Object.keys(status)).toEqual(['asOf', 'sources']);
    expect(Object.keys(status.sources).sort()).toEqual(['AuditLogs', 'SigninLogs']);
    const signins = status.sources.SigninLogs!;
    expect(signins.checkpoint).toBe(summary.tables.SigninLogs!.checkpoint);
    expect(signins.lagSeconds).toBe(Math.round((Date.parse(status.asOf) - Date.parse(signins.checkpoint)) / 1000));
    expect(signins.newestEvent).toBe(new Date(at).toISOString());
    expect(signins.workspaces[env.workspace]).toMatchObject({ source: `log-analytics:${env.workspace}/SigninLogs`, checkpoint: signins.checkpoint });
    expect(status.sources.AuditLogs!.newestEvent).toBeUndefined();
    const text = (await runCli(['status', '--db', env.db])).stdout;
    expect(text).toMatch(new RegExp(`SigninLogs\\s+${env.workspace}\\s+${signins.checkpoint.replace(/[.]/g, '\\.')}`));
  });
});
