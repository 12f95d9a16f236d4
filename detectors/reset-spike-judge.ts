/**
 * Params, baseline and threshold of reset-spike (see reset-spike.ts).
 *
 * Defaults (defaults/reset-spike.json) and why: attempts are flows (first progress step `userIdSubmitted` or
 * `started`, or the reset record, de-duplicated by correlation id within `attemptDedupMinutes`). Windows slide
 * in 10-minute buckets, so a burst across a clock-hour boundary is counted whole. Tenant and IP: 1-hour windows
 * against the same hour of the week ± 1 h over 4 weeks (12 samples; 6 needed, else the same hour on the previous
 * 7 days); a window that does not end on the hour is compared, per sample, with the busier of the two hour-aligned
 * windows it overlaps (baselines are kept per clock hour; the max keeps a ramp into a busy hour quiet). Floor 10,
 * ≥ 5 × median and ≥ median + 6 × spread — a 3 a.m. baseline of 0–2 gives 10, a 9 a.m. one of 60 gives 300.
 * Cold start (fewer than 6 samples): floor 30. Windows whose outcomes (resets and abandonments) are ≥ 80 %
 * successful must clear 2 × the threshold (an expiry wave is people succeeding). User: 24-hour window against the same 24 h on 28 previous days, floor 6 flows
 * (life: one or two; SSPR itself blocks after a handful), ≥ 4 × median. A tenant spike half explained by spiking
 * IPs or users, or an IP spike half from one spiking user, is left to the narrower finding. Gaps of up to 2 quiet
 * hours stay one episode; severity high when ≥ 50 % of flows failed or blocked, or the peak is ≥ 3 × threshold.
 */
import { z } from 'zod';
import { actionSchema, ssprStepSchema } from '../core/event.ts';
import { countSpread, robustBaseline, round1, type RobustBaseline } from './lib/stats.ts';
import { clockOf, HOUR_MS, hourOfWeekLabel } from './lib/time.ts';

/** Thresholds of one scope (tenant, source IP, user). Counts are SSPR attempts (distinct flows). */
export const spikeScopeSchema = z.strictObject({
  enabled: z.boolean(),
  /** Length of the counting window, ending at the bucket just closed. */
  windowHours: z.number().int().min(1).max(168),
  /** Seasonal period of the baseline: 168 = same hour of the week, 24 = same hour of the day. */
  baselinePeriodHours: z.number().int().min(1).max(168),
  baselinePeriods: z.number().int().min(1).max(52),
  /** Also sample windows this many hours either side of each seasonal point (smooths a shifted Monday). */
  neighborHours: z.number().int().min(0).max(6),
  /** Absolute floor: never a spike below this many attempts in the window. */
  minCount: z.number().int().min(1),
  /** Never a spike below this multiple of the baseline median. */
  minRatio: z.number().min(1),
  /** Floor while the detector has fewer than `minBaselineSamples` samples (first days of a run). */
  coldStartMinCount: z.number().int().min(1),
});
export type SpikeScope = z.infer<typeof spikeScopeSchema>;

export const resetSpikeParamsSchema = z.strictObject({
  countedActions: z.array(actionSchema),
  countedProgressSteps: z.array(ssprStepSchema),
  /** Progress steps that end a counted flow without a reset record: outcomes for the success share. */
  abandonedProgressSteps: z.array(ssprStepSchema),
  /** Step of the sliding windows: every window ends on a bucket boundary. Divides 60. */
  bucketMinutes: z.number().int().min(1).max(60).refine((m) => 60 % m === 0, 'must divide 60'),
  /** Events of one flow (correlation id) this close to its first counted event count once (a flow lasts minutes). */
  attemptDedupMinutes: z.number().int().min(1).max(1440),
  minBaselineSamples: z.number().int().min(1),
  /** Fallback samples (same hour of the previous days) when the seasonal ones are too few. */
  fallbackPeriodHours: z.number().int().min(1).max(168),
  fallbackPeriods: z.number().int().min(0).max(28),
  /** A spike is at least median + madMultiplier x spread (spread = max(1.4826 MAD, sqrt(median), 1)). */
  madMultiplier: z.number().min(0),
  /** Windows whose attempts mostly succeeded (an expiry wave) must clear a threshold this many times higher. */
  benignSuccessShare: z.number().min(0).max(1),
  benignThresholdMultiplier: z.number().min(1),
  /** A tenant (or IP) spike is left to the narrower findings when they explain this share of its attempts. */
  explainedShare: z.number().min(0).max(1),
  highSeverityFailureShare: z.number().min(0).max(1),
  /** Spike hours this close together (hours between) are one episode and one finding. */
  mergeGapHours: z.number().int().min(0).max(48),
  maxEvidence: z.number().int().min(1).max(10_000),
  scopes: z.strictObject({ tenant: spikeScopeSchema, ip: spikeScopeSchema, user: spikeScopeSchema }),
  /**
   * Raised floors for single keys (`user:svc-reset@contoso.com`, `ip:203.0.113.7`): a known script or kiosk
   * whose volume is normal for it. Written by the dashboard when an admin accepts a tuning proposal.
   */
  keyFloors: z.array(z.strictObject({ key: z.string().min(1), minCount: z.number().int().min(1) })),
});
export type ResetSpikeParams = z.infer<typeof resetSpikeParamsSchema>;

export type ScopeName = keyof ResetSpikeParams['scopes'];

/** The scope a finding key belongs to. */
export function scopeOf(key: string): ScopeName {
  return key === 'tenant' ? 'tenant' : key.startsWith('ip:') ? 'ip' : 'user';
}

/** Hours of closed counts a scope needs kept: its seasonal and fallback samples plus one window. */
export function retentionHours(p: ResetSpikeParams): number {
  return Math.max(
    ...Object.values(p.scopes).map((s) => s.windowHours + s.neighborHours + 1 + Math.max(s.baselinePeriods * s.baselinePeriodHours, p.fallbackPeriods * p.fallbackPeriodHours)),
  );
}

/** How one key's window was judged at a bucket close. */
export interface Verdict {
  n: number;
  threshold: number;
  baseline: RobustBaseline;
  cold: boolean;
  benign: boolean;
  hit: boolean;
  /** Epoch ms of the window start. */
  windowStart: number;
}

/**
 * Judges `n` attempts in the window of `scope` ending at `windowEnd` (epoch ms, a bucket boundary) for `key`.
 * `count(hour, key)` reads closed hourly counts; `since` is the first hour the detector saw (earlier windows are
 * unknown, not zero). Each seasonal sample is the same window shifted by whole periods; when the window does not
 * end on the hour, the sample is the larger of the two hour-aligned windows it overlaps.
 */
export function judge(
  key: string,
  windowEnd: number,
  n: number,
  successShare: number,
  scope: SpikeScope,
  p: ResetSpikeParams,
  since: number,
  count: (hour: number, key: string) => number,
): Verdict {
  const w = scope.windowHours;
  const windowStart = windowEnd - w * HOUR_MS;
  /** The clock hour holding the window's last bucket. */
  const h = Math.ceil(windowEnd / HOUR_MS) - 1;
  const aligned = windowEnd % HOUR_MS === 0;
  const sum = (end: number): number => {
    let total = 0;
    for (let x = end - w + 1; x <= end; x += 1) total += count(x, key);
    return total;
  };
  const ends = new Set<number>();
  for (let k = 1; k <= scope.baselinePeriods; k += 1) {
    for (let d = -scope.neighborHours; d <= scope.neighborHours; d += 1) ends.add(h - k * scope.baselinePeriodHours + d);
  }
  const sample = (end: number): number => (aligned ? sum(end) : Math.max(sum(end), sum(end - 1)));
  const usable = (end: number): boolean => end - w + (aligned ? 1 : 0) >= since && end < h;
  let picked = [...ends].filter(usable);
  if (picked.length < p.minBaselineSamples) {
    for (let k = 1; k <= p.fallbackPeriods; k += 1) ends.add(h - k * p.fallbackPeriodHours);
    picked = [...ends].filter(usable);
  }
  const cold = picked.length < p.minBaselineSamples;
  const baseline = robustBaseline(cold ? [] : picked.map(sample));
  const benign = successShare >= p.benignSuccessShare;
  let threshold = cold
    ? scope.coldStartMinCount
    : Math.max(scope.minCount, baseline.median * scope.minRatio, baseline.median + p.madMultiplier * countSpread(baseline));
  if (benign) threshold *= p.benignThresholdMultiplier;
  threshold = Math.ceil(threshold);
  const floor = p.keyFloors.find((f) => f.key === key);
  if (floor !== undefined) threshold = Math.max(threshold, floor.minCount);
  return { n, threshold, baseline, cold, benign, hit: n >= threshold, windowStart };
}

/** How a baseline reads in a summary: `Tuesday 03:00`, `daily 03:00`, `same 24 h on previous days`. */
export function baselineLabel(scope: SpikeScope, windowStart: number): string {
  if (scope.baselinePeriodHours % 168 === 0) return scope.windowHours === 1 ? hourOfWeekLabel(windowStart) : `same ${scope.windowHours} h of the week`;
  if (scope.baselinePeriodHours % 24 === 0) return scope.windowHours === 1 ? `daily ${clockOf(windowStart)}` : `same ${scope.windowHours} h on previous days`;
  return `every-${scope.baselinePeriodHours} h`;
}

/** `9.2× the Tuesday 03:00 baseline (median 2, MAD 1)` or the cold-start wording. */
export function comparisonText(v: Verdict, scope: SpikeScope): string {
  const label = baselineLabel(scope, v.windowStart);
  const b = v.baseline;
  const benign = v.benign ? ', threshold raised for a mostly successful wave' : '';
  if (v.cold) return `with no ${label} baseline yet (cold-start floor ${v.threshold})`;
  if (b.median > 0) return `${round1(v.n / b.median)}× the ${label} baseline (median ${round1(b.median)}, MAD ${round1(b.mad)}; threshold ${v.threshold}${benign})`;
  return `against a ${label} baseline of median 0 (MAD ${round1(b.mad)}; threshold ${v.threshold}${benign})`;
}
