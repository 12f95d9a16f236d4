/**
 * reset-spike — SSPR reset-attempt volume far above its own seasonal baseline, tenant-wide, per source IP and
 * per user. An attempt is one SSPR flow (events sharing a correlation id: the first progress step or the
 * reset record), so a five-step flow counts once. Each closed hour, every active key's window (1 h for tenant
 * and IP, 24 h for a user by default) is compared with the same window at the same hour of the week (± a
 * neighbour hour) over the previous weeks, falling back to the same hour of the previous days while history
 * is short: median/MAD via `simple-statistics`, threshold = max(floor, ratio × median, median + k × spread).
 * A window whose attempts mostly succeeded (an expiry wave) must clear a higher threshold, so a Monday-morning
 * wave stays quiet while a 10× burst at 3 a.m. fires. A tenant spike that one IP or a few users explain, and
 * an IP spike that one user explains, are left to the narrower finding. Consecutive spike hours (gaps up to
 * `mergeGapHours`) are one episode, one finding, keyed on its first window.
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
import { eventTime, HOUR_MS, windowText } from './lib/time.ts';
import { comparisonText, judge, resetSpikeParamsSchema, retentionHours, scopeOf, type ResetSpikeParams, type Verdict } from './reset-spike-judge.ts';
import type { Detector, StepContext, StepResult } from './types.ts';

export { resetSpikeParamsSchema, type ResetSpikeParams } from './reset-spike-judge.ts';

/** One key's attempts in one hour: `n` attempts, `s` succeeded, `f` failed or blocked, attempts per user. */
interface KeyAcc {
  n: number;
  s: number;
  f: number;
  users: Record<string, number>;
  log: EvidenceLog;
}
interface Hour {
  h: number;
  keys: Record<string, KeyAcc>;
}
interface OpenHour extends Hour {
  /** Attempt (flow) ids already counted this hour. */
  attempts: Record<string, 1>;
}
interface Episode {
  start: number;
  lastHit: number;
  n: number;
  s: number;
  f: number;
  c: CaseFile;
  peak: Verdict;
  /** Quiet hours since the last spike hour (closed, never edited): folded in if another spike hour follows within the gap. */
  tail: KeyAcc[];
}
/** Detector state: the open hour, closed hourly counts for the baselines, recent hours with evidence, episodes. */
export interface ResetSpikeState {
  version: 1;
  since: number | null;
  through: number | null;
  open: OpenHour | null;
  /** Hour index → key → attempts, for closed hours within the baseline horizon. */
  counts: Record<string, Record<string, number>>;
  /** Closed hours within the longest window, with their evidence. */
  recent: Hour[];
  episodes: Record<string, Episode>;
}

const DETECTOR = 'reset-spike';
const newAcc = (): KeyAcc => ({ n: 0, s: 0, f: 0, users: {}, log: emptyLog() });
const cloneAcc = (a: KeyAcc): KeyAcc => ({ ...a, users: { ...a.users }, log: cloneLog(a.log) });

function step(state: ResetSpikeState, events: readonly SsprEvent[], p: ResetSpikeParams, ctx: StepContext): StepResult<ResetSpikeState> {
  const retention = retentionHours(p);
  const longest = Math.max(...Object.values(p.scopes).map((s) => s.windowHours));
  let { since, counts, recent } = state;
  let through = state.through ?? Number.NEGATIVE_INFINITY;
  let open: OpenHour | null = state.open === null ? null : { ...state.open, attempts: { ...state.open.attempts }, keys: Object.fromEntries(Object.entries(state.open.keys).map(([k, a]) => [k, cloneAcc(a)])) };
  const episodes = { ...state.episodes };
  const owned = new Set<string>();
  const findings = new Map<string, Finding>();
  const own = (key: string): Episode | undefined => {
    const ep = episodes[key];
    if (ep === undefined || owned.has(key)) return ep;
    owned.add(key);
    return (episodes[key] = { ...ep, c: cloneCase(ep.c), tail: [...ep.tail] });
  };
  const count = (hour: number, key: string): number => (open !== null && hour === open.h ? open.keys[key]?.n : counts[hour]?.[key]) ?? 0;
  /** The key's closed hourly accumulators in the window of `w` hours ending at `h` (newest first). */
  const windowAccs = (key: string, h: number, w: number): KeyAcc[] => {
    const out: KeyAcc[] = [];
    for (let i = recent.length - 1; i >= 0; i -= 1) {
      const r = recent[i] as Hour;
      if (r.h <= h - w) break;
      const a = r.h <= h ? r.keys[key] : undefined;
      if (a !== undefined) out.push(a);
    }
    return out;
  };

  const closeHour = (x: Hour): void => {
    through = x.h;
    const hourCounts: Record<string, number> = {};
    for (const k in x.keys) hourCounts[k] = x.keys[k]?.n ?? 0;
    const kept: Record<string, Record<string, number>> = {};
    for (const hk in counts) if (Number(hk) > x.h - retention) kept[hk] = counts[hk] ?? {};
    counts = { ...kept, [x.h]: hourCounts };
    recent = [...recent.filter((r) => r.h > x.h - longest), { h: x.h, keys: x.keys }];
    for (const k of Object.keys(episodes)) if (x.h > (episodes[k]?.lastHit ?? 0) + p.mergeGapHours + 1) delete episodes[k];

    const verdicts = new Map<string, Verdict>();
    for (const key in x.keys) {
      const scope = p.scopes[scopeOf(key)];
      if (!scope.enabled) continue;
      const accs = scope.windowHours === 1 ? [x.keys[key] as KeyAcc] : windowAccs(key, x.h, scope.windowHours);
      let n = 0;
      let succeeded = 0;
      for (const a of accs) {
        n += a.n;
        succeeded += a.s;
      }
      if (n < Math.min(scope.minCount, scope.coldStartMinCount)) continue;
      const share = succeeded / Math.max(1, n);
      verdicts.set(key, judge(key, x.h, n, share, scope, p, since ?? x.h, count));
    }
    // Leave a wide spike to the narrower findings that explain it: IP → one user, tenant → IPs or users.
    const hits = (prefix: string): string[] => [...verdicts].filter(([k, v]) => v.hit && k.startsWith(prefix)).map(([k]) => k);
    for (const ip of hits('ip:')) {
      const acc = x.keys[ip];
      const top = Object.entries(acc?.users ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      if (acc && top && top[1] >= p.explainedShare * acc.n && verdicts.get(`user:${top[0]}`)?.hit) verdicts.delete(ip);
    }
    const tenant = x.keys.tenant;
    if (tenant !== undefined && verdicts.get('tenant')?.hit) {
      const covered = (prefix: string): number => hits(prefix).reduce((sum, k) => sum + (x.keys[k]?.n ?? 0), 0);
      if (Math.max(covered('ip:'), covered('user:')) >= p.explainedShare * tenant.n) verdicts.delete('tenant');
    }

    for (const key in x.keys) {
      const acc = x.keys[key] as KeyAcc;
      const v = verdicts.get(key);
      let ep = own(key);
      if (ep === undefined) {
        if (!v?.hit) continue;
        ep = { start: v.windowStart, lastHit: x.h, n: 0, s: 0, f: 0, c: emptyCase(), peak: v, tail: [] };
        for (const a of windowAccs(key, x.h, p.scopes[scopeOf(key)].windowHours).reverse()) absorb(ep, a);
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
      ep.lastHit = x.h;
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
    if (!isAttemptStep && !isReset) continue;
    const t = eventTime(events, ctx, i);
    const h = Math.floor(t / HOUR_MS);
    since ??= h;
    const keys = ['tenant', `user:${e.user.name}`];
    if (e.source?.ip !== undefined) keys.push(`ip:${e.source.ip}`);
    if ((open !== null && h < open.h) || h <= through) {
      // Late beyond the allowed lateness: evidence for an open episode; judged hours are not revised.
      for (const key of keys) {
        const ep = own(key);
        if (ep === undefined) continue;
        addEvent(ep.c, e, t, p.maxEvidence);
        const f = toFinding(key, ep, p);
        findings.set(f.id, f);
      }
      continue;
    }
    if (open !== null && h > open.h) {
      closeHour(open);
      open = null;
    }
    open ??= { h, keys: {}, attempts: {} };
    const attempt = e.correlationId ?? e.id;
    const first = open.attempts[attempt] === undefined;
    open.attempts[attempt] = 1;
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
      logEvent(acc.log, e, t, p.maxEvidence);
    }
  }
  const lastClosed = ctx.final ? Number.POSITIVE_INFINITY : Math.floor(ctx.watermark / HOUR_MS) - 1;
  if (open !== null && open.h <= lastClosed) {
    closeHour(open);
    open = null;
  }
  if (Number.isFinite(lastClosed) || lastClosed === Number.POSITIVE_INFINITY) {
    for (const k of Object.keys(episodes)) if (lastClosed >= (episodes[k]?.lastHit ?? 0) + p.mergeGapHours + 1) delete episodes[k];
  }
  const state2: ResetSpikeState = { version: 1, since, through: Number.isFinite(through) ? through : null, open, counts, recent, episodes };
  return { state: state2, findings: [...findings.values()] };
}

function toFinding(key: string, ep: Episode, p: ResetSpikeParams): Finding {
  const scopeName = scopeOf(key);
  const scope = p.scopes[scopeName];
  const end = (ep.lastHit + 1) * HOUR_MS;
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
  initialState: () => ({ version: 1, since: null, through: null, open: null, counts: {}, recent: [], episodes: {} }),
  step,
};
