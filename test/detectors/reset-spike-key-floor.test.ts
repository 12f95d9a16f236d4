import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { createEngine } from '../../detectors/engine.ts';
import { resetSpike } from '../../detectors/reset-spike.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { sorted } from './stream-harness.ts';

const T0 = Date.parse('2026-03-03T08:00:00.000Z');

/** `n` SSPR flows of one user from one address, ten minutes apart. */
function flows(user: string, ip: string, n: number): SsprEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const base = { user, ip, correlationId: `${user}-${i}` };
    return [
      makeEvent({ ...base, action: 'sspr.progress', ssprStep: 'userIdSubmitted', at: T0 + i * 600_000 }),
      makeEvent({ ...base, action: 'sspr.reset', outcome: 'success', at: T0 + i * 600_000 + 60_000 }),
    ];
  }).flat();
}

describe('reset-spike key floors (tuning from triage)', () => {
  const events = [...flows('svc-reset@contoso.com', '192.0.2.10', 12), ...flows('dana@contoso.com', '192.0.2.20', 12)];
  const userKeys = (params = resetSpike.defaults) => {
    const engine = createEngine({ detectors: [resetSpike], params: { [resetSpike.id]: params } });
    return [...engine.process(sorted(events)), ...engine.flush()]
      .map((f) => f.key)
      .filter((k, i, all) => k.startsWith('user:') && all.indexOf(k) === i)
      .sort();
  };

  it('flags twelve resets in a day for each of two users at the default floors', () => {
    expect(userKeys()).toEqual(['user:dana@contoso.com', 'user:svc-reset@contoso.com']);
  });

  it('stays quiet for a key whose floor was raised above its volume, and only for that key', () => {
    const params = { ...resetSpike.defaults, keyFloors: [{ key: 'user:svc-reset@contoso.com', minCount: 13 }] };
    expect(userKeys(params)).toEqual(['user:dana@contoso.com']);
  });

  it('still flags the key when its volume reaches the raised floor', () => {
    const params = { ...resetSpike.defaults, keyFloors: [{ key: 'user:svc-reset@contoso.com', minCount: 12 }] };
    expect(userKeys(params)).toEqual(['user:dana@contoso.com', 'user:svc-reset@contoso.com']);
  });
});
