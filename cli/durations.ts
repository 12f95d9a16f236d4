import { SsprError } from '../core/errors.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration flag in ms: `1500ms`, `60s`, `30m`, `24h`, `7d`, or a bare number of seconds. Usage error
 * (exit 2) naming the flag otherwise.
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new SsprError('USAGE', `--${flag} must be a duration such as 90s, 30m, 24h or 7d, got "${text}"`);
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS]);
}

/** A point in time from a flag: an ISO 8601 time, or a duration before `nowMs` (`24h` = a day ago). */
export function parseTimeOrAgo(text: string, flag: string, nowMs: number): number {
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d)$/.test(text.trim())) return nowMs - parseDuration(text, flag);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SsprError('USAGE', `--${flag} must be an ISO 8601 time or a duration ago such as 24h, got "${text}"`);
  return ms;
}
