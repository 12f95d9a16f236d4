import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { findingSchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import { lockoutStorm } from '../../detectors/lockout-storm.ts';
import { makeEvent } from '../helpers/make-event.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const D0 = Date.parse('2026-03-02T00:00:00.000Z');
const D7 = D0 + 7 * DAY;

const sam = (i: number | string): { name: string; sam: string } => ({ name: `u${i}`, sam: `u${i}` });
const lockout = (i: number | string, t: number): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'account.lockout', user: sam(i), actor: { kind: 'system' }, device: `WS-${i}`, at: t });
const smartLockout = (i: number | string, t: number): SsprEvent =>
  makeEvent({ dataset: 'entra.signin', action: 'signin', outcome: 'failure', resultCode: '50053', user: `u${i}@contoso.com`, ip: '198.51.100.40', at: t });
const unlock = (i: number, t: number): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'account.unlock', user: sam(i), actor: { kind: 'helpdesk', name: 'hd-anna' }, at: t });
const ownReset = (i: number, t: number): SsprEvent => makeEvent({ action: 'sspr.reset', outcome: 'success', user: `u${i}@contoso.com`, at: t });
/** `n` users locked out, one every `everyMs`, from `t`. */
const storm = (t: number, n: number, everyMs = 20_000, from = 0): SsprEvent[] => Array.from({ length: n }, (_, i) => lockout(from + i, t + i * everyMs));

/** A week of ordinary business-hour lockouts: two users every five minutes, 09:00–17:00 UTC. */
function busyWeek(): SsprEvent[] {
  const out: SsprEvent[] = [];
  let k = 0;
  for (let d = 0; d < 7; d += 1) {
    for (let m = 9 * 60; m < 17 * 60; m += 5) {
      for (let j = 0; j < 2; j += 1) out.push(lockout(`b${(k += 1) % 2000}`, D0 + d * DAY + (m + j * 2) * MIN));
    }
  }
  return out;
}

function run(events: readonly SsprEvent[], o: { batches?: number; lateness?: number } = {}): Finding[] {
  const engine = createEngine({ detectors: [lockoutStorm], allowedLatenessMinutes: o.lateness ?? 30 });
  const merged = new Map<string, Finding>();
  const size = Math.ceil(events.length / (o.batches ?? 1)) || 1;
  for (let i = 0; i < events.length; i += size) for (const f of engine.process(events.slice(i, i + size))) merged.set(f.id, findingSchema.parse(f));
  for (const f of engine.flush()) merged.set(f.id, findingSchema.parse(f));
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
const storms = (findings: Finding[]): Finding[] => findings.filter((f) => f.key === 'tenant');

describe('lockout-storm', () => {
  it('flags 30 users locked out within ten minutes, with the helpdesk unlocks that followed, as one finding', () => {
    const events = [...storm(D7 + 2 * 3_600_000, 30), ...Array.from({ length: 10 }, (_, i) => unlock(i, D7 + 2 * 3_600_000 + (20 + i) * MIN))];
    const findings = run(events);
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.key).toBe('tenant');
    expect(f.severity).toBe('high');
    expect(f.explanation.observed).toMatchObject({ distinctUsers: 30, unlockedUsers: 10, downRankedLockouts: 0 });
    expect(f.evidence).toHaveLength(40);
    expect(f.attack).toEqual(['T1110', 'T1531']);
    expect(f.summary).toMatch(/^Lockout storm: 30 users locked out 02:00–02:\d\d UTC on 2026-03-09 \(peak \d+ in 15 min, threshold 10, no baseline yet\); 10 unlocked \(4767\) by hd-anna; 0 post-reset lockouts excluded$/);
  });

  it('counts a person once across Entra smart lockout and AD 4740', () => {
    const t = D7 + 3 * 3_600_000;
    const both = Array.from({ length: 9 }, (_, i) => [lockout(i, t + i * 30_000), smartLockout(i, t + i * 30_000 + 5_000)]).flat();
    expect(storms(run(both))).toEqual([]);
    const findings = storms(run([...both, smartLockout(9, t + 6 * MIN)]));
    expect(findings.map((f) => f.explanation.observed.distinctUsers)).toEqual([10]);
    expect(findings[0]?.ips).toEqual(['198.51.100.40']);
  });

  it('leaves lockouts right after the same user’s own reset out of the storm and counts them for the helpdesk', () => {
    const t = D7 + 9 * 3_600_000;
    const resets = Array.from({ length: 30 }, (_, i) => ownReset(i, t + i * MIN));
    const phones = storm(t + 40 * MIN, 30, 15_000);
    const findings = run([...resets, ...phones]);
    expect(storms(findings)).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ key: 'helpdesk:post-reset-lockouts', severity: 'low' });
    expect(findings[0]?.explanation.observed).toMatchObject({ users: 30, lockouts: 30, page: false });
  });

  it('takes a password-hash-sync echo of a helpdesk reset as the user’s reset too', () => {
    const t = D7 + 9 * 3_600_000;
    const echoes = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ action: 'password.change', user: `u${i}@contoso.com`, actor: { kind: 'sync' }, tags: ['phs-echo'], at: t + i * MIN }),
    );
    expect(storms(run([...echoes, ...storm(t + 30 * MIN, 12)]))).toEqual([]);
  });

  it('counts lockouts again once the post-reset grace has passed', () => {
    const t = D7 + 9 * 3_600_000;
    const resets = Array.from({ length: 12 }, (_, i) => ownReset(i, t + i * MIN));
    expect(storms(run([...resets, ...storm(t + 5 * 3_600_000, 12)]))).toHaveLength(1);
  });

  it('judges a business-hours window against the same time on previous days, and the night against its own quiet', () => {
    const week = busyWeek();
    expect(run(week).filter((f) => f.key === 'tenant')).toEqual([]);
    expect(storms(run([...week, ...storm(D7 + 10 * 3_600_000, 14, 30_000)]))).toEqual([]);
    const big = storms(run([...week, ...storm(D7 + 10 * 3_600_000, 40, 15_000)]));
    expect(big).toHaveLength(1);
    expect(big[0]?.explanation.baseline).toMatchObject({ baselineDays: 7 });
    expect(Number(big[0]?.explanation.threshold.judgedThreshold)).toBeGreaterThan(14);
    expect(storms(run([...week, ...storm(D7 + 2 * 3_600_000, 14, 30_000)]))).toHaveLength(1);
  });

  it('keeps a storm that goes on for two hours in one finding', () => {
    const findings = run(storm(D7 + 2 * 3_600_000, 240, 30_000));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation.observed.distinctUsers).toBe(240);
    expect(findings[0]?.evidence).toHaveLength(200);
    expect(findings[0]?.explanation.observed.evidenceEvents).toBe(240);
  });

  it('gives the same findings for out-of-order delivery within the lateness and any batch split', () => {
    const events = [...busyWeek(), ...storm(D7 + 2 * 3_600_000, 30), ...Array.from({ length: 5 }, (_, i) => unlock(i, D7 + 2 * 3_600_000 + 40 * MIN))];
    const want = run(events);
    const jittered = events.map((e, i) => ({ e, k: Date.parse(e.timestamp) + ((i * 7919) % 29) * MIN })).sort((a, b) => a.k - b.k).map((p) => p.e);
    expect(run(jittered, { batches: 23 })).toEqual(want);
    expect(run(events, { batches: 300 })).toEqual(want);
  });

  it('still processes lockouts that arrive after the allowed lateness, adding them to the open storm', () => {
    const t = D7 + 2 * 3_600_000;
    const events = storm(t, 30);
    const engine = createEngine({ detectors: [lockoutStorm], allowedLatenessMinutes: 5 });
    const merged = new Map<string, Finding>();
    for (const f of [...engine.process(events.slice(0, 25)), ...engine.process([lockout('x', t + 20 * MIN)]), ...engine.process(events.slice(25)), ...engine.flush()]) merged.set(f.id, f);
    expect(engine.stats().late).toBe(5);
    expect([...merged.values()].map((f) => f.explanation.observed.distinctUsers)).toEqual([31]);
  });

  it('updates the same finding on replay: same id, nothing doubled', () => {
    const events = [...storm(D7 + 2 * 3_600_000, 30), ...Array.from({ length: 10 }, (_, i) => unlock(i, D7 + 2 * 3_600_000 + (20 + i) * MIN))];
    const once = run(events);
    expect(run([...events, ...events])).toEqual(once);
    expect(run(events, { batches: 9 })).toEqual(once);
  });
});
