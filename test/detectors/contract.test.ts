import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { findingSchema, severitySchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import { findingId } from '../../detectors/finding-id.ts';
import { detectors } from '../../detectors/registry.ts';
import type { Detector } from '../../detectors/types.ts';
import { contractStream } from './contract-stream.ts';

/**
 * One suite for every detector in the registry: metadata and defaults, then the streaming contract on a shared
 * ten-day tenant with one incident per detector type. Each check collects every offender before asserting.
 */

const LATENESS = 60;
const stream = contractStream();

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Runs batches through a fresh engine of one detector; findings merged by id (later wins), sorted by id. */
function run(d: Detector, batches: readonly (readonly SsprEvent[])[], lateness = LATENESS): Finding[] {
  const engine = createEngine({ detectors: [d], allowedLatenessMinutes: lateness });
  const merged = new Map<string, Finding>();
  for (const batch of batches) for (const f of engine.process(batch)) merged.set(f.id, f);
  for (const f of engine.flush()) merged.set(f.id, f);
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function randomSplit(events: readonly SsprEvent[], seed: number, maxBatches: number): SsprEvent[][] {
  const r = rng(seed);
  const cuts = new Set<number>();
  const count = 1 + Math.floor(r() * maxBatches);
  for (let i = 0; i < count; i += 1) cuts.add(Math.floor(r() * events.length));
  const points = [0, ...[...cuts].sort((a, b) => a - b), events.length];
  return points.slice(1).map((end, i) => events.slice(points[i], end));
}

/** Arrival order jittered by up to `minutes` of event time: every event still arrives within the lateness. */
function jitter(events: readonly SsprEvent[], minutes: number, seed: number): SsprEvent[] {
  const r = rng(seed);
  return events.map((e) => ({ e, k: Date.parse(e.timestamp) + r() * minutes * 60_000 })).sort((a, b) => a.k - b.k).map((p) => p.e);
}

/** Batches of `spanMinutes` of event time, each re-delivering the last `overlapMinutes` before it, as a source re-reading an overlap does. */
function overlapping(events: readonly SsprEvent[], spanMinutes: number, overlapMinutes: number): SsprEvent[][] {
  const t0 = Date.parse(events[0]?.timestamp ?? '');
  const slot = (e: SsprEvent): number => Math.floor((Date.parse(e.timestamp) - t0) / (spanMinutes * 60_000));
  const last = events[events.length - 1];
  const batches: SsprEvent[][] = Array.from({ length: last === undefined ? 0 : slot(last) + 1 }, () => []);
  for (const e of events) batches[slot(e)]?.push(e);
  return batches.map((batch, i) => {
    const from = t0 + i * spanMinutes * 60_000 - overlapMinutes * 60_000;
    return [...(batches[i - 1] ?? []).filter((e) => Date.parse(e.timestamp) >= from), ...batch];
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const baseline = new Map(detectors.map((d) => [d.id, run(d, [stream])]));
const expectSame = (id: string, label: string, got: Finding[], problems: string[]): void => {
  const want = baseline.get(id) ?? [];
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${id}: ${label} gave ${got.length} findings (${got.map((f) => f.key).join(', ')}), one batch gave ${want.length}`);
};

describe('every registered detector', () => {
  it('has a unique kebab-case id and complete metadata', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const d of detectors) {
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(d.id)) problems.push(`${d.id}: id is not kebab-case`);
      if (seen.has(d.id)) problems.push(`${d.id}: id used twice`);
      seen.add(d.id);
      if (d.meta.title.trim() === '') problems.push(`${d.id}: empty title`);
      if (!severitySchema.safeParse(d.meta.severity).success) problems.push(`${d.id}: bad severity ${d.meta.severity}`);
      if (d.meta.attack.length === 0) problems.push(`${d.id}: no ATT&CK technique`);
      for (const t of d.meta.attack) if (!/^T\d{4}(\.\d{3})?$/.test(t)) problems.push(`${d.id}: bad ATT&CK id ${t}`);
      if (d.meta.falsePositives.length === 0 || d.meta.falsePositives.some((s) => s.trim() === '')) problems.push(`${d.id}: false positives missing`);
      if (d.meta.triage.trim().length < 40) problems.push(`${d.id}: triage note too short`);
    }
    expect(problems).toEqual([]);
  });

  it('has defaults that its schema accepts unchanged, that name every parameter and survive JSON', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      const parsed = d.paramsSchema.safeParse(d.defaults);
      if (!parsed.success) {
        problems.push(`${d.id}: defaults rejected: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
        continue;
      }
      if (JSON.stringify(parsed.data) !== JSON.stringify(d.defaults)) problems.push(`${d.id}: the schema changes the defaults (a stripped or defaulted key)`);
      if (JSON.stringify(JSON.parse(JSON.stringify(d.defaults))) !== JSON.stringify(d.defaults)) problems.push(`${d.id}: defaults are not plain JSON`);
      const shape = (d.paramsSchema as { shape?: Record<string, unknown> }).shape;
      const defaults = d.defaults as Record<string, unknown>;
      for (const key of Object.keys(shape ?? {})) if (!(key in defaults)) problems.push(`${d.id}: parameter ${key} has no default`);
      const state = d.initialState(d.defaults);
      if (!Number.isInteger(state.version) || state.version < 1) problems.push(`${d.id}: initial state has no version`);
      if (JSON.stringify(JSON.parse(JSON.stringify(state))) !== JSON.stringify(state)) problems.push(`${d.id}: initial state is not plain JSON`);
    }
    expect(problems).toEqual([]);
  });

  it('finds something on the shared stream, so the checks below are not vacuous', () => {
    const quiet = detectors.filter((d) => (baseline.get(d.id) ?? []).length === 0).map((d) => d.id);
    expect(quiet).toEqual([]);
  });

  it('emits findings valid against findingSchema, with ids from (detector, key, window start)', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      for (const f of baseline.get(d.id) ?? []) {
        const parsed = findingSchema.safeParse(f);
        if (!parsed.success) problems.push(`${d.id} ${f.key}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
        if (f.detector !== d.id) problems.push(`${d.id} ${f.key}: detector field is ${f.detector}`);
        if (f.id !== findingId(d.id, f.key, f.explanation.window.start)) problems.push(`${d.id} ${f.key}: id is not findingId(detector, key, window start)`);
        if (f.status !== 'open') problems.push(`${d.id} ${f.key}: status ${f.status}`);
        if (f.summary.includes('\n') || f.summary.length > 400) problems.push(`${d.id} ${f.key}: summary is not one line`);
        if (f.evidence.length === 0 || f.evidence.length > 200) problems.push(`${d.id} ${f.key}: ${f.evidence.length} evidence ids`);
        for (const t of f.attack) if (!d.meta.attack.includes(t)) problems.push(`${d.id} ${f.key}: ATT&CK ${t} not in its metadata`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the same findings for one batch and for many random batch splits', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      for (const seed of [1, 2, 3]) expectSame(d.id, `split seed ${seed}`, run(d, randomSplit(stream, seed, 400)), problems);
      expectSame(d.id, 'one event per batch', run(d, stream.map((e) => [e])), problems);
    }
    expect(problems).toEqual([]);
  });

  it('gives the same findings whatever the arrival order within the allowed lateness, and for any order with a wide lateness', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      expectSame(d.id, 'jittered arrival', run(d, randomSplit(jitter(stream, LATENESS - 1, 5), 6, 200)), problems);
      const shuffled = jitter(stream, 30 * 24 * 60, 9);
      expectSame(d.id, 'shuffled with 30-day lateness', run(d, randomSplit(shuffled, 8, 50), 30 * 24 * 60), problems);
    }
    expect(problems).toEqual([]);
  });

  it('keeps its state across a JSON round-trip of the engine snapshot mid-stream', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      for (const cutAt of [0.3, 0.85]) {
        const batches = randomSplit(stream, 11, 30);
        const first = batches.slice(0, Math.floor(batches.length * cutAt));
        const rest = batches.slice(first.length);
        const a = createEngine({ detectors: [d], allowedLatenessMinutes: LATENESS });
        const merged = new Map<string, Finding>();
        for (const batch of first) for (const f of a.process(batch)) merged.set(f.id, f);
        const b = createEngine({ detectors: [d], allowedLatenessMinutes: LATENESS });
        b.restore(JSON.parse(JSON.stringify(a.snapshot())));
        for (const batch of rest) for (const f of b.process(batch)) merged.set(f.id, f);
        for (const f of b.flush()) merged.set(f.id, f);
        expectSame(d.id, `restore at ${cutAt}`, [...merged.values()].sort((x, y) => (x.id < y.id ? -1 : 1)), problems);
      }
    }
    expect(problems).toEqual([]);
  });

  it('updates rather than duplicates on replay: same ids, nothing doubled', () => {
    const problems: string[] = [];
    for (const d of detectors) {
      expectSame(d.id, 'every event delivered twice in one batch', run(d, [[...stream, ...stream]]), problems);
      expectSame(d.id, 'each batch re-reading the previous 90 minutes', run(d, overlapping(stream, 6 * 60, 90)), problems);
      expectSame(d.id, 'a fresh replay', run(d, randomSplit(stream, 13, 20)), problems);
    }
    expect(problems).toEqual([]);
  });

  it('never mutates its input events or state', () => {
    const problems: string[] = [];
    const frozen = deepFreeze(contractStream());
    for (const d of detectors) {
      const guarded: Detector = { ...d, step: (state, events, params, ctx) => d.step(deepFreeze(state), events, params, ctx) };
      try {
        const got = run(guarded, randomSplit(frozen, 17, 40));
        expectSame(d.id, 'frozen inputs', got, problems);
      } catch (error) {
        problems.push(`${d.id}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
