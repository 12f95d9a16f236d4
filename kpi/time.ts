/**
 * Time and statistics helpers for the KPIs. All times are epoch milliseconds in UTC; weeks are ISO weeks
 * (Monday 00:00 UTC); intervals are half-open `[from, to)`.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Start of the UTC day holding `t`. */
export function dayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** Start of the ISO week (Monday 00:00 UTC) holding `t`. */
export function weekStart(t: number): number {
  const day = dayStart(t);
  const weekday = new Date(day).getUTCDay(); // 0 = Sunday
  return day - ((weekday + 6) % 7) * DAY_MS;
}

/** ISO string of an epoch-ms time. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** `YYYY-MM-DD` of an epoch-ms time. */
export function isoDay(t: number): string {
  return iso(t).slice(0, 10);
}

/** A resolved reporting period in epoch ms; `from`/`to` undefined only when there is nothing to bound. */
export interface PeriodMs {
  from?: number;
  to?: number;
}

/** The instant point-in-time KPIs describe: `t` (+Infinity = all stored data), its ISO form, and how sentences name it. */
export interface AsOf {
  t: number;
  iso: string | null;
  phrase: string;
}

/** Length of a period in days (fractional), or undefined when unbounded or empty. */
export function periodDays(period: PeriodMs): number | undefined {
  if (period.from === undefined || period.to === undefined || period.to <= period.from) return undefined;
  return (period.to - period.from) / DAY_MS;
}

/** True when `t` is inside the half-open period (an open side is unbounded). */
export function inPeriod(t: number, period: PeriodMs): boolean {
  return (period.from === undefined || t >= period.from) && (period.to === undefined || t < period.to);
}

/** The ISO weeks overlapping a bounded period: start, end, and the part of it inside the period. */
export function weeksOf(period: Required<PeriodMs>): Array<{ start: number; end: number; from: number; to: number }> {
  const out: Array<{ start: number; end: number; from: number; to: number }> = [];
  for (let start = weekStart(period.from); start < period.to; start += 7 * DAY_MS) {
    const end = start + 7 * DAY_MS;
    out.push({ start, end, from: Math.max(start, period.from), to: Math.min(end, period.to) });
  }
  return out;
}

/** The UTC days overlapping a bounded period. */
export function daysOf(period: Required<PeriodMs>): Array<{ start: number; from: number; to: number }> {
  const out: Array<{ start: number; from: number; to: number }> = [];
  for (let start = dayStart(period.from); start < period.to; start += DAY_MS) {
    out.push({ start, from: Math.max(start, period.from), to: Math.min(start + DAY_MS, period.to) });
  }
  return out;
}

/** True when the period has both ends. */
export function isBounded(period: PeriodMs): period is Required<PeriodMs> {
  return period.from !== undefined && period.to !== undefined;
}

/** Median: the middle value, or the mean of the two middle values for an even count. Undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (`p` in (0, 100]): the value at rank ceil(p/100 × n). Undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The local part of a UPN (`alice` of `alice@contoso.com`), or the name itself. Lower-case input expected. */
export function localPart(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}
