import { z } from 'zod';
import type { SsprEvent } from '../../../core/event.ts';
import { none, route } from '../http/route.ts';
import { eventComponent, findingComponent, instantQuery } from './schemas.ts';

const timelineSchema = z.object({ user: z.string(), events: z.array(eventComponent), truncated: z.boolean(), findings: z.array(findingComponent) });
export type Timeline = z.infer<typeof timelineSchema>;

export const userRoutes = [
  route({
    method: 'get',
    path: '/users/{upn}/timeline',
    summary: "A user's events in time order ([from, to), at most `limit`) and their findings",
    role: 'analyst',
    params: z.object({ upn: z.string().min(1).max(320) }),
    query: z.object({ from: instantQuery, to: instantQuery, limit: z.coerce.number().int().min(1).max(5000).default(500) }),
    body: none,
    response: timelineSchema,
    async handler({ params, query }, { deps }) {
      const user = params.upn.toLowerCase();
      const events: SsprEvent[] = [];
      for await (const e of deps.store.queryEvents({ user, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), limit: query.limit + 1 })) events.push(e);
      const { items } = await deps.store.queueFindings({ user, limit: 200 });
      return { user, events: events.slice(0, query.limit), truncated: events.length > query.limit, findings: items };
    },
  }),
];
