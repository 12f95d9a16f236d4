import { expect, it } from 'vitest';
import { writeCheckpoint } from '../../ingest/sources/log-analytics/checkpoint.ts';
import { pipelineStatus } from '../../pipeline/status.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

it('reports a table pulled from two workspaces by its oldest checkpoint and largest lag, with each workspace beside', async () => {
  const store = new SqliteStore(':memory:');
  const now = Date.parse('2026-03-02T12:00:00.000Z');
  const base = { v: 1 as const, table: 'SigninLogs', sliceMs: 3_600_000 };
  await writeCheckpoint(store, { ...base, workspace: 'eu', checkpoint: '2026-03-02T11:59:00.000Z', newestEvent: '2026-03-02T11:50:00.000Z', pulledAt: '2026-03-02T11:59:01.000Z' });
  await writeCheckpoint(store, { ...base, workspace: 'us', checkpoint: '2026-03-02T11:00:00.000Z', pulledAt: '2026-03-02T11:00:02.000Z' });
  await store.setCheckpoint('source:log-analytics:broken/AuditLogs', 'not json');
  const status = await pipelineStatus(store, now);
  expect(status).toEqual({
    asOf: '2026-03-02T12:00:00.000Z',
    sources: {
      SigninLogs: {
        checkpoint: '2026-03-02T11:00:00.000Z',
        lagSeconds: 3600,
        newestEvent: '2026-03-02T11:50:00.000Z',
        lastPullAt: '2026-03-02T11:59:01.000Z',
        workspaces: {
          eu: { source: 'log-analytics:eu/SigninLogs', checkpoint: '2026-03-02T11:59:00.000Z', lagSeconds: 60, newestEvent: '2026-03-02T11:50:00.000Z', lastPullAt: '2026-03-02T11:59:01.000Z' },
          us: { source: 'log-analytics:us/SigninLogs', checkpoint: '2026-03-02T11:00:00.000Z', lagSeconds: 3600, lastPullAt: '2026-03-02T11:00:02.000Z' },
        },
      },
    },
  });
  await store.close();
});
