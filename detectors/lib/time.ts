import type { SsprEvent } from '../../core/event.ts';
import type { StepContext } from '../types.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Epoch ms of `events[i]`: the engine's precomputed `ctx.times[i]` when present, else parsed from the ISO timestamp. */
export function eventTime(events: readonly SsprEvent[], ctx: StepContext, i: number): number {
  const t = ctx.times?.[i];
  if (t !== undefined) return t;
  const event = events[i];
  return event === undefined ? Number.NaN : Date.parse(event.timestamp);
}

/** Index of the fixed-size bucket (ms) that holds `ms`; buckets start at the Unix epoch. */
export function bucketOf(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs);
}

/** Index of the last bucket that is complete at watermark `w`: every bucket whose end is at or before `w`. */
export function lastClosedBucket(w: number, sizeMs: number): number {
  if (w === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (!Number.isFinite(w)) return Number.NEGATIVE_INFINITY;
  return Math.floor(w / sizeMs) - 1;
}

/** ISO 8601 UTC with milliseconds, the event model's time format. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** `HH:MM` in UTC. */
export function clockOf(ms: number): string {
  return isoOf(ms).slice(11, 16);
}

/** `YYYY-MM-DD` in UTC. */
export function dayOf(ms: number): string {
  return isoOf(ms).slice(0, 10);
}

/** Hour-of-week label in UTC, e.g. `Tuesday 03:00`. */
export function hourOfWeekLabel(ms: number): string {
  return `${WEEKDAYS[new Date(ms).getUTCDay()] ?? ''} ${clockOf(ms)}`;
}

/** A window for one-line summaries: `03:00–04:00 UTC on 2026-03-03`, or with both days when it spans midnight. */
export function windowText(startMs: number, endMs: number): string {
  const lastMs = Math.max(startMs, endMs - 1);
  if (dayOf(startMs) === dayOf(lastMs)) return `${clockOf(startMs)}–${clockOf(endMs)} UTC on ${dayOf(startMs)}`;
  return `${dayOf(startMs)} ${clockOf(startMs)} – ${dayOf(lastMs)} ${clockOf(endMs)} UTC`;
}
