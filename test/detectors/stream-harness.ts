import type { SsprEvent } from '../../core/event.ts';
import { findingSchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import type { Detector } from '../../detectors/types.ts';

/** Events sorted by (timestamp, id), the order `step` expects. */
export function sorted(events: readonly SsprEvent[]): SsprEvent[] {
  return [...events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Steps a detector directly over sorted batches; findings merged by id (later wins). Optionally JSON round-trips the state between batches. */
export function runBatches<P, S extends { version: number }>(
  d: Detector<P, S>,
  batches: readonly (readonly SsprEvent[])[],
  params: P = d.defaults,
  options: { roundTrip?: boolean } = {},
): { findings: Finding[]; state: S } {
  let state = d.initialState(params);
  const merged = new Map<string, Finding>();
  for (const batch of batches) {
    const last = batch[batch.length - 1];
    const watermark = last ? Date.parse(last.timestamp) : Number.NEGATIVE_INFINITY;
    const result = d.step(state, batch, params, { watermark, final: false });
    for (const f of result.findings) merged.set(f.id, findingSchema.parse(f));
    state = options.roundTrip ? (JSON.parse(JSON.stringify(result.state)) as S) : result.state;
  }
  return { findings: byId(merged), state };
}

/** All events in one sorted batch. */
export function runAll<P, S extends { version: number }>(d: Detector<P, S>, events: readonly SsprEvent[], params?: P): Finding[] {
  return runBatches(d, [sorted(events)], params).findings;
}

/** Splits sorted events into consecutive batches at the given cut points. */
export function cut(events: readonly SsprEvent[], at: readonly number[]): SsprEvent[][] {
  const s = sorted(events);
  const points = [0, ...at, s.length];
  return points.slice(1).map((end, i) => s.slice(points[i], end));
}

/** Runs events in any arrival order through the real engine (watermark ordering), in batches of `batchSize`. */
export function viaEngine<P, S extends { version: number }>(d: Detector<P, S>, events: readonly SsprEvent[], batchSize: number, latenessMinutes: number, params?: P): Finding[] {
  const engine = createEngine({ detectors: [d as unknown as Detector], params: params === undefined ? {} : { [d.id]: params }, allowedLatenessMinutes: latenessMinutes });
  const merged = new Map<string, Finding>();
  for (let i = 0; i < events.length; i += batchSize) for (const f of engine.process(events.slice(i, i + batchSize))) merged.set(f.id, f);
  for (const f of engine.flush()) merged.set(f.id, f);
  return byId(merged);
}

/**
 * Shuffles events while keeping each within `maxShiftMinutes` of its place in time (a seeded jitter), as a source
 * re-reading an overlap window would deliver them.
 */
export function shuffleWithin(events: readonly SsprEvent[], maxShiftMinutes: number, seed: number): SsprEvent[] {
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return events
    .map((e) => ({ e, k: Date.parse(e.timestamp) + rnd() * maxShiftMinutes * 60_000 }))
    .sort((a, b) => a.k - b.k)
    .map((p) => p.e);
}

/** Recursively freezes a value so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function byId(merged: Map<string, Finding>): Finding[] {
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
