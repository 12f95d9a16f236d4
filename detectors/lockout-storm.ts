/**
 * lockout-storm — many distinct users locked out within minutes: on-prem 4740 (`account.lockout`) and Entra
 * smart lockout (sign-in failure 50053), with the 4767 unlocks (`account.unlock`) that follow correlated into
 * the same finding. A lockout in the hours right after the same user's own successful reset or password
 * change is the benign "old password still on the phone" pattern: it is left out of the storm count and
 * counted in a daily low-severity helpdesk digest (key `helpdesk:post-reset-lockouts`) that does not page.
 *
 * Anchors, and what this does better:
 * - Public "mass lockout" hunting queries (T1110 / T1531, e.g. `EventID == 4740 | summarize dcount(Account)
 *   by bin(TimeGenerated, 10m) | where count > N`) and the Sentinel "Multiple Account Lockouts from Same IP
 *   Source" join of 4740 with 4625 use fixed bins and a fixed N, one log plane, and count every lockout. The
 *   post-expiry Monday (phones retrying the old password after people reset) then looks like an attack. Here:
 *   both planes counted as one person (`alice` = `alice@contoso.com`), post-reset lockouts excluded, a
 *   sliding window evaluated every `bucketMinutes`, a robust baseline (median/MAD of the same window at the
 *   same time of day ± `neighborMinutes` over the past `baselineDays`) on top of the absolute floor so a
 *   large tenant's normal morning does not fire,
 *   and one finding per storm with the helpdesk unlocks that answered it.
 *
 * ATT&CK: T1110 (brute force and spraying are the usual cause of mass lockouts) and T1531 (account access
 * removal: a lockout storm denies users their accounts, whatever the intent).
 */
import type { SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/lockout-storm.json' with { type: 'json' };
import { absorbLog, addEvent, cloneCase, emptyCase, logEvent } from './lib/case-file.ts';
import { accountKey } from './lib/identity.ts';
import { countSpread, robustBaseline, type RobustBaseline } from './lib/stats.ts';
import { bucketOf, DAY_MS, dayOf, eventTime, lastClosedBucket, MINUTE_MS } from './lib/time.ts';
import {
  cloneBucket,
  digestFinding,
  LOCKOUT_STORM_ATTACK,
  LOCKOUT_STORM_ID,
  lockoutStormParamsSchema,
  newBucket,
  stormFinding,
  type Bucket,
  type Episode,
  type LockoutStormParams,
  type LockoutStormState,
} from './lockout-storm-model.ts';
import type { Detector, StepContext, StepResult } from './types.ts';

export { lockoutStormParamsSchema, type LockoutStormParams, type LockoutStormState } from './lockout-storm-model.ts';

type Kind = 'lockout' | 'unlock' | 'reset' | undefined;
function kindOf(e: SsprEvent, p: LockoutStormParams): Kind {
  if (e.action === 'account.lockout') return 'lockout';
  if (e.dataset === 'entra.signin' && e.outcome === 'failure' && e.resultCode !== undefined && p.lockoutResultCodes.includes(e.resultCode)) return 'lockout';
  if (e.outcome !== 'success') return undefined;
  if (e.action === 'account.unlock' || e.action === 'sspr.unlock') return 'unlock';
  return p.resetActions.includes(e.action) ? 'reset' : undefined;
}

function step(state: LockoutStormState, events: readonly SsprEvent[], p: LockoutStormParams, ctx: StepContext): StepResult<LockoutStormState> {
  const bucketMs = p.bucketMinutes * MINUTE_MS;
  const windowN = p.windowMinutes / p.bucketMinutes;
  const baselineN = (p.baselineDays * DAY_MS + p.neighborMinutes * MINUTE_MS) / bucketMs + 1;
  const graceMs = p.postResetGraceMinutes * MINUTE_MS;
  const gapMs = p.mergeGapMinutes * MINUTE_MS;
  let { closed, history, episode, since } = state;
  let through = state.through ?? Number.NEGATIVE_INFINITY;
  let open = state.open === null ? null : cloneBucket(state.open);
  let resets = state.resets;
  let resetsOwned = false;
  let digest = state.digest === null ? null : { ...state.digest, users: { ...state.digest.users }, c: cloneCase(state.digest.c) };
  let episodeOwned = false;
  const findings = new Map<string, Finding>();
  const emit = (f: Finding): void => void findings.set(f.id, f);
  const ownEpisode = (): Episode | null => {
    if (episode !== null && !episodeOwned) {
      episode = { ...episode, users: { ...episode.users }, unlocked: { ...episode.unlocked }, unlockers: [...episode.unlockers], c: cloneCase(episode.c) };
      episodeOwned = true;
    }
    return episode;
  };

  const absorb = (ep: Episode, x: Bucket): void => {
    for (const u in x.users) ep.users[u] = 1;
    absorbLog(ep.c, x.log, p.maxEvidence);
    ep.downRanked += x.downRanked;
    for (const u in x.unlocks) {
      const unlock = x.unlocks[u];
      if (unlock === undefined || ep.users[u] === undefined || ep.unlocked[u] !== undefined) continue;
      ep.unlocked[u] = 1;
      ep.c.idCount += 1;
      if (ep.c.ids.length < p.maxEvidence) ep.c.ids.push(unlock[0]);
      if (!ep.unlockers.includes(unlock[1]) && ep.unlockers.length < p.maxEvidence) ep.unlockers.push(unlock[1]);
    }
  };

  /** Distinct counted users in the window of `windowN` buckets ending at bucket `end`. */
  const windowUsers = (end: number): Set<string> => {
    const users = new Set<string>();
    for (const y of closed) if (y.b > end - windowN && y.b <= end) for (const u in y.users) users.add(u);
    return users;
  };

  /** Threshold for the window ending at bucket `b`: the floor, or the time-of-day baseline when there is one. */
  const judge = (b: number, count: number): { threshold: number; baseline: RobustBaseline } => {
    const samples: number[] = [];
    if (count >= p.minDistinctUsers) {
      const seen = new Map(history);
      const perDay = DAY_MS / bucketMs;
      const around = Math.floor(p.neighborMinutes / p.bucketMinutes);
      for (let d = 1; d <= p.baselineDays; d += 1) {
        for (let o = -around; o <= around; o += 1) {
          const k = b - d * perDay + o;
          if (k >= (since ?? b)) samples.push(seen.get(k) ?? 0);
        }
      }
    }
    const baseline = robustBaseline(samples.length >= p.minBaselineSamples ? samples : []);
    if (baseline.samples === 0) return { threshold: p.minDistinctUsers, baseline };
    const robust = baseline.median + p.madMultiplier * countSpread(baseline);
    return { threshold: Math.ceil(Math.max(p.minDistinctUsers, baseline.median * p.minRatio, robust)), baseline };
  };

  const closeBucket = (x: Bucket): void => {
    const start = x.b * bucketMs;
    if (episode !== null && episode.lastHitEnd + gapMs <= start) episode = null;
    history = history.filter(([hb]) => hb > x.b - baselineN);
    // Windows ending on the empty buckets since the last close still hold earlier lockouts: record them too.
    for (let k = Math.max(through + 1, x.b - windowN + 1); k < x.b; k += 1) {
      const n = windowUsers(k).size;
      if (n > 0) history = [...history, [k, n]];
    }
    through = x.b;
    closed = [...closed.filter((y) => y.b > x.b - windowN), x];
    const users = windowUsers(x.b);
    if (users.size > 0) history = [...history, [x.b, users.size]];
    const { threshold, baseline } = judge(x.b, users.size);
    const hit = users.size >= threshold;
    let ep = ownEpisode();
    if (ep === null && hit) {
      const first = closed.find((y) => Object.keys(y.users).length > 0) ?? x;
      ep = { start: first.b * bucketMs, lastHitEnd: 0, users: {}, unlocked: {}, unlockers: [], downRanked: 0, c: emptyCase(), peak: { users: 0, threshold, baseline, start } };
      for (const y of closed) absorb(ep, y);
      episode = ep;
      episodeOwned = true;
    } else if (ep !== null) absorb(ep, x);
    if (ep !== null) {
      if (hit) {
        ep.lastHitEnd = start + bucketMs;
        if (users.size > ep.peak.users) ep.peak = { users: users.size, threshold, baseline, start: start + bucketMs - p.windowMinutes * MINUTE_MS };
      }
      emit(stormFinding(ep, p));
    }
    if (digest !== null && digest.changed) {
      digest.changed = false;
      if (p.helpdeskDigest) emit(digestFinding(digest, p));
    }
  };

  const setReset = (key: string, t: number): void => {
    if (!resetsOwned) {
      resets = Object.fromEntries(Object.entries(resets).filter(([, rt]) => rt + graceMs >= t));
      resetsOwned = true;
    }
    resets[key] = Math.max(resets[key] ?? t, t);
  };

  if (since === null && events.length > 0) since = bucketOf(eventTime(events, ctx, 0), bucketMs);
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i] as SsprEvent;
    const kind = kindOf(e, p);
    if (kind === undefined) continue;
    const t = eventTime(events, ctx, i);
    const key = accountKey(e.user);
    if (kind === 'reset') {
      setReset(key, t);
      continue;
    }
    const b = bucketOf(t, bucketMs);
    const isLate = (open !== null && b < open.b) || b <= through;
    if (!isLate && open !== null && b > open.b) {
      closeBucket(open);
      open = null;
    }
    const resetAt = resets[key];
    const stale = kind === 'lockout' && resetAt !== undefined && t >= resetAt && t - resetAt <= graceMs;
    if (stale) {
      const day = dayOf(t);
      if (digest === null || (digest.day < day && !isLate)) digest = { day, users: {}, c: emptyCase(), changed: false };
      if (digest.day === day) {
        digest.users[key] = (digest.users[key] ?? 0) + 1;
        addEvent(digest.c, e, t, p.maxEvidence);
        digest.changed = true;
      }
    }
    // Late events join the open storm if there is one; windows already judged are not revisited.
    const target = isLate ? (ownEpisode() === null ? undefined : newBucket(b)) : (open ??= newBucket(b));
    if (target === undefined) continue;
    if (kind === 'unlock') target.unlocks[key] = [e.id, e.actor.name ?? e.actor.kind];
    else if (stale) target.downRanked += 1;
    else {
      target.users[key] = 1;
      logEvent(target.log, e, t, p.maxEvidence);
    }
    if (isLate && episode !== null) {
      absorb(episode, target);
      emit(stormFinding(episode, p));
    }
  }
  const lastClosed = ctx.final ? Number.POSITIVE_INFINITY : lastClosedBucket(ctx.watermark, bucketMs);
  if (open !== null && open.b <= lastClosed) {
    closeBucket(open);
    open = null;
  }
  if (episode !== null && episode.lastHitEnd + gapMs <= (lastClosed + 1) * bucketMs) episode = null;
  return {
    state: { version: 1, through: Number.isFinite(through) ? through : null, since, open, closed, history, resets, episode, digest },
    findings: [...findings.values()],
  };
}

const defaults = lockoutStormParamsSchema.parse(defaultsJson);

/** Many users locked out within minutes, stale-password retries after a user's own reset excluded. */
export const lockoutStorm: Detector<LockoutStormParams, LockoutStormState> = {
  id: LOCKOUT_STORM_ID,
  meta: {
    title: 'Lockout storm',
    severity: 'high',
    attack: LOCKOUT_STORM_ATTACK,
    falsePositives: [
      'A password policy or fine-grained policy change that expires many passwords at once',
      'A service or script running with a stale credential across many accounts',
      'Low-severity helpdesk digests (key helpdesk:post-reset-lockouts) are informational: stale passwords on phones',
    ],
    triage:
      'Look at the source IPs (Entra 50053) and caller computers (4740) the lockouts share: one external IP or a handful of workstations means spraying; a single internal server means a misconfigured service. Check whether helpdesk unlocks are keeping up.',
  },
  paramsSchema: lockoutStormParamsSchema,
  defaults,
  initialState: () => ({ version: 1, through: null, since: null, open: null, closed: [], history: [], resets: {}, episode: null, digest: null }),
  step,
};
