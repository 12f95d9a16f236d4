import { describe, expect, it } from 'vitest';
import type { SsprEvent, SsprStep } from '../../core/event.ts';
import { findingSchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import { resetSpray, type ResetSprayParams } from '../../detectors/reset-spray.ts';
import { makeEvent } from '../helpers/make-event.ts';

const BASE = Date.parse('2026-03-03T10:00:00.000Z');
const at = (minutes: number): number => BASE + minutes * 60_000;

/** One SSPR flow step for `user` from `ip`, `minutes` after 10:00. */
function step(user: string, ip: string, minutes: number, ssprStep: SsprStep): SsprEvent {
  const outcome = ['verificationFailed', 'failed', 'blocked', 'abandoned'].includes(ssprStep) ? 'failure' : 'success';
  return makeEvent({ action: 'sspr.progress', ssprStep, outcome, user, ip, at: at(minutes), correlationId: `${user}-${minutes}` });
}
const reset = (user: string, ip: string, minutes: number): SsprEvent => makeEvent({ action: 'sspr.reset', outcome: 'success', user, ip, at: at(minutes) });
const users = (n: number, prefix = 'u'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}@contoso.com`);

function run(events: readonly SsprEvent[], o: { batches?: number; lateness?: number; params?: Partial<ResetSprayParams> } = {}): Finding[] {
  const engine = createEngine({ detectors: [resetSpray], params: { 'reset-spray': { ...resetSpray.defaults, ...o.params } }, allowedLatenessMinutes: o.lateness ?? 60 });
  const merged = new Map<string, Finding>();
  const size = Math.ceil(events.length / (o.batches ?? 1)) || 1;
  for (let i = 0; i < events.length; i += size) for (const f of engine.process(events.slice(i, i + size))) merged.set(f.id, findingSchema.parse(f));
  for (const f of engine.flush()) merged.set(f.id, findingSchema.parse(f));
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** 25 users failing verification from two addresses of 198.51.100.0/24 within 25 minutes. */
const spray = (): SsprEvent[] =>
  users(25).flatMap((u, i) => [step(u, `198.51.100.${i % 2 === 0 ? 7 : 8}`, i, 'userIdSubmitted'), step(u, `198.51.100.${i % 2 === 0 ? 7 : 8}`, i + 0.5, 'verificationFailed')]);

describe('reset-spray', () => {
  it('flags one /24 making 25 users fail SSPR verification within half an hour, as one finding', () => {
    const events = spray();
    const findings = run(events);
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.key).toBe('net:198.51.100.0/24');
    expect(f.ips).toEqual(['198.51.100.7', '198.51.100.8']);
    expect(f.explanation.observed).toMatchObject({ distinctUsers: 25, unsuccessfulUsers: 25, failedGateUsers: 25 });
    expect(f.explanation.threshold).toMatchObject({ minDistinctUsers: 8, windowMinutes: 60 });
    expect(f.entities.users).toHaveLength(25);
    expect(f.evidence).toHaveLength(50);
    expect(f.firstSeen).toBe(new Date(at(0)).toISOString());
    expect(f.attack).toEqual(['T1110.003', 'T1589.002']);
    expect(f.summary).toMatch(/^Reset spray: 25 users with unsuccessful SSPR attempts from 198\.51\.100\.0\/24 \(2 IPs\)/);
  });

  it('groups IPv6 addresses of one /64 into one network', () => {
    const events = users(10).map((u, i) => step(u, `2001:db8:a:b::${(i + 1).toString(16)}`, i, 'blocked'));
    const findings = run(events);
    expect(findings.map((f) => f.key)).toEqual(['net:2001:db8:a:b::/64']);
    expect(findings[0]?.ips).toHaveLength(10);
  });

  it('keeps a continuing spray over five hours in one finding', () => {
    const events = users(150).flatMap((u, i) => [step(u, '198.51.100.7', i * 2, 'userIdSubmitted'), step(u, '198.51.100.7', i * 2 + 1, 'failed')]);
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation.observed.unsuccessfulUsers).toBe(150);
    expect(findings[0]?.severity).toBe('high');
  });

  it('catches a slow spray of one user every 40 minutes through the day', () => {
    const events = users(30).flatMap((u, i) => [step(u, '203.0.113.50', i * 40, 'userIdSubmitted'), step(u, '203.0.113.50', i * 40 + 1, 'verificationFailed')]);
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation.observed.peakWindowMinutes).toBe(1440);
  });

  it('catches a low-and-slow spray of twelve users, one every 15 minutes', () => {
    const events = users(12).flatMap((u, i) => [step(u, '203.0.113.50', i * 15, 'userIdSubmitted'), step(u, '203.0.113.50', i * 15 + 1, 'blocked')]);
    expect(run(events)).toHaveLength(1);
  });

  it('stays quiet for a household where nine people failed SSPR over a day', () => {
    const events = users(9).flatMap((u, i) => [step(u, '203.0.113.50', i * 90, 'userIdSubmitted'), step(u, '203.0.113.50', i * 90 + 1, 'verificationFailed')]);
    expect(run(events)).toEqual([]);
  });

  it('raises severity when a user of the spray then resets successfully from the same network', () => {
    const events = [...spray(), step('u3@contoso.com', '198.51.100.7', 40, 'succeeded'), reset('u3@contoso.com', '198.51.100.7', 40.2)];
    const f = run(events)[0];
    expect(f?.severity).toBe('high');
    expect(f?.explanation.observed.succeededUsers).toBe(1);
  });

  it('stays quiet for an office NAT on a Monday morning where most people reset successfully', () => {
    const office = users(60, 'office').flatMap((u, i) => {
      const ip = `192.0.2.${10 + (i % 3)}`;
      const m = i;
      if (i % 6 === 0) return [step(u, ip, m, 'userIdSubmitted'), step(u, ip, m + 3, 'abandoned')];
      if (i % 6 === 1) return [step(u, ip, m, 'userIdSubmitted'), step(u, ip, m + 1, 'verificationFailed'), step(u, ip, m + 2, 'succeeded'), reset(u, ip, m + 2.1)];
      return [step(u, ip, m, 'userIdSubmitted'), step(u, ip, m + 2, 'succeeded'), reset(u, ip, m + 2.1)];
    });
    expect(run(office)).toEqual([]);
  });

  it('stays quiet for a burst of failures from a network whose day is mostly successful resets', () => {
    const busyDay = users(80, 'day').flatMap((u, i) => [step(u, '192.0.2.10', -600 + i * 7, 'userIdSubmitted'), reset(u, '192.0.2.10', -600 + i * 7 + 2)]);
    const badHour = users(9, 'bad').map((u, i) => step(u, '192.0.2.11', i * 5, 'verificationFailed'));
    expect(run([...busyDay, ...badHour])).toEqual([]);
  });

  it('stays quiet for many users failing from many unrelated networks', () => {
    const events = users(40).map((u, i) => step(u, `100.${64 + i}.1.1`, i, 'verificationFailed'));
    expect(run(events)).toEqual([]);
  });

  it('gives the same finding for out-of-order delivery within the lateness and for any batch split', () => {
    const events = spray();
    const want = run(events);
    const shuffled = [...events].reverse();
    expect(run(shuffled, { lateness: 60, batches: 7 })).toEqual(want);
    expect(run(events, { batches: 50 })).toEqual(want);
  });

  it('still processes events that arrive after the allowed lateness, counting them as late', () => {
    const events = spray();
    const engine = createEngine({ detectors: [resetSpray], allowedLatenessMinutes: 5 });
    const onTime = events.slice(0, 40);
    const merged = new Map<string, Finding>();
    for (const f of engine.process(onTime)) merged.set(f.id, f);
    for (const f of engine.process([step('late@contoso.com', '198.51.100.7', 200, 'userIdSubmitted')])) merged.set(f.id, f);
    for (const f of engine.process(events.slice(40))) merged.set(f.id, f);
    for (const f of engine.flush()) merged.set(f.id, f);
    expect(engine.stats().late).toBeGreaterThan(0);
    const findings = [...merged.values()];
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation.observed.distinctUsers).toBeGreaterThanOrEqual(25);
  });

  it('updates the same finding on replay: same id, evidence not doubled', () => {
    const events = spray();
    const once = run(events);
    const engine = createEngine({ detectors: [resetSpray], allowedLatenessMinutes: 60 });
    const merged = new Map<string, Finding>();
    for (const f of [...engine.process(events), ...engine.process(events), ...engine.flush()]) merged.set(f.id, f);
    expect([...merged.values()]).toEqual(once);
    expect(run([...events, ...events])).toEqual(once);
  });
});
