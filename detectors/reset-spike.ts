/**
 * reset-spike — SSPR reset-attempt volume far above its own seasonal baseline, tenant-wide, per source IP and
 * per user. An attempt is one SSPR flow (events sharing a correlation id: the first progress step or the
 * reset record), so a five-step flow counts once. Windows slide: each closed bucket (`bucketMinutes`, 10 by
 * default), every key active in it has its window (1 h for tenant and IP, 24 h for a user by default) ending at
 * the bucket's end judged, so a burst across a clock-hour boundary is counted whole instead of split in two. The
 * window is compared with the same window at the same time of the week (± a neighbour hour) over the previous
 * weeks, falling back to the same time of the previous days while history is short: median/MAD via
 * `simple-statistics`, threshold = max(floor, ratio × median, median + k × spread). Baselines are kept per clock
 * hour; a window that does not end on the hour takes, per sample, the larger of the two hour-aligned windows it
 * overlaps, so a ramp into a busy hour (Monday 08:40–09:40) is judged against the busy hour. A window whose
 * outcomes mostly succeeded (an expiry wave) must clear a higher threshold, so a Monday-morning wave stays quiet
 * while a 10× burst at 3 a.m. fires. A tenant spike that one IP or a few users explain, and an IP spike that one
 * user explains, are left to the narrower finding. Spiking windows with gaps up to `mergeGapHours` between them
 * are one episode, one finding, keyed on the key's first attempt in the first spiking window (stable across
 * batch splits and replays); it ends with the last spiking window, so it may run up to one window past the
 * burst while the key stays active.
 *
 * Anchors, and what this does better:
 * - Sentinel "Multiple Password Reset by user" counts password-reset events per user per day against a fixed
 *   threshold (> 5 is the usual setting) across AuditLogs/SecurityEvent: it counts records, not flows (one SSPR
 *   flow logs 4–8), has no notion of time of day or of the user's own history, no tenant or IP view, and raises
 *   one alert per user per day however long the burst. Here: distinct flows, per-key seasonal baselines,
 *   three scopes with de-duplication between them, and episodes instead of daily rows.
 * - Splunk's account-management outlier searches (avg + 3 × stdev of 5-minute user counts per actor) use a
 *   mean/stdev that the spike itself inflates and no seasonality; median/MAD is robust to both.
 *
 * ATT&CK: T1110 (bursts of SSPR attempts are guessing at the verification gate), T1098 (a reset that gets
 * through is account manipulation), T1531 (mass resets and "blocked for 24 hours" lock owners out).
 */
import type { SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/reset-spike.json' with { type: 'json' };
import { buildFinding, listText } from './lib/build-finding.ts';
import { absorbLog, addEvent, cloneCase, cloneLog, emptyCase, emptyLog, logEvent, type CaseFile, type EvidenceLog } from './lib/case-file.ts';
import { eventTime, HOUR_MS, lastClosedBucket, MINUTE_MS, windowText } from './lib/time.ts';
import { comparisonText, judge, resetSpikeParamsSchema, retentionHours, scopeOf, type ResetSpikeParams, type Verdict } from './reset-spike-judge.ts';
import type { Detector, StepContext, StepResult } from './types.ts';

export { resetSpikeParamsSchema, type ResetSpikeParams } from './reset-spike-judge.ts';

/**
 * One key's attempts in one bucket: `n` attempts, `s` succeeded, `f` failed or blocked, `a` abandoned, attempts
 * per user. Outcomes are counted when they happen (a few minutes after the attempt), so a window's success share
 * is taken over the outcomes inside it (`s / (s + f + a)`), not over its attempts: a window ending mid-wave would
 * otherwise miss the successes of its newest attempts and read a benign wave as failing.
 */
interface KeyAcc {
  n: number;
  s: number;
  f: number;
  a: number;
  users: Record<string, number>;
  log: EvidenceLog;
}
/** One bucket (`b` = bucket index since the epoch, `bucketMinutes` long) and its keys' attempts. */
interface Bucket {
  b: number;
  keys: Record<string, KeyAcc>;
}
interface Episode {
  /** Epoch ms of the first bucket with attempts in the first spiking window: the finding id's window start. */
  start: number;
  /** Bucket index of the last spiking window's end bucket. */
  lastHit: number;
  n: number;
  s: number;
  f: number;
  c: CaseFile;
  peak: Verdict;
  /** Quiet buckets since the last spike (closed, never edited): folded in if another spike follows within the gap. */
  tail: KeyAcc[];
}
/** Detector state: the open bucket, closed hourly counts for the baselines, recent buckets with evidence, episodes. */
export interface ResetSpikeState {
  version: 2;
  /** First hour (index since the epoch) with a counted attempt. */
  since: number | null;
  /** Last closed bucket. */
  through: number | null;
  open: Bucket | null;
  /** Flow id → bucket it was first counted in, for flows within `attemptDedupMinutes`. */
  attempts: Record<string, number>;
  /** Hour index → key → attempts, for closed buckets within the baseline horizon. */
  counts: Record<string, Record<string, number>>;
  /** Closed buckets within the longest window, with their evidence. */
  recent: Bucket[];
  episodes: Record<string, Episode>;
}

const DETECTOR = 'reset-spike';
const newAcc = (): KeyAcc => ({ n: 0, s: 0, f: 0, a: 0, users: {}, log: emptyLog() });
const cloneAcc = (a: KeyAcc): KeyAcc => ({ ...a, users: { ...a.users }, log: cloneLog(a.log) });

/** A key's attempts over one window, summed from its buckets. */
interface WindowSum {
  n: number;
  s: number;
  /** Outcomes of any kind (succeeded, failed or blocked, abandoned). */
  resolved: number;
  users: Record<string, number>;
}

function step(state: ResetSpikeState, events: readonly SsprEvent[], p: ResetSpikeParams, ctx: StepContext): StepResult<ResetSpikeState> {
  const bucketMs = p.bucketMinutes * MINUTE_MS;
  const perHour = HOUR_MS / bucketMs;
  const retention = retentionHours(p);
  const longest = Math.max(...Object.values(p.scopes).map((s) => s.windowHours)) * perHour;
  const gapBuckets = p.mergeGapHours * perHour;
  const dedupBuckets = Math.ceil(p.attemptDedupMinutes / p.bucketMinutes);
  let { since, recent } = state;
  let through = state.through ?? Number.NEGATIVE_INFINITY;
  let open: Bucket | null = state.open === null ? null : { b: state.open.b, keys: Object.fromEntries(Object.entries(state.open.keys).map(([k, a]) => [k, cloneAcc(a)])) };
  const attempts = { ...state.attempts };
  const counts = { ...state.counts };
  const episodes = { ...state.episodes };
  const owned = new Set<string>();
  const findings = new Map<string, Finding>();
  const own = (key: string): Episode | undefined => {
    const ep = episodes[key];
    if (ep === undefined || owned.has(key)) return ep;
    owned.add(key);
    return (episodes[key] = { ...ep, c: cloneCase(ep.c), tail: [...ep.tail] });
  };
  const count = (hour: number, key: string): number => counts[hour]?.[key] ?? 0;
  /** The key's closed bucket accumulators in the window of `w` buckets ending at bucket `b` (newest first). */
  const windowAccs = (key: string, b: number, w: number): Array<{ b: number; acc: KeyAcc }> => {
    const out: Array<{ b: number; acc: KeyAcc }> = [];
    for (let i = recent.length - 1; i >= 0; i -= 1) {
      const r = recent[i] as Bucket;
      if (r.b <= b - w) break;
      const acc = r.b <= b ? r.keys[key] : undefined;
      if (acc !== undefined) out.push({ b: r.b, acc });
    }
    return out;
  };

  const closeBucket = (x: Bucket): void => {
    through = x.b;
    const hour = Math.floor(x.b / perHour);
    const hourCounts = { ...counts[hour] };
    for (const k in x.keys) hourCounts[k] = (hourCounts[k] ?? 0) + (x.keys[k]?.n ?? 0);
    counts[hour] = hourCounts;
    for (const hk in counts) if (Number(hk) <= hour - retention) delete counts[hk];
    for (const id in attempts) if ((attempts[id] ?? 0) <= x.b - dedupBuckets) delete attempts[id];
    recent = [...recent.filter((r) => r.b > x.b - longest), x];
    for (const k of Object.keys(episodes)) if (x.b > (episodes[k]?.lastHit ?? 0) + gapBuckets + 1) delete episodes[k];

    // Every key active in the bucket: the window of its scope ending at this bucket's end.
    const windowEnd = (x.b + 1) * bucketMs;
    const sums = new Map<string, WindowSum>();
    const verdicts = new Map<string, Verdict>();
    for (const key in x.keys) {
      const scope = p.scopes[scopeOf(key)];
      if (!scope.enabled) continue;
      const sum: WindowSum = { n: 0, s: 0, resolved: 0, users: {} };
      for (const { acc } of windowAccs(key, x.b, scope.windowHours * perHour)) {
        sum.n += acc.n;
        sum.s += acc.s;
        sum.resolved += acc.s + acc.f + acc.a;
        for (const u in acc.users) sum.users[u] = (sum.users[u] ?? 0) + (acc.users[u] ?? 0);
      }
      sums.set(key, sum);
      if (sum.n < Math.min(scope.minCount, scope.coldStartMinCount)) continue;
      verdicts.set(key, judge(key, windowEnd, sum.n, sum.s / Math.max(1, sum.resolved), scope, p, since ?? hour, count));
    }
    // Leave a wide spike to the narrower findings that explain it: IP → one user, tenant → IPs or users.
    const hits = (prefix: string): string[] => [...verdicts].filter(([k, v]) => v.hit && k.startsWith(prefix)).map(([k]) => k);
    for (const ip of hits('ip:')) {
      const sum = sums.get(ip);
      const top = Object.entries(sum?.users ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      if (sum && top && top[1] >= p.explainedShare * sum.n && verdicts.get(`user:${top[0]}`)?.hit) verdicts.delete(ip);
    }
    const tenant = sums.get('tenant');
    if (tenant !== undefined && verdicts.get('tenant')?.hit) {
      const covered = (prefix: string): number => hits(prefix).reduce((total, k) => total + (sums.get(k)?.n ?? 0), 0);
      if (Math.max(covered('ip:'), covered('user:')) >= p.explainedShare * tenant.n) verdicts.delete('tenant');
    }

    for (const key in x.keys) {
      const acc = x.keys[key] as KeyAcc;
      const v = verdicts.get(key);
      let ep = own(key);
      if (ep === undefined) {
        if (!v?.hit) continue;
        // The episode starts at the key's first attempt in the window, not at the window's (arbitrary) start.
        const accs = windowAccs(key, x.b, p.scopes[scopeOf(key)].windowHours * perHour).reverse();
        ep = { start: (accs[0]?.b ?? x.b) * bucketMs, lastHit: x.b, n: 0, s: 0, f: 0, c: emptyCase(), peak: v, tail: [] };
        for (const a of accs) absorb(ep, a.acc);
        episodes[key] = ep;
        owned.add(key);
      } else if (v?.hit) {
        for (const a of ep.tail) absorb(ep, a);
        absorb(ep, acc);
        ep.tail = [];
      } else {
        ep.tail.push(acc);
        continue;
      }
      ep.lastHit = x.b;
      if (v.n > ep.peak.n) ep.peak = v;
      const f = toFinding(key, ep, p);
      findings.set(f.id, f);
    }
  };
  const absorb = (ep: Episode, a: KeyAcc): void => {
    ep.n += a.n;
    ep.s += a.s;
    ep.f += a.f;
    absorbLog(ep.c, a.log, p.maxEvidence);
  };

  for (let i = 0; i < events.length; i += 1) {
    const e = events[i] as SsprEvent;
    const isAttemptStep = e.action === 'sspr.progress' && e.ssprStep !== undefined && p.countedProgressSteps.includes(e.ssprStep);
    const isReset = p.countedActions.includes(e.action);
    const abandoned = e.action === 'sspr.progress' && e.ssprStep !== undefined && p.abandonedProgressSteps.includes(e.ssprStep);
    if (!isAttemptStep && !isReset && !abandoned) continue;
    const t = eventTime(events, ctx, i);
    const b = Math.floor(t / bucketMs);
    since ??= Math.floor(t / HOUR_MS);
    const keys = ['tenant', `user:${e.user.name}`];
    if (e.source?.ip !== undefined) keys.push(`ip:${e.source.ip}`);
    if ((open !== null && b < open.b) || b <= through) {
      // Late beyond the allowed lateness: evidence for an open episode; judged buckets are not revised.
      for (const key of keys) {
        const ep = own(key);
        if (ep === undefined) continue;
        addEvent(ep.c, e, t, p.maxEvidence);
        const f = toFinding(key, ep, p);
        findings.set(f.id, f);
      }
      continue;
    }
    if (open !== null && b > open.b) {
      closeBucket(open);
      open = null;
    }
    open ??= { b, keys: {} };
    const attempt = e.correlationId ?? e.id;
    const first = attempts[attempt] === undefined;
    // An abandonment only closes a flow already counted: it is an outcome, never an attempt of its own.
    if (abandoned && first) continue;
    if (first) attempts[attempt] = b;
    const success = isReset && e.outcome === 'success';
    const failure = isReset && (e.outcome === 'failure' || e.outcome === 'blocked');
    for (const key of keys) {
      const acc = (open.keys[key] ??= newAcc());
      if (first) {
        acc.n += 1;
        acc.users[e.user.name] = (acc.users[e.user.name] ?? 0) + 1;
      }
      if (success) acc.s += 1;
      if (failure) acc.f += 1;
      if (abandoned) acc.a += 1;
      logEvent(acc.log, e, t, p.maxEvidence);
    }
  }
  const lastClosed = lastClosedBucket(ctx.final ? Number.POSITIVE_INFINITY : ctx.watermark, bucketMs);
  if (open !== null && open.b <= lastClosed) {
    closeBucket(open);
    open = null;
  }
  if (lastClosed !== Number.NEGATIVE_INFINITY) {
    for (const k of Object.keys(episodes)) if (lastClosed >= (episodes[k]?.lastHit ?? 0) + gapBuckets + 1) delete episodes[k];
  }
  const state2: ResetSpikeState = { version: 2, since, through: Number.isFinite(through) ? through : null, open, attempts, counts, recent, episodes };
  return { state: state2, findings: [...findings.values()] };
}

function toFinding(key: string, ep: Episode, p: ResetSpikeParams): Finding {
  const scopeName = scopeOf(key);
  const scope = p.scopes[scopeName];
  const end = (ep.lastHit + 1) * p.bucketMinutes * MINUTE_MS;
  const failureShare = ep.n > 0 ? ep.f / ep.n : 0;
  const severity = failureShare >= p.highSeverityFailureShare || ep.peak.n >= 3 * ep.peak.threshold ? 'high' : 'medium';
  const who = scopeName === 'tenant' ? 'tenant' : key.slice(key.indexOf(':') + 1);
  const peak = ep.start === ep.peak.windowStart && end === ep.peak.windowStart + scope.windowHours * HOUR_MS ? '' : `, peak ${ep.peak.n} in ${windowText(ep.peak.windowStart, ep.peak.windowStart + scope.windowHours * HOUR_MS)}`;
  const b = ep.peak.baseline;
  return buildFinding({
    detector: DETECTOR,
    key,
    windowStart: ep.start,
    windowEnd: end,
    severity,
    ...(scopeName === 'user' ? { user: who } : {}),
    caseFile: ep.c,
    attack: resetSpike.meta.attack,
    summary: `Reset spike (${scopeName === 'tenant' ? 'tenant' : `${scopeName} ${who}`}): ${ep.n} SSPR reset attempts ${windowText(ep.start, end)}${peak}, ${comparisonText(ep.peak, scope)}`,
    threshold: {
      judgedThreshold: ep.peak.threshold,
      minCount: scope.minCount,
      minRatio: scope.minRatio,
      madMultiplier: p.madMultiplier,
      windowHours: scope.windowHours,
      coldStart: ep.peak.cold,
      benignWave: ep.peak.benign,
    },
    baseline: ep.peak.cold ? { median: null, mad: null, samples: 0 } : { median: b.median, mad: b.mad, samples: b.samples, periodHours: scope.baselinePeriodHours },
    observed: { attempts: ep.n, peakAttempts: ep.peak.n, succeeded: ep.s, failedOrBlocked: ep.f, users: ep.c.users.length, ips: ep.c.ips.length },
    text:
      `${ep.n} SSPR flows (${ep.s} succeeded, ${ep.f} failed or blocked) for ${scopeName === 'tenant' ? 'the tenant' : who}, ` +
      `involving ${listText(ep.c.users)}; the busiest ${scope.windowHours} h window had ${ep.peak.n}, ${comparisonText(ep.peak, scope)}.`,
  });
}

const defaults = resetSpikeParamsSchema.parse(defaultsJson);

/** SSPR attempt volume far above its own hour-of-week baseline, per tenant, source IP and user. */
export const resetSpike: Detector<ResetSpikeParams, ResetSpikeState> = {
  id: DETECTOR,
  meta: {
    title: 'SSPR reset spike',
    severity: 'medium',
    attack: ['T1110', 'T1098', 'T1531'],
    falsePositives: [
      'A password-expiry wave after a policy change, outside the usual hours (the success-share guard covers business hours)',
      'An SSPR campaign or forced re-registration announced to users',
      'A kiosk or shared PC used by many people to reset',
    ],
    triage:
      'Look at the success share and the source IPs: mostly failed or blocked flows from few IPs at night is an attack; mostly successful flows from office egress during a rollout is not. For user keys, ask the user whether they were trying to reset.',
  },
  paramsSchema: resetSpikeParamsSchema,
  defaults,
  initialState: () => ({ version: 2, since: null, through: null, open: null, attempts: {}, counts: {}, recent: [], episodes: {} }),
  step,
};
