import { describe, expect, it } from 'vitest';
import type { MfaResult, SsprEvent } from '../../core/event.ts';
import { mfaFatigue, mfaFatigueParamsSchema } from '../../detectors/mfa-fatigue.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { cut, deepFreeze, runAll, runBatches, shuffleWithin, sorted, viaEngine } from './stream-harness.ts';

const BASE = Date.parse('2026-03-02T03:00:00.000Z');
const at = (minutes: number): number => BASE + minutes * 60_000;
const ATTACKER = '198.51.100.23';

let request = 0;

/** A refused MFA prompt `minutes` after 03:00; a fresh request id unless `requestId` is given. */
function refused(minutes: number, result: MfaResult = 'denied', o: { requestId?: string; user?: string; ip?: string } = {}): SsprEvent {
  request += 1;
  return makeEvent({
    dataset: 'entra.signin',
    action: 'mfa.challenge',
    outcome: 'failure',
    mfaResult: result,
    requestId: o.requestId ?? `req-${request}`,
    user: o.user ?? 'alice@contoso.com',
    at: at(minutes),
    tags: ['interactive'],
    source: { ip: o.ip ?? ATTACKER, geo: { city: 'Lagos', country: 'NG', origin: 'log' } },
  });
}

/** A successful sign-in with MFA approved (the attacker getting in, or the user's own). */
function approved(minutes: number, o: { ip?: string; tags?: string[]; mfa?: boolean } = {}): SsprEvent {
  return makeEvent({
    dataset: 'entra.signin',
    action: 'signin',
    outcome: 'success',
    ...(o.mfa === false ? {} : { mfaResult: 'approved' as const }),
    user: 'alice@contoso.com',
    at: at(minutes),
    tags: o.tags ?? ['interactive'],
    source: { ip: o.ip ?? ATTACKER },
  });
}

const denials = (n: number, everyMinutes: number, from = 0): SsprEvent[] => Array.from({ length: n }, (_, i) => refused(from + i * everyMinutes));

describe('mfa-fatigue', () => {
  it('flags eight denied pushes inside ten minutes followed by an approval', () => {
    const pushes = denials(8, 1.2);
    const approval = approved(12);
    const findings = runAll(mfaFatigue, [...pushes, approval]);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f?.severity).toBe('critical');
    expect(f?.explanation.window.start).toBe(new Date(at(0)).toISOString());
    expect(f?.explanation.observed.denials).toBe(8);
    expect(f?.explanation.observed.followUp).toBe('approval');
    expect(f?.explanation.observed.followUpFromPromptIp).toBe(true);
    expect(f?.evidence).toEqual([...pushes, approval].map((e) => e.id));
    expect(f?.attack).toEqual(['T1621', 'T1078.004']);
    expect(f?.summary).toContain('refused 8 MFA prompts');
    expect(f?.ips).toEqual([ATTACKER]);
  });

  it('raises high for five refused prompts with no follow-up', () => {
    const [f] = runAll(mfaFatigue, denials(5, 2));
    expect(f?.severity).toBe('high');
    expect(f?.attack).toEqual(['T1621']);
  });

  it('stays quiet for one mistaken denial followed by an approval', () => {
    expect(runAll(mfaFatigue, [refused(0, 'denied', { ip: '203.0.113.10' }), approved(1, { ip: '203.0.113.10' })])).toEqual([]);
  });

  it('flags a slow drip of one refused push every five minutes', () => {
    const [f] = runAll(mfaFatigue, denials(8, 5));
    expect(f?.severity).toBe('high');
    expect(f?.explanation.observed.denials).toBe(8);
  });

  it('stays quiet while no thirty-minute window holds five refusals', () => {
    expect(runAll(mfaFatigue, denials(8, 8))).toEqual([]);
    expect(runAll(mfaFatigue, denials(4, 1))).toEqual([]);
  });

  it('counts a retried push once: rows sharing a request id are one prompt', () => {
    const retried = [0, 1, 2, 3].flatMap((m) => [refused(m, 'denied', { requestId: `push-${m}` }), refused(m + 0.1, 'timeout', { requestId: `push-${m}` })]);
    expect(runAll(mfaFatigue, retried)).toEqual([]);
    const [f] = runAll(mfaFatigue, [...retried, refused(5)]);
    expect(f?.explanation.observed.denials).toBe(5);
  });

  it('counts every refusal wording the parsers map', () => {
    const results: MfaResult[] = ['denied', 'timeout', 'wrongNumber', 'duplicate', 'other'];
    const [f] = runAll(mfaFatigue, results.map((r, i) => refused(i, r)));
    expect(f?.explanation.observed).toMatchObject({ denials: 5, denied: 1, timeout: 1, wrongNumber: 1, duplicate: 1, other: 1 });
  });

  it('raises critical at once on a fraud report', () => {
    const report = refused(0, 'fraud');
    const [f] = runAll(mfaFatigue, [report]);
    expect(f?.severity).toBe('critical');
    expect(f?.explanation.observed.fraudReported).toBe(true);
    expect(f?.evidence).toEqual([report.id]);
  });

  it('updates one finding as the burst goes on: later refusals, then the approval, same id', () => {
    const first = runAll(mfaFatigue, denials(5, 1));
    const longer = runAll(mfaFatigue, [...denials(5, 1), ...denials(20, 1.5, 6)]);
    const approvedLater = runAll(mfaFatigue, [...denials(5, 1), ...denials(20, 1.5, 6), approved(60)]);
    expect(longer).toHaveLength(1);
    expect(approvedLater).toHaveLength(1);
    expect(longer[0]?.id).toBe(first[0]?.id);
    expect(approvedLater[0]?.id).toBe(first[0]?.id);
    expect(longer[0]?.explanation.observed.denials).toBe(25);
    expect(approvedLater[0]?.severity).toBe('critical');
  });

  it('does not escalate on the user’s own sign-in from elsewhere after the prompts stop', () => {
    const own = approved(40, { ip: '203.0.113.10', mfa: false });
    expect(runAll(mfaFatigue, [...denials(6, 1), own])[0]?.severity).toBe('high');
    const attackerIn = approved(40, { mfa: false });
    expect(runAll(mfaFatigue, [...denials(6, 1), attackerIn])[0]?.explanation.observed.followUp).toBe('signin');
  });

  it('does not escalate on token refreshes or on an approval after the follow-up window', () => {
    const refresh = approved(15, { tags: ['noninteractive'], mfa: false, ip: '203.0.113.10' });
    expect(runAll(mfaFatigue, [...denials(6, 1), refresh])[0]?.severity).toBe('high');
    expect(runAll(mfaFatigue, [...denials(6, 1), approved(5 + 61)])[0]?.severity).toBe('high');
  });

  it('escalates on an SSPR reset after the burst', () => {
    const reset = makeEvent({ action: 'sspr.reset', outcome: 'success', user: 'alice@contoso.com', at: at(20) });
    const [f] = runAll(mfaFatigue, [...denials(6, 1), reset]);
    expect(f?.severity).toBe('critical');
    expect(f?.explanation.observed.followUp).toBe('reset');
  });

  it('keeps users apart', () => {
    const bob = Array.from({ length: 4 }, (_, i) => refused(i, 'denied', { user: 'bob@contoso.com' }));
    const alice = Array.from({ length: 4 }, (_, i) => refused(i, 'denied'));
    expect(runAll(mfaFatigue, [...bob, ...alice])).toEqual([]);
  });

  it('honours overridden thresholds', () => {
    const strict = mfaFatigueParamsSchema.parse({ ...mfaFatigue.defaults, minDenials: 10 });
    expect(runAll(mfaFatigue, denials(8, 1), strict)).toEqual([]);
    expect(mfaFatigueParamsSchema.safeParse({ ...mfaFatigue.defaults, denialResults: ['approved'] }).success).toBe(false);
  });

  it('gives the same findings and ids when the same events are replayed with fresh state, or delivered again late', () => {
    const events = [...denials(8, 1), approved(12), refused(300, 'fraud')];
    const once = runAll(mfaFatigue, events);
    expect(once).toHaveLength(2);
    expect(runAll(mfaFatigue, events)).toEqual(once);
    expect(runBatches(mfaFatigue, [sorted(events), sorted(events)]).findings).toEqual(once);
  });

  it('gives the same final findings whatever the batch boundaries, with the state JSON round-tripped mid-stream', () => {
    const events = [...denials(8, 1), approved(12), ...denials(5, 0.5, 200), refused(300, 'fraud')];
    const whole = runAll(mfaFatigue, events);
    expect(whole).toHaveLength(3);
    for (let k = 1; k < events.length; k += 1) {
      expect(runBatches(mfaFatigue, cut(events, [k])).findings).toEqual(whole);
      expect(runBatches(mfaFatigue, cut(events, [k]), undefined, { roundTrip: true }).findings).toEqual(whole);
    }
  });

  it('gives the same findings for late and out-of-order arrivals within the engine lateness', () => {
    const events = [...denials(8, 1), approved(12), ...denials(5, 0.5, 200), refused(300, 'fraud')];
    const expected = runAll(mfaFatigue, events);
    for (const seed of [4, 5, 6]) expect(viaEngine(mfaFatigue, shuffleWithin(events, 20, seed), 3, 30)).toEqual(expected);
  });

  it('does not mutate its input state or events', () => {
    const events = deepFreeze(sorted([...denials(6, 1), approved(10)]));
    const first = mfaFatigue.step(mfaFatigue.initialState(mfaFatigue.defaults), events.slice(0, 5), mfaFatigue.defaults, { watermark: 0, final: false });
    const frozen = deepFreeze(first.state);
    const snapshot = JSON.stringify(frozen);
    const next = mfaFatigue.step(frozen, events.slice(5), mfaFatigue.defaults, { watermark: 0, final: false });
    expect(next.findings[0]?.severity).toBe('critical');
    expect(JSON.stringify(frozen)).toBe(snapshot);
  });

  it('forgets users whose refusals and bursts are past the window', () => {
    const many = Array.from({ length: 100 }, (_, i) => refused(i * 0.1, 'denied', { user: `user${i}@contoso.com` }));
    const { state } = runBatches(mfaFatigue, [sorted(many), [refused(24 * 60, 'denied', { user: 'zoe@contoso.com' })]]);
    expect(state.users.n).toBe(1);
  });
});
