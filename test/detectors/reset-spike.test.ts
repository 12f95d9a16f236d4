import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { findingSchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import { resetSpike } from '../../detectors/reset-spike.ts';
import { makeEvent } from '../helpers/make-event.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK0 = Date.parse('2026-02-09T00:00:00.000Z'); // a Monday
const TUESDAY = WEEK0 + 22 * DAY; // Tuesday 2026-03-03, after three weeks of history
const MONDAY = WEEK0 + 21 * DAY;

let seq = 0;
/** One SSPR flow: "User submitted their user ID", then the reset record (or an abandon), sharing a correlation id. */
function flow(user: string, ip: string, t: number, outcome: 'success' | 'blocked' | 'failure' | 'abandoned' = 'success'): SsprEvent[] {
  seq += 1;
  const base = { user, ip, correlationId: `flow-${seq}` };
  const first = makeEvent({ ...base, action: 'sspr.progress', ssprStep: 'userIdSubmitted', at: t });
  if (outcome === 'abandoned') return [first, makeEvent({ ...base, action: 'sspr.progress', ssprStep: 'abandoned', outcome: 'failure', at: t + 240_000 })];
  return [first, makeEvent({ ...base, action: 'sspr.reset', outcome, at: t + 150_000 })];
}

/** Three weeks of normal life: 12 flows an hour on weekdays 09–17 UTC, 2 an hour in the evening, none at night. */
function history(): SsprEvent[] {
  let x = 12345;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: SsprEvent[] = [];
  for (let d = 0; d < 21; d += 1) {
    const day = WEEK0 + d * DAY;
    if (d % 7 >= 5) continue;
    for (let h = 9; h < 21; h += 1) {
      const n = h < 18 ? 12 : 2;
      for (let k = 0; k < n; k += 1) {
        const u = Math.floor(rnd() * 500);
        const ip = rnd() < 0.6 ? `192.0.2.${10 + (u % 3)}` : `172.16.${u % 250}.${1 + Math.floor(u / 250)}`;
        out.push(...flow(`user${u}@contoso.com`, ip, day + h * HOUR + Math.floor(rnd() * 50) * 60_000, rnd() < 0.85 ? 'success' : 'abandoned'));
      }
    }
  }
  return out;
}
const HISTORY = history();

/** `n` flows from `n` different users and networks, spread over the hour starting at `t`. */
const burst = (t: number, n: number, outcome: (i: number) => 'success' | 'blocked' | 'failure' = (i) => (i % 5 === 0 ? 'failure' : 'blocked')): SsprEvent[] =>
  Array.from({ length: n }, (_, i) => flow(`victim${i}@contoso.com`, `100.${64 + (i % 60)}.${i}.9`, t + Math.floor((i * 58 * 60_000) / n), outcome(i))).flat();

function run(events: readonly SsprEvent[], o: { batches?: number; lateness?: number } = {}): Finding[] {
  const engine = createEngine({ detectors: [resetSpike], allowedLatenessMinutes: o.lateness ?? 60 });
  const merged = new Map<string, Finding>();
  const size = Math.ceil(events.length / (o.batches ?? 1)) || 1;
  for (let i = 0; i < events.length; i += size) for (const f of engine.process(events.slice(i, i + size))) merged.set(f.id, findingSchema.parse(f));
  for (const f of engine.flush()) merged.set(f.id, findingSchema.parse(f));
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('reset-spike', () => {
  it('stays quiet through three weeks of normal SSPR life', () => {
    expect(run(HISTORY)).toEqual([]);
  });

  it('flags a burst of 46 mostly blocked attempts at 3 a.m. against the Tuesday 03:00 baseline', () => {
    const findings = run([...HISTORY, ...burst(TUESDAY + 3 * HOUR, 46)]);
    expect(findings.map((f) => f.key)).toEqual(['tenant']);
    const f = findings[0] as Finding;
    expect(f.summary).toMatch(/^Reset spike \(tenant\): 46 SSPR reset attempts 03:00–04:00 UTC on 2026-03-03, against a Tuesday 03:00 baseline of median 0/);
    expect(f.explanation.window).toEqual({ start: '2026-03-03T03:00:00.000Z', end: '2026-03-03T04:00:00.000Z' });
    expect(f.explanation.observed).toMatchObject({ attempts: 46, failedOrBlocked: 46, succeeded: 0 });
    expect(f.explanation.baseline).toMatchObject({ median: 0, periodHours: 168 });
    expect(f.explanation.threshold).toMatchObject({ judgedThreshold: 10, coldStart: false });
    expect(f.severity).toBe('high');
    expect(f.evidence).toHaveLength(92);
    expect(f.entities.users).toHaveLength(46);
  });

  it('merges a burst that goes on for three hours into one finding', () => {
    const events = [...HISTORY, ...burst(TUESDAY + 3 * HOUR, 40), ...burst(TUESDAY + 4 * HOUR, 40), ...burst(TUESDAY + 5 * HOUR, 40)];
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation.window).toEqual({ start: '2026-03-03T03:00:00.000Z', end: '2026-03-03T06:00:00.000Z' });
    expect(findings[0]?.explanation.observed.attempts).toBe(120);
    expect(findings[0]?.evidence).toHaveLength(200);
    expect(findings[0]?.explanation.observed.evidenceEvents).toBe(240);
  });

  it('flags a 10x burst at 3 a.m. even when every reset succeeds', () => {
    const findings = run([...HISTORY, ...burst(TUESDAY + 3 * HOUR, 30, () => 'success')]);
    expect(findings.map((f) => f.key)).toEqual(['tenant']);
    expect(findings[0]?.explanation.threshold).toMatchObject({ benignWave: true, judgedThreshold: 20 });
  });

  it('stays quiet for a Monday-morning expiry wave of four times the usual, mostly successful resets', () => {
    const wave = Array.from({ length: 48 }, (_, i) => flow(`user${i * 7}@contoso.com`, `192.0.2.${10 + (i % 3)}`, MONDAY + 9 * HOUR + i * 70_000, i % 10 === 0 ? 'abandoned' : 'success')).flat();
    expect(run([...HISTORY, ...wave])).toEqual([]);
  });

  it('stays quiet for helpdesk bulk resets of new hires', () => {
    const newHires = Array.from({ length: 35 }, (_, i) =>
      makeEvent({ action: 'password.reset', actor: { kind: 'helpdesk', name: 'hd-anna' }, user: `newhire${i}@contoso.com`, at: MONDAY + 10 * HOUR + i * 60_000 }),
    );
    expect(run([...HISTORY, ...newHires])).toEqual([]);
  });

  it('flags one user trying to reset eight times in an afternoon as a user spike, not a tenant one', () => {
    const user = Array.from({ length: 8 }, (_, i) => flow('target@contoso.com', `172.16.9.${i + 1}`, TUESDAY + 13 * HOUR + i * 20 * 60_000, 'blocked')).flat();
    const findings = run([...HISTORY, ...user]);
    expect(findings.map((f) => f.key)).toEqual(['user:target@contoso.com']);
    expect(findings[0]?.user).toBe('target@contoso.com');
    expect(findings[0]?.summary).toContain('same 24 h on previous days');
  });

  it('flags one address driving 40 resets at night as an IP spike and leaves the tenant view quiet', () => {
    const fromOne = Array.from({ length: 40 }, (_, i) => flow(`victim${i}@contoso.com`, '203.0.113.66', TUESDAY + 2 * HOUR + i * 80_000, 'blocked')).flat();
    const findings = run([...HISTORY, ...fromOne]);
    expect(findings.map((f) => f.key)).toEqual(['ip:203.0.113.66']);
  });

  it('flags a burst of 26 attempts from one address straddling an hour boundary, 13 either side of 03:00', () => {
    // Mostly successful, so the threshold is 20 (floor 10, doubled): neither clock hour alone (13) reaches it, the
    // sliding window 02:40–03:40 (all 26) does. Judged per clock hour this burst was missed.
    const straddle = Array.from({ length: 26 }, (_, i) => flow(`victim${i}@contoso.com`, '203.0.113.77', TUESDAY + 3 * HOUR - 16 * 60_000 + i * 75_000, 'success')).flat();
    const findings = run([...HISTORY, ...straddle]);
    expect(findings.map((f) => f.key)).toEqual(['ip:203.0.113.77']);
    const f = findings[0] as Finding;
    expect(f.explanation.observed).toMatchObject({ attempts: 26, peakAttempts: 26 });
    expect(f.explanation.window.start).toBe('2026-03-03T02:40:00.000Z');
    expect(f.explanation.threshold).toMatchObject({ benignWave: true, judgedThreshold: 20, windowHours: 1 });
    expect(run([...HISTORY, ...straddle], { batches: 29 })).toEqual(findings);
  });

  it('stays quiet for a steady 26 attempts an hour from one address at the same time every day', () => {
    // Every day of the three weeks and the Tuesday after: 26 flows from 02:44 to 03:17, the same hourly volume as the burst above.
    const steady = Array.from({ length: 22 }, (_, d) =>
      Array.from({ length: 26 }, (_, i) => flow(`kiosk${i}@contoso.com`, '198.51.100.5', WEEK0 + d * DAY + 3 * HOUR - 16 * 60_000 + i * 75_000, 'success')).flat(),
    ).flat();
    const findings = run([...HISTORY, ...steady].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)));
    expect(findings.filter((f) => f.key === 'ip:198.51.100.5' || f.key === 'tenant')).toEqual([]);
  });

  it('judges against a cold-start floor while there is no history', () => {
    expect(run(burst(TUESDAY + 3 * HOUR, 25))).toEqual([]);
    const f = run(burst(TUESDAY + 3 * HOUR, 40))[0];
    expect(f?.summary).toContain('no Tuesday 03:00 baseline yet (cold-start floor 30)');
  });

  it('gives the same findings for out-of-order delivery within the lateness and any batch split', () => {
    const events = [...HISTORY, ...burst(TUESDAY + 3 * HOUR, 46)];
    const want = run(events);
    const jittered = events.map((e, i) => ({ e, k: Date.parse(e.timestamp) + ((i * 7919) % 50) * 60_000 })).sort((a, b) => a.k - b.k).map((p) => p.e);
    expect(run(jittered, { batches: 37 })).toEqual(want);
    expect(run(events, { batches: 400 })).toEqual(want);
  });

  it('still processes attempts that arrive hours late, counting them as late without a second finding', () => {
    const attack = burst(TUESDAY + 3 * HOUR, 46);
    const engine = createEngine({ detectors: [resetSpike], allowedLatenessMinutes: 10 });
    const merged = new Map<string, Finding>();
    for (const f of [...engine.process([...HISTORY, ...attack.slice(0, 60)]), ...engine.process(flow('x@contoso.com', '192.0.2.10', TUESDAY + 9 * HOUR))]) merged.set(f.id, f);
    for (const f of [...engine.process(attack.slice(60)), ...engine.flush()]) merged.set(f.id, f);
    expect(engine.stats().late).toBe(32);
    expect([...merged.values()].map((f) => f.key)).toEqual(['tenant']);
  });

  it('updates the same finding on replay: same id, attempts and evidence not doubled', () => {
    const events = [...HISTORY, ...burst(TUESDAY + 3 * HOUR, 46)];
    const once = run(events);
    expect(run([...events, ...burst(TUESDAY + 3 * HOUR, 0), ...events.slice(-92)])).toEqual(once);
    expect(run(events, { batches: 13 })).toEqual(once);
  });
});
