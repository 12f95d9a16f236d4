import { ssprEventSchema, type SsprEvent } from '../../core/event.ts';

let counter = 0;

type EventInput = Partial<Omit<SsprEvent, 'user'>> & { user?: string | SsprEvent['user']; ip?: string; at?: string | number };

/**
 * Builds a valid SsprEvent with sensible defaults for tests:
 * `makeEvent({ action: 'mfa.challenge', outcome: 'failure', user: 'alice@contoso.com', at: '2026-03-02T03:00:00Z' })`.
 * `at` sets the timestamp (ISO or epoch ms), `ip` sets source.ip. The result is validated against the schema.
 */
export function makeEvent(input: EventInput = {}): SsprEvent {
  counter += 1;
  const { user, ip, at, ...rest } = input;
  const timestamp =
    at !== undefined ? new Date(typeof at === 'number' ? at : Date.parse(at)).toISOString() : (rest.timestamp ?? '2026-03-02T09:00:00.000Z');
  const dataset = rest.dataset ?? 'entra.audit';
  const userRef = typeof user === 'string' || user === undefined ? { name: (user ?? 'alice@contoso.com').toLowerCase() } : user;
  const event: SsprEvent = {
    id: rest.id ?? `${dataset}:test-${counter}`,
    dataset,
    action: rest.action ?? 'sspr.reset',
    outcome: rest.outcome ?? 'success',
    actor: rest.actor ?? { kind: 'self' },
    raw: rest.raw ?? { format: 'test', ref: `test:${counter}` },
    ...rest,
    timestamp,
    user: userRef,
    ...(ip !== undefined ? { source: { ...rest.source, ip } } : {}),
  };
  return ssprEventSchema.parse(event);
}
