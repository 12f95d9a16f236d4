import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { pull, quarantined, scratch, setup, storedEvents, TOKEN, writeConfig, type Env } from '../helpers/la-cli.ts';
import { generatedSigninRows, rebase, sampleRows, signinAt } from '../helpers/la-rows.ts';
import type { LaServer } from '../helpers/log-analytics-server.ts';
import { runCli } from './run-cli.ts';

/**
 * `sspr pull log-analytics` as a separate process against a local HTTPS server that speaks the query API:
 * the real LogsQueryClient, a private CA through NODE_EXTRA_CA_CERTS, a static bearer token.
 */

const withoutRef = (e: SsprEvent) => ({ ...e, raw: { ...e.raw, ref: undefined } });

describe('sspr pull log-analytics', () => {
  const servers: LaServer[] = [];
  const track = (env: Env) => (servers.push(env.server), env);
  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  it('reads every table through the query client, stores what a file ingest of the same rows stores, and adds nothing the second time', async () => {
    const env = track(await setup());
    const now = Date.now();
    const audit = rebase(sampleRows('auditlogs'), now - 20 * 60_000);
    // The service-principal sample lives in AADServicePrincipalSignInLogs in a real workspace, not SigninLogs.
    const signins = rebase(sampleRows('signinlogs').filter((r) => r.Category !== 'ServicePrincipalSignInLogs'), now - 5 * 60_000);
    const generated = generatedSigninRows({ seed: 5, users: 80, days: 2, startMs: Math.floor(now / 86_400_000) * 86_400_000 - 2 * 86_400_000 });
    env.server.add(env.workspace, 'AuditLogs', audit);
    env.server.add(env.workspace, 'SigninLogs', [...signins, ...(generated.SigninLogs ?? [])]);
    env.server.add(env.workspace, 'AADNonInteractiveUserSignInLogs', generated.AADNonInteractiveUserSignInLogs ?? []);

    const first = await pull(env, ['--since', '3d']);
    expect(await quarantined(env.db)).toEqual([]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const tables = first.summary!.tables;
    expect(Object.keys(tables)).toEqual(['AuditLogs', 'SigninLogs', 'AADNonInteractiveUserSignInLogs']);
    expect(tables.AADNonInteractiveUserSignInLogs!.accepted).toBeGreaterThan(0);
    // The time range is in the request's timespan; the KQL is the bare table name (the server parses no more).
    expect(env.server.requests.every((r) => r.timespan?.includes('/') && r.table !== '' && r.prefer === 'wait=180')).toBe(true);

    // The same rows as a file export, through `sspr ingest`: the same events, whatever the column types.
    const dir = scratch();
    const file = join(dir, 'rows.json');
    writeFileSync(file, JSON.stringify([...audit, ...signins, ...Object.values(generated).flat()]));
    const fileDb = join(dir, 'file.db');
    expect((await runCli(['ingest', file, '--db', fileDb])).code).toBe(0);
    const pulled = (await storedEvents(env.db)).map(withoutRef);
    expect(pulled.length).toBe(first.summary!.accepted);
    expect(pulled).toEqual((await storedEvents(fileDb)).map(withoutRef));

    const second = await pull(env);
    expect(second.code).toBe(0);
    expect(second.summary!.accepted).toBe(0);
    expect(second.summary!.duplicates).toBeGreaterThan(0);
    expect((await storedEvents(env.db)).length).toBe(pulled.length);
  });

  it('picks up a late row inside the overlap once, and one older than the overlap only with a wider --overlap', async () => {
    const env = track(await setup());
    env.server.add(env.workspace, 'SigninLogs', [signinAt('row-on-time', Date.now() - 60 * 60_000)]);
    const first = await pull(env, ['--tables', 'SigninLogs']);
    expect(first.summary!.accepted).toBe(1);
    const checkpoint = Date.parse(first.summary!.tables.SigninLogs!.checkpoint!);

    // Arrived after the first pull, stamped before its checkpoint: 10 min (inside 30) and 40 min (outside).
    env.server.add(env.workspace, 'SigninLogs', [signinAt('late-10m', checkpoint - 10 * 60_000), signinAt('late-40m', checkpoint - 40 * 60_000)]);
    const second = await pull(env, ['--tables', 'SigninLogs']);
    expect(second.summary!.accepted).toBe(1);
    const third = await pull(env, ['--tables', 'SigninLogs']);
    expect(third.summary!.accepted).toBe(0);
    const wide = await pull(env, ['--tables', 'SigninLogs', '--overlap', '2h']);
    expect(wide.summary!.accepted).toBe(1);
    expect((await storedEvents(env.db)).map((e) => e.id).sort()).toEqual(['entra.signin:late-10m', 'entra.signin:late-40m', 'entra.signin:row-on-time']);
  });

  it('splits a partial answer and re-reads it, so no slice is stored short', async () => {
    const env = track(await setup({ maxRows: 5 }));
    const base = Date.now() - 90 * 60_000;
    env.server.add(env.workspace, 'SigninLogs', Array.from({ length: 12 }, (_, i) => signinAt(`dense-${i}`, base + i * 60_000)));
    const config = writeConfig({ slice: { initialMinutes: 120, targetRows: 2 } });
    const result = await pull(env, ['--tables', 'SigninLogs', '--since', '2h', '--config', config]);
    expect(result.code).toBe(0);
    const t = result.summary!.tables.SigninLogs!;
    expect(t.splits).toBeGreaterThan(0);
    expect(env.server.requests.some((r) => r.partial)).toBe(true);
    // Every row once and none twice: rows of a partial answer were never stored.
    expect(t.accepted).toBe(12);
    expect(t.duplicates).toBe(0);
  });

  it('fails with SOURCE_RESULT_TOO_LARGE when the shortest slice is still partial, leaving the checkpoint before it', async () => {
    const env = track(await setup({ maxRows: 5 }));
    const at = Date.now() - 30 * 60_000;
    env.server.add(env.workspace, 'SigninLogs', Array.from({ length: 6 }, (_, i) => signinAt(`same-second-${i}`, at)));
    const config = writeConfig({ slice: { initialMinutes: 60, minSeconds: 1 } });
    const result = await pull(env, ['--tables', 'SigninLogs', '--since', '1h', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sspr pull: SOURCE_RESULT_TOO_LARGE: SigninLogs');
    expect(result.summary!.tables.SigninLogs!.error?.code).toBe('SOURCE_RESULT_TOO_LARGE');
    const checkpoint = result.summary!.tables.SigninLogs!.checkpoint;
    expect(checkpoint === undefined || Date.parse(checkpoint) <= at).toBe(true);
    expect(await storedEvents(env.db)).toEqual([]);
  });

  it('backs off on 429 with Retry-After and on 503, then succeeds', async () => {
    const env = track(await setup());
    env.server.add(env.workspace, 'AuditLogs', rebase(sampleRows('auditlogs'), Date.now() - 60_000));
    env.server.fault({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'ThrottledError', message: 'Too many requests' } } });
    env.server.fault({ status: 503 });
    const config = writeConfig({ retry: { baseDelayMs: 10 } });
    const result = await pull(env, ['--tables', 'AuditLogs', '--config', config]);
    expect(result.code).toBe(0);
    expect(env.server.requests.slice(0, 3).map((r) => r.status)).toEqual([429, 503, 200]);
    expect(new Set(env.server.requests.slice(0, 3).map((r) => r.timespan)).size).toBe(1);
    const notices = result.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; status: number; retryAfterMs?: number });
    expect(notices.map((n) => [n.msg, n.status, n.retryAfterMs])).toEqual([
      ['query failed, backing off', 429, 1000],
      ['query failed, backing off', 503, undefined],
    ]);
    expect(result.summary!.accepted).toBeGreaterThan(0);
  });

  it('gives up with SOURCE_UNAVAILABLE after the bounded retries and still pulls the other tables', async () => {
    const env = track(await setup());
    env.server.add(env.workspace, 'SigninLogs', [signinAt('other-table', Date.now() - 60_000)]);
    for (let i = 0; i < 3; i += 1) env.server.fault({ status: 503, table: 'AuditLogs' });
    const config = writeConfig({ retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const result = await pull(env, ['--tables', 'AuditLogs,SigninLogs', '--config', config], { SSPR_LOG_LEVEL: 'silent' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sspr pull: SOURCE_UNAVAILABLE: AuditLogs');
    expect(result.summary!.tables.SigninLogs!.accepted).toBe(1);
  });

  it('refuses a bad token with SOURCE_AUTH_FAILED at the first request, and an expired one before any', async () => {
    const env = track(await setup());
    const bad = await pull(env, ['--tables', 'AuditLogs'], { SSPR_LA_TOKEN: 'wrong-token' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^sspr pull: SOURCE_AUTH_FAILED: the query API refused the credential \(HTTP 401\).*InvalidTokenError/m);
    expect(env.server.requests.length).toBe(1);

    const exp = Math.floor(Date.now() / 1000) - 60;
    const jwt = ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
    const expired = await pull(env, ['--tables', 'AuditLogs'], { SSPR_LA_TOKEN: jwt });
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('SOURCE_AUTH_FAILED: the access token from SSPR_LA_TOKEN expired at');
    expect(env.server.requests.length).toBe(1);

    // What `az account get-access-token` prints, in a file: the file wins over the environment.
    const file = join(scratch(), 'token.json');
    writeFileSync(file, JSON.stringify({ accessToken: TOKEN, expires_on: Math.floor(Date.now() / 1000) + 3600, tokenType: 'Bearer' }));
    const good = await pull(env, ['--tables', 'AuditLogs', '--access-token-file', file], { SSPR_LA_TOKEN: 'wrong-token' });
    expect(good.code).toBe(0);
  });

  it('reports an unknown table with SOURCE_QUERY_FAILED and rejects bad flags with exit 2', async () => {
    const env = track(await setup());
    const result = await pull(env, ['--tables', 'NoSuchTable']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SOURCE_QUERY_FAILED: NoSuchTable: the query API rejected NoSuchTable");
    expect(result.stderr).toContain("Failed to resolve table expression named 'NoSuchTable'");
    for (const args of [
      ['pull', 'log-analytics'],
      ['pull', 'elsewhere', '--workspace', 'w'],
      ['pull', 'log-analytics', '--workspace', 'w', '--endpoint', 'http://127.0.0.1:1/v1'],
      ['pull', 'log-analytics', '--workspace', 'w', '--every', '5s'],
      ['pull', 'log-analytics', '--workspace', 'w', '--follow', '--every', 'soon'],
      ['pull', 'log-analytics', '--workspace', 'w', '--tables', 'Bad Table'],
    ]) {
      const usage = await runCli([...args, '--db', env.db], { SSPR_LA_TOKEN: TOKEN });
      expect([args.join(' '), usage.code, usage.stderr.split(':')[1]]).toEqual([args.join(' '), 2, ' USAGE']);
    }
  });
});
