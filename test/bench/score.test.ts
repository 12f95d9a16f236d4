import { describe, expect, it } from 'vitest';
import { sentinelPasswordSpray, splunkDeniedMfa } from '../../bench/detection/baselines.ts';
import { addScores, scoreDetector, type ScoredFinding, type TruthBenign, type TruthIncident } from '../../bench/detection/score.ts';
import { makeEvent } from '../helpers/make-event.ts';

const at = (m: number): string => new Date(Date.UTC(2026, 2, 2, 10) + m * 60_000).toISOString();

/** A finding of the matcher's shape; times are minutes after 2026-03-02T10:00Z. */
function finding(detector: string, key: string, from: number, to: number, extra: Partial<ScoredFinding> = {}): ScoredFinding {
  return { detector, key, ips: [], firstSeen: at(from), lastSeen: at(to), entities: { users: [], ips: [] }, ...extra };
}


const fatigue: TruthIncident = { id: 'inc-1', detector: 'mfa-fatigue', variant: 'stop', user: 'alice@contoso.com', start: at(0), end: at(20), alsoDetectors: [] };
const spray: TruthIncident = { id: 'inc-2', detector: 'reset-spray', variant: 'fast', ip: '203.0.113.7', users: ['bob@contoso.com'], start: at(0), end: at(30), alsoDetectors: ['reset-spike'] };
const storm: TruthIncident = { id: 'inc-3', detector: 'lockout-storm', variant: 'workstation', ip: '10.0.0.5', users: ['carol@contoso.com'], start: at(0), end: at(10), alsoDetectors: [] };
const mistake: TruthBenign = { id: 'ben-1', kind: 'mfa-mistake', user: 'dave@contoso.com', start: at(0), end: at(2) };

describe('detection benchmark matching', () => {
  it('counts the first finding on an incident as a true positive and the next as a duplicate', () => {
    const r = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'user:alice@contoso.com', 5, 10, { user: 'alice@contoso.com' }), finding('mfa-fatigue', 'user:alice@contoso.com', 30, 40, { user: 'alice@contoso.com' })], [fatigue], []);
    expect(r.score).toMatchObject({ tp: 1, fp: 0, fn: 0, duplicates: 1, precision: 1, recall: 1 });
  });

  it('matches an AD account name to the UPN of a user-keyed incident', () => {
    const r = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'user:alice', 5, 6, { user: 'alice' })], [fatigue], []);
    expect(r.score.tp).toBe(1);
  });

  it('allows a time tolerance of an hour but not more', () => {
    const near = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'k', 75, 80, { user: 'alice@contoso.com' })], [fatigue], []);
    const far = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'k', 90, 95, { user: 'alice@contoso.com' })], [fatigue], []);
    expect(near.score.tp).toBe(1);
    expect(far.score).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(far.misses).toEqual([{ incident: 'inc-1', detector: 'mfa-fatigue', variant: 'stop', note: '' }]);
  });

  it('matches an IP-keyed incident through a net block, and a tenant-wide one through a tenant finding', () => {
    const net = scoreDetector('reset-spray', [finding('reset-spray', 'net:203.0.113.0/24', 0, 30)], [spray], []);
    const tenant = scoreDetector('lockout-storm', [finding('lockout-storm', 'tenant', 1, 9)], [storm], []);
    expect(net.score.tp).toBe(1);
    expect(tenant.score.tp).toBe(1);
  });

  it('neither rewards nor punishes a finding allowed by alsoDetectors, and does not require it', () => {
    const r = scoreDetector('reset-spike', [finding('reset-spike', 'ip:203.0.113.7', 0, 30, { ips: ['203.0.113.7'] })], [spray], []);
    expect(r.score).toMatchObject({ tp: 0, fp: 0, fn: 0, allowed: 1 });
  });

  it('leaves helpdesk digests out of the score', () => {
    const r = scoreDetector('lockout-storm', [finding('lockout-storm', 'helpdesk:post-reset-lockouts', 0, 0)], [], []);
    expect(r.score).toMatchObject({ tp: 0, fp: 0, informational: 1 });
  });

  it('reports a false positive on a benign look-alike by its kind', () => {
    const r = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'user:dave@contoso.com', 0, 1, { user: 'dave@contoso.com' })], [fatigue], [mistake]);
    expect(r.score).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(r.benignHits.map((h) => h.kind)).toEqual(['mfa-mistake']);
  });

  it('sums tenants before computing the rates', () => {
    const a = scoreDetector('mfa-fatigue', [finding('mfa-fatigue', 'k', 5, 6, { user: 'alice' })], [fatigue], []).score;
    const b = scoreDetector('mfa-fatigue', [], [fatigue], []).score;
    expect(addScores([a, b])).toMatchObject({ tp: 1, fn: 1, recall: 0.5, precision: 1 });
  });
});

describe('detection benchmark baselines', () => {
  it('fires the Splunk rule on ten denials in one ten-minute bucket but not on ten split across two', () => {
    const denial = (m: number) => makeEvent({ action: 'mfa.challenge', outcome: 'failure', resultCode: '500121', mfaResult: 'denied', at: at(m), user: 'alice@contoso.com' });
    expect(splunkDeniedMfa(Array.from({ length: 10 }, (_, i) => denial(i * 0.5)))).toHaveLength(1);
    expect(splunkDeniedMfa(Array.from({ length: 10 }, (_, i) => denial(5 + i)))).toHaveLength(0);
  });

  it('fires the spray rule once for five failing accounts from one IP within twenty minutes', () => {
    const fail = (m: number, u: string) => makeEvent({ action: 'sspr.reset', outcome: 'failure', at: at(m), user: u, ip: '203.0.113.7' });
    const burst = ['a', 'b', 'c', 'd', 'e', 'f'].map((u, i) => fail(i * 3, u));
    expect(sentinelPasswordSpray(burst).map((f) => f.entities.users.length)).toEqual([6]);
    expect(sentinelPasswordSpray(burst.slice(0, 4))).toHaveLength(0);
  });
});
