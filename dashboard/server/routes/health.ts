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
const outboxStatuses = ['pending', 'held', 'digested', 'delivered', 'dead'] as const;
const alertingSchema = z.object({
  configured: z.boolean(),
  note: z.string(),
  routes: z.array(z.object({ name: z.string(), channels: z.array(z.string()), match: z.record(z.string(), z.unknown()) })),
  channels: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Alerts in the outbox by status. */
  outbox: z.object(Object.fromEntries(outboxStatuses.map((s) => [s, z.number().int()])) as Record<(typeof outboxStatuses)[number], z.ZodNumber>),
  nextDue: z.string().nullable(),
  /** The newest dead letters, with their last error. */
  deadLetters: z.array(
    z.object({ id: z.string(), channel: z.string(), route: z.string(), findingId: z.string().optional(), attempts: z.number().int(), lastAttemptAt: z.string().optional(), lastError: z.string().optional() }),
  ),
});

export const healthResponseSchema = z
  .object({
    generatedAt: z.string(),
    store: z.object({ kind: z.string() }),
    events: z.object({ total: z.number().int(), byDataset: z.record(z.string(), z.number().int()) }),
    quarantine: z.object({ total: z.number().int() }),
    /** The newest ingest of each source format, with its counts. */
    sources: z.array(runSchema),
    detection: z.object({ runs: z.array(runSchema), findings: z.object({ total: z.number().int(), open: z.number().int() }) }),
    alerting: alertingSchema,
    queues: notConfigured,
  })
  .meta({ id: 'Health' });

export const healthRoutes = [
  route({
    method: 'get',
    path: '/health',
    summary: 'Ingest per source, event and quarantine counts, detection run times, the alert outbox and dead letters, queues',
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
        alerting: {
          configured: deps.alerting !== undefined,
          note: deps.alerting !== undefined ? `${deps.alerting.routes.length} route(s) to ${deps.alerting.channels.length} channel(s); edit them in the config's alerts section` : 'alerting not configured',
          routes: deps.alerting?.routes ?? [],
          channels: deps.alerting?.channels ?? [],
          outbox: await store.countAlerts(),
          nextDue: (await store.nextAlertDue()) ?? null,
          deadLetters: (await store.listAlerts({ status: 'dead', limit: 20 })).map((a) => ({
            id: a.id,
            channel: a.channel,
            route: a.route,
            ...(a.findingId !== undefined ? { findingId: a.findingId } : {}),
            attempts: a.attempts,
            ...(a.lastAttemptAt !== undefined ? { lastAttemptAt: a.lastAttemptAt } : {}),
            ...(a.lastError !== undefined ? { lastError: a.lastError } : {}),
          })),
        },
        queues: { configured: false as const, note: 'inline pipeline (no REDIS_URL): no queues' },
      };
    },
  }),
];
export type Health = z.infer<typeof healthResponseSchema>;
