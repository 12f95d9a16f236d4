import { z } from 'zod';
import { SsprError } from '../../../core/errors.ts';
import { findingStatusSchema, resolutionSchema, severitySchema, triageStateSchema } from '../../../core/finding.ts';
import type { FindingCursor } from '../../../store/contract.ts';
import { none, route } from '../http/route.ts';
import { liftExpiredSuppressions, triageFinding } from '../triage/apply.ts';
import { triageInputSchema } from '../triage/actions.ts';
import { eventComponent, findingComponent } from './schemas.ts';

const finding = findingComponent;

/** `high,critical` → ['high', 'critical'], each checked against `item`. */
const list = <T extends z.ZodType<unknown, string>>(item: T, what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .pipe(z.array(item))
    .optional()
    .meta({ description: `one or more ${what}, comma-separated` });

const encodeCursor = (c: FindingCursor): string => Buffer.from(JSON.stringify([c.severity, c.lastSeen, c.id])).toString('base64url');
const cursorSchema = z
  .string()
  .transform((text, ctx): FindingCursor => {
    try {
      const [severity, lastSeen, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
      const s = severitySchema.safeParse(severity);
      if (s.success && typeof lastSeen === 'string' && typeof id === 'string') return { severity: s.data, lastSeen, id };
    } catch {
      // reported below, as for any other malformed cursor
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned (pass `next` of the previous page)' });
    return z.NEVER;
  })
  .meta({ description: 'the `next` value of the previous page' });

const idParams = z.object({ id: z.string().min(1).max(200) });

/** The short form of a related finding. */
const relatedSchema = finding.pick({ id: true, detector: true, severity: true, status: true, summary: true, firstSeen: true, lastSeen: true, retracted: true });

const detectorInfoSchema = z
  .object({ id: z.string(), title: z.string(), severity: severitySchema, attack: z.array(z.string()), falsePositives: z.array(z.string()), triage: z.string() })
  .meta({ id: 'DetectorInfo' });

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    findingId: z.string(),
    at: z.string(),
    actor: z.object({ name: z.string(), role: z.string().optional(), via: z.string() }),
    action: z.string(),
    before: triageStateSchema,
    after: triageStateSchema,
    comment: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'TriageAuditEntry' });

const findingPageSchema = z.object({ items: z.array(finding), next: z.string().nullable(), total: z.number().int() });
const findingDetailSchema = finding.extend({ events: z.array(eventComponent), detectorInfo: detectorInfoSchema.nullable(), related: z.array(relatedSchema) });
const bulkResultSchema = z.object({
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), finding: finding.optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
});
export type FindingPage = z.infer<typeof findingPageSchema>;
export type FindingDetail = z.infer<typeof findingDetailSchema>;
export type RelatedFinding = z.infer<typeof relatedSchema>;
export type DetectorInfoView = z.infer<typeof detectorInfoSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type BulkTriageResult = z.infer<typeof bulkResultSchema>;

export const findingRoutes = [
  route({
    method: 'get',
    path: '/findings',
    summary: 'The triage queue: most severe first, then most recent; filters combine, lists are "any of"',
    role: 'analyst',
    params: none,
    query: z.object({
      severity: list(severitySchema, 'severities'),
      status: list(findingStatusSchema, 'statuses'),
      detector: list(z.string().min(1), 'detector ids'),
      resolution: list(resolutionSchema, 'resolutions'),
      user: z.string().min(1).max(320).optional(),
      q: z.string().max(200).optional().meta({ description: 'text in the summary, key, user, IPs or entities, or a finding id' }),
      cursor: cursorSchema.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    body: none,
    response: findingPageSchema,
    async handler({ query }, { deps }) {
      await liftExpiredSuppressions(deps);
      const page = await deps.store.queueFindings({
        ...(query.severity ? { severities: query.severity } : {}),
        ...(query.status ? { statuses: query.status } : {}),
        ...(query.detector ? { detectors: query.detector } : {}),
        ...(query.resolution ? { resolutions: query.resolution } : {}),
        ...(query.user !== undefined ? { user: query.user } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
        ...(query.cursor !== undefined ? { after: query.cursor } : {}),
        limit: query.limit,
      });
      return { items: page.items, next: page.next === null ? null : encodeCursor(page.next), total: page.total };
    },
  }),
  route({
    method: 'get',
    path: '/findings/{id}',
    summary: 'One finding with its evidence events (time order), its detector\'s triage note and the user\'s other findings',
    role: 'analyst',
    params: idParams,
    query: none,
    body: none,
    response: findingDetailSchema,
    errors: [404],
    async handler({ params }, { deps }) {
      await liftExpiredSuppressions(deps);
      const [found] = await deps.store.getFindings([params.id]);
      if (found === undefined) throw new SsprError('NOT_FOUND', `no finding ${params.id}`);
      const events = (await deps.store.getEvents(found.evidence)).sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
      const related = found.user === undefined ? [] : (await deps.store.queueFindings({ user: found.user, limit: 21 })).items.filter((f) => f.id !== found.id).slice(0, 20);
      const info = deps.detectors.find((d) => d.id === found.detector);
      return {
        ...found,
        events,
        detectorInfo: info === undefined ? null : { ...info, attack: [...info.attack], falsePositives: [...info.falsePositives] },
        related: related.map((f) => relatedSchema.parse(f)),
      };
    },
  }),
  route({
    method: 'post',
    path: '/findings/{id}/triage',
    summary: 'Acknowledge, assign, resolve (a benign resolution needs a cause), reopen, comment or suppress; returns the updated finding',
    role: 'analyst',
    params: idParams,
    query: none,
    body: triageInputSchema,
    response: finding,
    errors: [404, 409],
    async handler({ params, body }, { deps, caller }) {
      return triageFinding(deps, params.id, body, caller.actor);
    },
  }),
  route({
    method: 'post',
    path: '/findings/triage',
    summary: 'The same triage action on several findings; each gets its own outcome',
    role: 'analyst',
    params: none,
    query: none,
    body: z.object({ ids: z.array(z.string().min(1)).min(1).max(500), triage: triageInputSchema }),
    response: bulkResultSchema,
    async handler({ body }, { deps, caller }) {
      const results = [];
      for (const id of new Set(body.ids)) {
        try {
          results.push({ id, ok: true, finding: await triageFinding(deps, id, body.triage, caller.actor) });
        } catch (error) {
          if (!(error instanceof SsprError) || !['NOT_FOUND', 'CONFLICT', 'BAD_REQUEST'].includes(error.code)) throw error;
          results.push({ id, ok: false, error: { code: error.code, message: error.message } });
        }
      }
      return { results };
    },
  }),
  route({
    method: 'get',
    path: '/findings/{id}/audit',
    summary: 'Every triage change of the finding, oldest first: who, when, action, before, after',
    role: 'analyst',
    params: idParams,
    query: none,
    body: none,
    response: z.object({ items: z.array(auditEntrySchema) }),
    errors: [404],
    async handler({ params }, { deps }) {
      const [found] = await deps.store.getFindings([params.id]);
      if (found === undefined) throw new SsprError('NOT_FOUND', `no finding ${params.id}`);
      return { items: await deps.store.listTriageAudit(params.id) };
    },
  }),
];
