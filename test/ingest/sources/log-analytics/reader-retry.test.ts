import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticTokenCredential } from '../../../../ingest/sources/log-analytics/credential.ts';
import { createLogsReader } from '../../../../ingest/sources/log-analytics/query.ts';
import type { RetryClock } from '../../../../ingest/sources/log-analytics/retry.ts';
import { signinAt } from '../../../helpers/la-rows.ts';
import { startLogAnalyticsServer, type LaServer } from '../../../helpers/log-analytics-server.ts';
import { makeTestCa } from '../../../helpers/test-ca.ts';

/**
 * The reader's backoff through the real LogsQueryClient against the local query-API server, with an injected
 * clock: the waits it asks for are recorded, not slept, so Retry-After values of seconds cost nothing.
 */

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const WORKSPACE = 'ws-retry';
let server: LaServer;
let ca: ReturnType<typeof makeTestCa>;

beforeAll(async () => {
  ca = makeTestCa();
  // This test process trusts the private CA the way the CLI does through NODE_EXTRA_CA_CERTS.
  setDefaultCACertificates([...getCACertificates('default'), ca.caPem]);
  server = await startLogAnalyticsServer({ ca, tokens: ['t'], workspaces: [WORKSPACE] });
  server.add(WORKSPACE, 'SigninLogs', [signinAt('r1', NOW - 60_000)]);
});
afterAll(async () => server.close());

function reader(options: { maxAttempts?: number; token?: string } = {}) {
  const waits: number[] = [];
  const clock: RetryClock = {
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => NOW,
    random: () => 0.5,
  };
  const r = createLogsReader({
    workspace: WORKSPACE,
    endpoint: server.endpoint,
    credential: staticTokenCredential({ kind: 'env', text: options.token ?? 't' }, () => NOW),
    additionalWorkspaces: [],
    serverTimeoutSeconds: 30,
    retry: { maxAttempts: options.maxAttempts ?? 6, baseDelayMs: 1000, maxDelayMs: 60_000 },
    clock,
  });
  return { read: () => r.read('SigninLogs', NOW - 3_600_000, NOW), waits };
}

describe('Log Analytics reader retries', () => {
  it('waits what Retry-After asks (seconds, HTTP date, retry-after-ms), caps it, and backs off exponentially without it', async () => {
    server.fault({ status: 429, headers: { 'retry-after': '7' } });
    server.fault({ status: 429, headers: { 'retry-after': new Date(NOW + 3000).toUTCString() } });
    server.fault({ status: 503 });
    server.fault({ status: 429, headers: { 'retry-after': '9999' } });
    server.fault({ status: 500, headers: { 'retry-after-ms': '250' } });
    const { read, waits } = reader();
    const slice = await read();
    expect(slice.complete).toBe(true);
    expect(slice.rows.map((r) => r.Id)).toEqual(['r1']);
    // Third try without a hint: 1000 ms × 2² with equal jitter at random 0.5 → 3000 ms.
    expect(waits).toEqual([7000, 3000, 3000, 60_000, 250]);
  });

  it('gives up after the last try with SOURCE_UNAVAILABLE', async () => {
    for (let i = 0; i < 3; i += 1) server.fault({ status: 502 });
    const { read, waits } = reader({ maxAttempts: 3 });
    await expect(read()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', message: expect.stringContaining('HTTP 502') });
    expect(waits).toHaveLength(2);
  });

  it('does not retry a refused credential or a rejected query', async () => {
    const bad = reader({ token: 'nope' });
    await expect(bad.read()).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED' });
    server.fault({ status: 400, body: { error: { code: 'BadArgumentError', message: 'The request had some invalid properties' } } });
    const rejected = reader();
    await expect(rejected.read()).rejects.toMatchObject({ code: 'SOURCE_QUERY_FAILED', message: expect.stringContaining('BadArgumentError') });
    expect([...bad.waits, ...rejected.waits]).toEqual([]);
  });

  it('returns the rows of a partial answer as incomplete, with the API error', async () => {
    const crowded = await startLogAnalyticsServer({ ca, tokens: ['t'], workspaces: [WORKSPACE], maxRows: 1 });
    try {
      crowded.add(WORKSPACE, 'SigninLogs', [signinAt('a', NOW - 60_000), signinAt('b', NOW - 30_000)]);
      const r = createLogsReader({
        workspace: WORKSPACE,
        endpoint: crowded.endpoint,
        credential: staticTokenCredential({ kind: 'env', text: 't' }, () => NOW),
        additionalWorkspaces: ['other-ws'],
        serverTimeoutSeconds: 30,
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        clock: { sleep: async () => {}, now: () => NOW, random: () => 0 },
      });
      const slice = await r.read('SigninLogs', NOW - 3_600_000, NOW);
      expect(slice).toMatchObject({ complete: false, partialError: expect.stringContaining('E_QUERY_RESULT_SET_TOO_LARGE') });
      expect(slice.rows).toHaveLength(1);
      expect(crowded.requests[0]).toMatchObject({ workspaces: ['other-ws'], prefer: 'wait=30' });
    } finally {
      await crowded.close();
    }
  });
});
