/**
 * Wall-clock arithmetic in a time zone for quiet hours, time-of-day matching and digest periods, with the
 * platform's own zone data (Intl). Pure: every function takes the instant (epoch ms) it reasons about.
 */

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes since local midnight at `ms` in `timeZone` (0–1439). */
export function localMinutes(ms: number, timeZone: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/** `HH:MM` as minutes since midnight. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether `ms` falls in [from, to) local time; from > to spans midnight; from == to is the whole day. */
export function inWindow(ms: number, window: { from: string; to: string }, timeZone: string): boolean {
  const m = localMinutes(ms, timeZone);
  const from = clockMinutes(window.from);
  const to = clockMinutes(window.to);
  if (from === to) return true;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * The first instant after `ms` whose local time is `hhmm`. Steps by the local-minute difference, then corrects
 * once for a daylight-saving change in between (so 07:00 stays 07:00 local across the switch).
 */
export function nextLocalTime(ms: number, hhmm: string, timeZone: string): number {
  const start = ms - (ms % MINUTE);
  const target = clockMinutes(hhmm);
  const ahead = (target - localMinutes(start, timeZone) + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  let candidate = start + ahead * MINUTE;
  let drift = target - localMinutes(candidate, timeZone);
  if (drift > DAY_MINUTES / 2) drift -= DAY_MINUTES;
  if (drift < -DAY_MINUTES / 2) drift += DAY_MINUTES;
  candidate += drift * MINUTE;
  return candidate > ms ? candidate : candidate + DAY_MINUTES * MINUTE;
}

/** The digest period holding `ms`: the local hour or the local day, as [start, end) epoch ms. */
export function digestPeriod(ms: number, period: 'hourly' | 'daily', timeZone: string): { start: number; end: number } {
  if (period === 'hourly') {
    const start = ms - (ms % MINUTE) - (localMinutes(ms, timeZone) % 60) * MINUTE;
    return { start, end: start + 60 * MINUTE };
  }
  const end = nextLocalTime(ms, '00:00', timeZone);
  // The day before `end`'s midnight, measured in local minutes so a 23- or 25-hour day is right.
  const start = end - DAY_MINUTES * MINUTE;
  const correction = localMinutes(start, timeZone);
  return { start: correction === 0 ? start : start + (correction > DAY_MINUTES / 2 ? DAY_MINUTES - correction : -correction) * MINUTE, end };
}
