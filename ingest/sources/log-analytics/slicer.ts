import type { SlicePolicy } from './settings.ts';

/**
 * Adaptive time slices for the Log Analytics query API, whose answers are capped (500,000 rows, about 64 MB).
 * Pure: the puller reports what a slice returned and asks how long the next one should be.
 */

/** At most this much growth or shrink from one slice to the next, so one quiet hour does not jump to a day. */
const MAX_STEP = 2;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * The length of the next slice after one of `durationMs` returned `rows` rows and about `bytes` bytes of JSON:
 * scaled so the next returns about `targetRows` and `targetBytes` (the tighter of the two), by a factor within
 * [1/2, 2], and kept within [minMs, maxMs].
 */
export function nextSliceMs(durationMs: number, rows: number, bytes: number, policy: SlicePolicy): number {
  const byRows = rows > 0 ? policy.targetRows / rows : MAX_STEP;
  const byBytes = bytes > 0 ? policy.targetBytes / bytes : MAX_STEP;
  const factor = clamp(Math.min(byRows, byBytes), 1 / MAX_STEP, MAX_STEP);
  return Math.round(clamp(durationMs * factor, policy.minMs, policy.maxMs));
}

/**
 * The length to re-read a slice with after it came back partial or truncated: half, not below `minMs`.
 * Undefined when the slice is already as short as allowed (the caller fails instead of storing it short).
 */
export function splitSliceMs(durationMs: number, policy: SlicePolicy): number | undefined {
  if (durationMs <= policy.minMs) return undefined;
  return Math.max(policy.minMs, Math.floor(durationMs / 2));
}

/** True when a complete answer still looks cut at the row cap. */
export function looksTruncated(rows: number, policy: SlicePolicy): boolean {
  return rows >= policy.rowLimit;
}
