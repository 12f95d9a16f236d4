import type { SsprEvent } from '../core/event.ts';
import { SsprError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { ENGINE_STATE_VERSION, parseEngineState, type EngineState, type EngineStats } from './engine-state.ts';
import { networkOf, type NetworkInfo } from './ip-net.ts';
import type { Detector, StepContext } from './types.ts';

export { ENGINE_STATE_VERSION, engineStateSchema, type EngineState, type EngineStats } from './engine-state.ts';

/** How to build an engine. `params` is keyed by detector id; a missing entry means the detector's defaults. */
export interface EngineOptions {
  detectors: readonly Detector[];
  params?: Readonly<Record<string, unknown>>;
  /** How far (minutes) an event may trail the newest event time and still be ordered exactly. Default 60. */
  allowedLatenessMinutes?: number;
  /** How long (minutes) past the watermark an event id is remembered to drop re-read duplicates. Default 120. */
  dedupeMinutes?: number;
}

/**
 * The streaming engine. Not thread-safe; one per partition. `process` and `flush` return the findings new or
 * updated by that call, merged by id (the later version wins); callers upsert them by id.
 */
export interface Engine {
  /** Buffers events (any order) and releases those behind the watermark to every detector in (timestamp, id) order. */
  process(events: readonly SsprEvent[]): Finding[];
  /** Ends the run: releases the whole buffer and lets each detector close every window. Later events count as late. */
  flush(): Finding[];
  /** The state as plain JSON (read-only: serialise it, do not edit it). */
  snapshot(): EngineState;
  /** Replaces the state with a snapshot; throws DETECTOR_STATE_INVALID if it is malformed or from another detector version. */
  restore(state: unknown): void;
  /** Counters since the engine was built (or since the snapshot it was restored from). */
  stats(): EngineStats;
}

interface Pending {
  t: number;
  e: SsprEvent;
}

/**
 * Epoch ms of the event model's timestamp (`YYYY-MM-DDTHH:MM:SS.mmmZ`, guaranteed by the schema) read digit by
 * digit, several times faster than `Date.parse`; anything else falls back to `Date.parse`.
 */
export function parseEventTime(ts: string): number {
  if (ts.length !== 24 || ts.charCodeAt(23) !== 90 /* Z */) return Date.parse(ts);
  const d = (i: number, n: number): number => {
    let v = 0;
    for (let k = i; k < i + n; k += 1) v = v * 10 + (ts.charCodeAt(k) - 48);
    return v;
  };
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

const SEEN_BUCKET_MS = 60_000;

const byTimeThenId = (a: Pending, b: Pending): number => a.t - b.t || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0);

/**
 * Merges two arrays sorted by (timestamp, id) into one; on equal keys `a` (the earlier arrivals) comes first, as
 * a stable sort of `a` followed by `b` would give. May return (and extend) `a` itself.
 */
function mergeSorted(a: Pending[], b: Pending[]): Pending[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const first = b[0] as Pending;
  // Common case: the new events all come after the buffer's newest. Otherwise keep the prefix of `a` that is
  // not after b[0] and merge the rest.
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byTimeThenId(a[mid] as Pending, first) <= 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === a.length) {
    for (let j = 0; j < b.length; j += 1) a.push(b[j] as Pending);
    return a;
  }
  const out = a.slice(0, lo);
  let i = lo;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (byTimeThenId(a[i] as Pending, b[j] as Pending) <= 0) out.push(a[i++] as Pending);
    else out.push(b[j++] as Pending);
  }
  while (i < a.length) out.push(a[i++] as Pending);
  while (j < b.length) out.push(b[j++] as Pending);
  return out;
}

/**
 * Builds an engine. Ordering: an event is held until the watermark (newest event time minus the allowed
 * lateness) passes it, then released in (timestamp, id) order, so any batch split and any arrival order within
 * the lateness give the same detector input and the same final findings. Events already behind the watermark
 * on arrival are released at once and counted as `late`: processed, but order-exactness is not promised for
 * them. Each event's epoch ms is parsed once and handed to the detectors as `ctx.times`, and its source
 * network is parsed at most once (on first request) and shared through `ctx.network`.
 */
export function createEngine(options: EngineOptions): Engine {
  const detectors = [...options.detectors];
  const latenessMs = (options.allowedLatenessMinutes ?? 60) * 60_000;
  const dedupeMs = (options.dedupeMinutes ?? 120) * 60_000;
  if (!(latenessMs >= 0) || !(dedupeMs >= 0)) throw new SsprError('USAGE', 'allowedLatenessMinutes and dedupeMinutes must be >= 0');
  const ids = new Set<string>();
  for (const d of detectors) {
    if (ids.has(d.id)) throw new SsprError('USAGE', `detector ${d.id} is listed twice`);
    ids.add(d.id);
  }
  const params = detectors.map((d) => {
    const parsed = d.paramsSchema.safeParse(options.params?.[d.id] ?? d.defaults);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues.map((i) => `detectors.${d.id}.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SsprError('DETECTOR_PARAMS_INVALID', `invalid params: ${where}`, { details: parsed.error.issues });
  });

  let states: { version: number }[] = detectors.map((d, i) => d.initialState(params[i]));
  /** The reorder buffer, always sorted by (timestamp, id); equal keys keep arrival order. */
  let pending: Pending[] = [];
  let maxTime = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  let flushed = false;
  // Dedupe memory: event ids by minute of event time. A re-delivered record carries the same timestamp, so
  // only its minute's set is probed, and a whole minute is forgotten at once once it is past the horizon.
  let seen = new Map<number, Set<string>>();
  let stats: EngineStats = { eventsIn: 0, duplicates: 0, late: 0, released: 0, findings: 0 };

  function run(batch: Pending[], ctx: Omit<StepContext, 'times'>): Finding[] {
    const n = batch.length;
    const events = new Array<SsprEvent>(n);
    const times = new Array<number>(n);
    for (let j = 0; j < n; j += 1) {
      const p = batch[j] as Pending;
      events[j] = p.e;
      times[j] = p.t;
    }
    const merged = new Map<string, Finding>();
    // Each event's parsed source network, on first request by any detector (null: none), shared by all of them.
    const networks = new Array<NetworkInfo | null | undefined>(n);
    const network = (j: number): NetworkInfo | undefined => {
      let net = networks[j];
      if (net === undefined) {
        const ip = events[j]?.source?.ip;
        net = (ip === undefined ? undefined : networkOf(ip)) ?? null;
        networks[j] = net;
      }
      return net ?? undefined;
    };
    const stepCtx: StepContext = { watermark: ctx.watermark, final: ctx.final, times, network };
    for (let i = 0; i < detectors.length; i += 1) {
      const d = detectors[i] as Detector;
      const result = d.step(states[i] ?? d.initialState(params[i]), events, params[i], stepCtx);
      states[i] = result.state;
      for (const f of result.findings) merged.set(f.id, f);
    }
    stats.released += events.length;
    forget();
    const out = [...merged.values()].sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.id < b.id ? -1 : 1));
    stats.findings += out.length;
    return out;
  }

  /** Drops remembered minutes that lie wholly more than the dedupe horizon behind the watermark. */
  function forget(): void {
    const horizon = watermark - dedupeMs;
    for (const minute of seen.keys()) if ((minute + 1) * SEEN_BUCKET_MS <= horizon) seen.delete(minute);
  }

  /** True if the id was seen before; remembers it otherwise. */
  function duplicate(id: string, t: number): boolean {
    const minute = Math.floor(t / SEEN_BUCKET_MS);
    let ids = seen.get(minute);
    if (ids === undefined) seen.set(minute, (ids = new Set()));
    else if (ids.has(id)) return true;
    ids.add(id);
    return false;
  }

  function process(events: readonly SsprEvent[]): Finding[] {
    const late: Pending[] = [];
    // This call's new events; sorted on their own (they are mostly in order already), then merged into the
    // sorted buffer, so the buffer is never re-sorted as a whole.
    const incoming: Pending[] = [];
    let last: Pending | undefined;
    let incomingSorted = true;
    stats.eventsIn += events.length;
    for (const e of events) {
      const t = parseEventTime(e.timestamp);
      if (duplicate(e.id, t)) {
        stats.duplicates += 1;
        continue;
      }
      const p: Pending = { t, e };
      if (t <= watermark) {
        late.push(p);
        continue;
      }
      if (last !== undefined && (last.t > t || (last.t === t && last.e.id > e.id))) incomingSorted = false;
      incoming.push(p);
      last = p;
      if (t > maxTime) maxTime = t;
    }
    stats.late += late.length;
    const before = watermark;
    if (maxTime - latenessMs > watermark) watermark = maxTime - latenessMs;
    if (!incomingSorted) incoming.sort(byTimeThenId);
    pending = mergeSorted(pending, incoming);
    // First index with t > watermark (pending is sorted by time): binary search.
    let split = 0;
    let hi = pending.length;
    while (split < hi) {
      const mid = (split + hi) >>> 1;
      if ((pending[mid] as Pending).t <= watermark) split = mid + 1;
      else hi = mid;
    }
    const released = pending.slice(0, split);
    pending = split === 0 ? pending : pending.slice(split);
    if (released.length === 0 && late.length === 0 && watermark === before) return [];
    const batch = late.length === 0 ? released : [...late, ...released].sort(byTimeThenId);
    return run(batch, { watermark, final: false });
  }

  function flush(): Finding[] {
    const batch = pending;
    pending = [];
    if (maxTime > watermark) watermark = maxTime;
    flushed = true;
    return run(batch, { watermark: Number.POSITIVE_INFINITY, final: true });
  }

  function snapshot(): EngineState {
    const detectorStates: EngineState['detectors'] = {};
    detectors.forEach((d, i) => {
      detectorStates[d.id] = states[i] as EngineState['detectors'][string];
    });
    return {
      version: ENGINE_STATE_VERSION,
      maxTime: Number.isFinite(maxTime) ? maxTime : null,
      watermark: Number.isFinite(watermark) ? watermark : null,
      flushed,
      buffer: pending.map((p) => p.e),
      seen: [...seen.entries()].map(([minute, idSet]) => [minute, [...idSet]]),
      detectors: detectorStates,
      stats: { ...stats },
    };
  }

  function restore(input: unknown): void {
    const state = parseEngineState(input);
    const restored = detectors.map((d, i) => {
      const fresh = d.initialState(params[i]);
      const saved = state.detectors[d.id];
      if (saved === undefined) return fresh;
      if (saved.version !== fresh.version) {
        throw new SsprError('DETECTOR_STATE_INVALID', `detector ${d.id} state has version ${saved.version}, expected ${fresh.version}`);
      }
      return saved;
    });
    states = restored;
    maxTime = state.maxTime ?? Number.NEGATIVE_INFINITY;
    watermark = state.watermark ?? Number.NEGATIVE_INFINITY;
    flushed = state.flushed;
    pending = state.buffer.map((e) => ({ t: parseEventTime(e.timestamp), e })).sort(byTimeThenId);
    seen = new Map(state.seen.map(([minute, idList]) => [minute, new Set(idList)]));
    stats = { ...state.stats };
  }

  return { process, flush, snapshot, restore, stats: () => ({ ...stats }) };
}
