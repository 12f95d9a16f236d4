import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SsprEvent } from '../../core/event.ts';
import { SsprError } from '../../core/errors.ts';
import type { Finding } from '../../core/finding.ts';
import { resolveDetectors } from '../../detectors/config.ts';
import { createEngine } from '../../detectors/engine.ts';
import { findingId } from '../../detectors/finding-id.ts';
import { detectors } from '../../detectors/registry.ts';
import type { Detector, StepContext } from '../../detectors/types.ts';
import { makeEvent } from '../helpers/make-event.ts';

const BASE = Date.parse('2026-03-03T09:00:00.000Z');
const ev = (minutes: number, id?: string): SsprEvent => makeEvent({ at: BASE + minutes * 60_000, ...(id ? { id: `entra.audit:${id}` } : {}) });

interface Call {
  ids: string[];
  ctx: StepContext;
}

/** A detector that records what it is given and emits one finding per event, keyed on the event id. */
function recorder(calls: Call[], emitTwice = false): Detector<{ tag: string }, { version: 1; seen: number }> {
  const finding = (e: SsprEvent, summary: string): Finding => ({
    id: findingId('recorder', `user:${e.id}`, e.timestamp),
    detector: 'recorder',
    key: `user:${e.id}`,
    severity: 'low',
    status: 'open',
    ips: [],
    firstSeen: e.timestamp,
    lastSeen: e.timestamp,
    summary,
    explanation: { window: { start: e.timestamp, end: e.timestamp }, threshold: {}, baseline: {}, observed: {}, text: summary },
    evidence: [e.id],
    attack: ['T1098'],
    entities: { users: [], ips: [], locations: [] },
  });
  return {
    id: 'recorder',
    meta: { title: 'Recorder', severity: 'low', attack: ['T1098'], falsePositives: ['test'], triage: 'test detector' },
    paramsSchema: z.strictObject({ tag: z.string() }),
    defaults: { tag: 'x' },
    initialState: () => ({ version: 1, seen: 0 }),
    step(state, events, _params, ctx) {
      calls.push({ ids: events.map((e) => e.id), ctx });
      const findings = events.flatMap((e) => (emitTwice ? [finding(e, 'first'), finding(e, 'second')] : [finding(e, `seen ${state.seen + 1}`)]));
      return { state: { version: 1, seen: state.seen + events.length }, findings };
    },
  };
}

describe('createEngine', () => {
  it('releases events in (timestamp, id) order once the watermark passes them, whatever the arrival order', () => {
    const calls: Call[] = [];
    const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 10 });
    engine.process([ev(5, 'b'), ev(0, 'c'), ev(5, 'a')]);
    expect(calls.flatMap((c) => c.ids)).toEqual([]);
    engine.process([ev(16, 'd')]);
    expect(calls.flatMap((c) => c.ids)).toEqual(['entra.audit:c', 'entra.audit:a', 'entra.audit:b']);
    expect(calls.at(-1)?.ctx.watermark).toBe(BASE + 6 * 60_000);
    expect(calls.at(-1)?.ctx.final).toBe(false);
    engine.flush();
    expect(calls.at(-1)?.ids).toEqual(['entra.audit:d']);
    expect(calls.at(-1)?.ctx).toMatchObject({ final: true, watermark: Number.POSITIVE_INFINITY });
  });

  it('merges each batch into the buffer: any split and any shuffle within the lateness release one (timestamp, id) order', () => {
    // Events on a coarse clock (many share a timestamp), shuffled within a 10-minute lateness, in random batches.
    let seed = 7;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const sorted: SsprEvent[] = [];
    for (let i = 0; i < 400; i += 1) sorted.push(ev(Math.floor(i / 7), `e${String(Math.floor(rand() * 1e6)).padStart(6, '0')}-${i}`));
    const expected = [...sorted].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.id < b.id ? -1 : 1)).map((e) => e.id);
    for (let round = 0; round < 5; round += 1) {
      // Shuffle by jittering each event's position by less than the lateness (in events: 7 per minute).
      const arrival = sorted.map((e, i) => ({ e, k: i + rand() * 60 })).sort((a, b) => a.k - b.k).map((x) => x.e);
      const calls: Call[] = [];
      const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 10 });
      for (let i = 0; i < arrival.length; ) {
        const n = 1 + Math.floor(rand() * 40);
        engine.process(arrival.slice(i, i + n));
        i += n;
      }
      engine.flush();
      expect(engine.stats().late).toBe(0);
      expect(calls.flatMap((c) => c.ids)).toEqual(expected);
    }
  });

  it('hands each event its epoch ms in ctx.times', () => {
    const calls: Call[] = [];
    const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 0 });
    engine.process([ev(0, 'a'), ev(2, 'b')]);
    expect(calls[0]?.ctx.times).toEqual([BASE, BASE + 120_000]);
  });

  it('steps the detectors when the watermark advances even if no event is released, so windows can close', () => {
    const calls: Call[] = [];
    const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 30 });
    engine.process([ev(0, 'a')]);
    engine.process([ev(10, 'b')]);
    expect(calls.map((c) => c.ids.length)).toEqual([0, 0]);
    expect(calls.map((c) => c.ctx.watermark)).toEqual([BASE - 30 * 60_000, BASE - 20 * 60_000]);
  });

  it('processes an event behind the watermark at once and counts it as late', () => {
    const calls: Call[] = [];
    const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 5 });
    engine.process([ev(0, 'a'), ev(60, 'b')]);
    const findings = engine.process([ev(10, 'late')]);
    expect(calls.at(-1)?.ids).toEqual(['entra.audit:late']);
    expect(findings.map((f) => f.evidence[0])).toEqual(['entra.audit:late']);
    expect(engine.stats()).toMatchObject({ eventsIn: 3, late: 1, released: 2, duplicates: 0 });
  });

  it('drops a re-delivered event id within the dedupe horizon and counts it', () => {
    const calls: Call[] = [];
    const engine = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 5, dedupeMinutes: 60 });
    engine.process([ev(0, 'a'), ev(1, 'b')]);
    engine.process([ev(0, 'a'), ev(30, 'c')]);
    engine.process([ev(1, 'b')]);
    engine.flush();
    expect(calls.flatMap((c) => c.ids).sort()).toEqual(['entra.audit:a', 'entra.audit:b', 'entra.audit:c']);
    expect(engine.stats()).toMatchObject({ eventsIn: 5, duplicates: 2, released: 3 });
  });

  it('merges findings with the same id within a call: the later version wins', () => {
    const engine = createEngine({ detectors: [recorder([], true)], allowedLatenessMinutes: 0 });
    const findings = engine.process([ev(0, 'a')]);
    expect(findings.map((f) => f.summary)).toEqual(['second']);
    expect(engine.stats().findings).toBe(1);
  });

  it('snapshots plain versioned JSON and resumes from it: buffer, dedupe memory and detector state', () => {
    const calls: Call[] = [];
    const a = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 10 });
    a.process([ev(0, 'a'), ev(20, 'b')]);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as unknown;
    expect(snap).toMatchObject({ version: 1, buffer: [{ id: 'entra.audit:b' }], detectors: { recorder: { version: 1, seen: 1 } } });
    const b = createEngine({ detectors: [recorder(calls)], allowedLatenessMinutes: 10 });
    b.restore(snap);
    b.process([ev(20, 'b'), ev(0, 'a')]);
    const findings = b.flush();
    expect(findings.map((f) => f.summary)).toEqual(['seen 2']);
    expect(b.stats()).toMatchObject({ eventsIn: 4, duplicates: 2, released: 2 });
  });

  it('refuses a malformed snapshot and a detector state of another version', () => {
    const engine = createEngine({ detectors: [recorder([])] });
    const good = engine.snapshot();
    expect(() => engine.restore({ ...good, buffer: [{ id: 1 }] })).toThrow(expect.objectContaining({ code: 'DETECTOR_STATE_INVALID' }) as Error);
    expect(() => engine.restore({ ...good, detectors: { recorder: { version: 2 } } })).toThrow(/version 2, expected 1/);
  });

  it('refuses params that fail a detector schema, naming the field', () => {
    const run = (): unknown => createEngine({ detectors: [recorder([])], params: { recorder: { tag: 3 } } });
    expect(run).toThrow(SsprError);
    expect(run).toThrow(/detectors\.recorder\.tag/);
  });

  it('runs every registered detector over one stream and returns findings sorted by first seen', () => {
    const engine = createEngine({ detectors, allowedLatenessMinutes: 60 });
    const burst = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ action: 'sspr.progress', ssprStep: 'verificationFailed', outcome: 'failure', user: `u${i}@contoso.com`, ip: '203.0.113.9', at: BASE + i * 60_000 }),
    );
    const findings = [...engine.process(burst), ...engine.flush()];
    expect(findings.map((f) => f.detector)).toContain('reset-spray');
    expect(findings.map((f) => f.firstSeen)).toEqual([...findings.map((f) => f.firstSeen)].sort());
  });
});

describe('resolveDetectors', () => {
  it('enables every registered detector with its defaults when the config says nothing', () => {
    const resolved = resolveDetectors({});
    expect(resolved.detectors.map((d) => d.id)).toEqual(detectors.map((d) => d.id));
    for (const d of detectors) expect(resolved.params[d.id]).toEqual(d.defaults);
  });

  it('merges overrides into the defaults field by field and drops disabled detectors', () => {
    const resolved = resolveDetectors({
      detectors: {
        'reset-spike': { scopes: { user: { minCount: 9 } } },
        'privileged-reset': { privilegedUsers: ['adm-root@contoso.com'] },
        'lockout-storm': { enabled: false },
      },
    });
    expect(resolved.detectors.map((d) => d.id)).not.toContain('lockout-storm');
    expect(resolved.params['reset-spike']).toMatchObject({ scopes: { user: { minCount: 9, windowHours: 24 }, tenant: { minCount: 10 } } });
    expect(resolved.params['privileged-reset']).toMatchObject({ privilegedUsers: ['adm-root@contoso.com'], writebackMatchMinutes: 10 });
  });

  it('reports every bad field at once with its path and the DETECTOR_PARAMS_INVALID code', () => {
    let caught: unknown;
    try {
      resolveDetectors({
        detectors: {
          'reset-spray': { minDistinctUsers: 'ten', minDistinctUser: 4 },
          'reset-spike': { enabled: 'yes', scopes: { ip: { minRatio: 0 } } },
          'no-such-detector': {},
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SsprError);
    const error = caught as SsprError;
    expect(error.code).toBe('DETECTOR_PARAMS_INVALID');
    const paths = (error.details as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual([
      'detectors.no-such-detector',
      'detectors.reset-spike.enabled',
      'detectors.reset-spike.scopes.ip.minRatio',
      'detectors.reset-spray.minDistinctUser',
      'detectors.reset-spray.minDistinctUsers',
    ]);
    expect(error.message).toContain('detectors.reset-spray.minDistinctUsers');
  });

  it('feeds createEngine directly', () => {
    const engine = createEngine({ ...resolveDetectors({ detectors: { 'reset-spray': { minDistinctUsers: 3 } } }), allowedLatenessMinutes: 5 });
    expect(engine.snapshot().detectors['reset-spray']).toMatchObject({ version: 1 });
  });
});
