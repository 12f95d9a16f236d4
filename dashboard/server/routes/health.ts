import { z } from 'zod';
import { datasetSchema } from '../../../core/event.ts';
import { none, route } from '../http/route.ts';

const runSchema = z.object({
  seq: z.number().int(),
  kind: z.string(),
  source: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  counts: z.record(z.string(), z.number()),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const notConfigured = z.object({ configured: z.literal(false), note: z.string() });

export const healthResponseSchema = z
  .object({
    generatedAt: z.string(),
    store: z.object({ kind: z.string() }),
    events: z.object({ total: z.number().int(), byDataset: z.record(z.string(), z.number().int()) }),
    quarantine: z.object({ total: z.number().int() }),
    /** The newest ingest of each source format, with its counts. */
    sources: z.array(runSchema),
    detection: z.object({ runs: z.array(runSchema), findings: z.object({ total: z.number().int(), open: z.number().int() }) }),
    alerting: notConfigured,
    queues: notConfigured,
  })
  .meta({ id: 'Health' });

export const healthRoutes = [
  route({
    method: 'get',
    path: '/health',
    summary: 'Ingest per source, event and quarantine counts, detection run times, alerting and queues',
    role: 'analyst',
    params: none,
    query: none,
    body: none,
    response: healthResponseSchema,
    async handler(_input, { deps }) {
      const { store } = deps;
      const byDataset: Record<string, number> = {};
      for (const d of datasetSchema.options) byDataset[d] = await store.countEvents({ datasets: [d] });
      const [all, open] = await Promise.all([store.queueFindings({ limit: 0 }), store.queueFindings({ statuses: ['open'], limit: 0 })]);
      return {
        generatedAt: deps.now().toISOString(),
        store: { kind: store.kind },
        events: { total: Object.values(byDataset).reduce((a, b) => a + b, 0), byDataset },
        quarantine: { total: await store.countQuarantine() },
        sources: await store.latestRunPerSource('ingest'),
        detection: { runs: await store.listRuns('detect', 20), findings: { total: all.total, open: open.total } },
        alerting: { configured: false as const, note: 'alerting not configured' },
        queues: { configured: false as const, note: 'inline pipeline (no REDIS_URL): no queues' },
      };
    },
  }),
];
export type Health = z.infer<typeof healthResponseSchema>;
