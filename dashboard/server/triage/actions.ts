import { z } from 'zod';
import { SsprError } from '../../../core/errors.ts';
import { resolutionSchema, type TriageState } from '../../../core/finding.ts';
import type { Actor } from '../../../store/contract.ts';

/** Why a benign finding was benign: what tuning learns from (tuning/rules.ts says what each may propose). */
export const benignCauseSchema = z.enum(['corporate-vpn', 'travel', 'own-script', 'shared-device', 'other']);
export type BenignCause = z.infer<typeof benignCauseSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
const note = { comment: text(4000).optional() };
const isoInstant = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

/**
 * The body of `POST /findings/{id}/triage`, one shape per action (so a field that does not go with the action
 * is a 400, not silently ignored). Every action may carry a `comment`.
 */
export const triageInputSchema = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('acknowledge'), ...note }),
    z.strictObject({ action: z.literal('assign'), assignee: text(200), ...note }),
    z.strictObject({
      action: z.literal('resolve'),
      resolution: resolutionSchema,
      /** Required when the resolution is `benign`. */
      cause: benignCauseSchema.optional(),
      reason: text(1000).optional(),
      ...note,
    }),
    z.strictObject({ action: z.literal('reopen'), reason: text(1000).optional(), ...note }),
    z.strictObject({ action: z.literal('comment'), comment: text(4000) }),
    z.strictObject({ action: z.literal('suppress'), until: isoInstant, reason: text(1000).optional(), ...note }),
  ])
  .refine((t) => t.action !== 'resolve' || t.resolution !== 'benign' || t.cause !== undefined, {
    message: 'a benign resolution needs a cause (corporate-vpn, travel, own-script, shared-device, other)',
    path: ['cause'],
  })
  .refine((t) => t.action !== 'resolve' || t.resolution === 'benign' || t.cause === undefined, {
    message: 'a cause goes only with a benign resolution',
    path: ['cause'],
  })
  .meta({ id: 'TriageInput' });
export type TriageInput = z.infer<typeof triageInputSchema>;

const closed = (s: TriageState): boolean => s.status === 'resolved' || s.status === 'false_positive';

function conflict(message: string): never {
  throw new SsprError('CONFLICT', message);
}

/**
 * The state a triage action moves a finding to, from `current`; throws CONFLICT when the action does not apply
 * (resolving a closed finding, reopening an open one, suppressing into the past). Pure: `now` is passed in.
 */
export function nextTriageState(current: TriageState, input: TriageInput, actor: Actor, now: Date): TriageState {
  const stamp = { triagedAt: now.toISOString(), triagedBy: actor.name };
  const { resolution: _r, cause: _c, suppressedUntil: _s, triagedAt: _t, triagedBy: _b, ...kept } = current;
  switch (input.action) {
    case 'acknowledge':
      if (current.status !== 'open' && current.status !== 'suppressed') conflict(`cannot acknowledge a finding that is ${current.status}`);
      return { ...kept, status: 'acknowledged', ...stamp };
    case 'assign': {
      if (closed(current)) conflict(`cannot assign a finding that is ${current.status}; reopen it first`);
      // Taking a finding on acknowledges it; a suppressed one stays suppressed until it is due.
      const status = current.status === 'open' ? 'acknowledged' : current.status;
      return { ...current, status, assignee: input.assignee, ...stamp };
    }
    case 'resolve':
      if (closed(current)) conflict(`the finding is already ${current.status}; reopen it to change the resolution`);
      return {
        ...kept,
        status: input.resolution === 'false-positive' ? 'false_positive' : 'resolved',
        resolution: input.resolution,
        ...(input.cause !== undefined ? { cause: input.cause } : {}),
        ...stamp,
      };
    case 'reopen':
      if (current.status === 'open') conflict('the finding is already open');
      return { ...kept, status: 'open', ...stamp };
    case 'comment':
      return current;
    case 'suppress':
      if (closed(current)) conflict(`cannot suppress a finding that is ${current.status}`);
      if (Date.parse(input.until) <= now.getTime()) throw new SsprError('BAD_REQUEST', `until must be in the future, got ${input.until}`);
      return { ...kept, status: 'suppressed', suppressedUntil: input.until, ...stamp };
  }
}
