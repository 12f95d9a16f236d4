import { z } from 'zod';
import { mfaResultSchema, type SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/mfa-fatigue.json' with { type: 'json' };
import { findingId } from './finding-id.ts';
import { isInteractive, placeLabel } from './geo.ts';
import { emptyKeyed, KeyedWriter, type KeyedMap } from './keyed-state.ts';
import { addCapped } from './lib/case-file.ts';
import { eventTime, isoOf, MINUTE_MS } from './lib/time.ts';
import type { Detector, DetectorMeta } from './types.ts';

/**
 * mfa-fatigue: repeated refused MFA prompts for one user (push bombing), streamed.
 *
 * Anchors: Sentinel "MFA Spamming followed by Successful login" (daily query: >10 denial rows of two exact
 * wordings plus a success within 5 min, per user and IP) and Splunk "Azure AD Multiple Denied MFA Requests For
 * User" (>9 rows of one wording, error 500121, in fixed 10-minute buckets). What this does better:
 * - Counts distinct prompts: retries of one push share a request id and are counted once; the anchors count
 *   log rows, so their thresholds are inflated and a retry storm from one prompt can fire them.
 * - Every refusal wording counts (the parsers map them to `mfaResult`), not one or two literal strings.
 * - A sliding window instead of fixed buckets: a burst straddling a bucket edge is not split in two.
 * - One burst → one finding whose window starts at the first refusal; later refusals, a fraud report and the
 *   approval update it (same id), and a replay or re-run never duplicates it.
 * - Critical on a follow-up that means the attacker may be in within `followUpMinutes`: an approval, an SSPR
 *   reset, or an interactive sign-in from an address that generated the prompts; and at once on a fraud report.
 *   The user's own sign-in from their usual place and token refreshes do not escalate.
 *
 * Defaults (defaults/mfa-fatigue.json) and why:
 * - `minDenials` 5 distinct prompts in `windowMinutes` 30. Splunk's >9 and Sentinel's >10 count rows; Entra logs
 *   one push several times (retries share the original request id) under several wordings, so those thresholds
 *   stand for roughly half as many real prompts. Both look at 5-10 minutes, which a slow drip (one push every
 *   3-6 minutes) slips under; five distinct refusals in half an hour is still far from a user's own slips.
 * - `followUpMinutes` 60: push-bombing campaigns (Lapsus$, Scattered Spider) pause and resume, so Sentinel's
 *   5 minutes misses the approval that comes after a pause. A burst stays open (refusals extend it) for
 *   max(window, follow-up) after its last refusal.
 * - `denialResults`: every refusal the parsers map (declined, no response, wrong number, duplicate, other).
 */

/** Params of `mfa-fatigue`, validated once at start-up; unknown keys are refused. */
export const mfaFatigueParamsSchema = z
  .object({
    windowMinutes: z.number().positive(),
    minDenials: z.number().int().min(2),
    followUpMinutes: z.number().positive(),
    denialResults: z.array(mfaResultSchema.exclude(['approved', 'fraud'])).min(1),
    maxEvidence: z.number().int().min(2),
    maxTrackedRequests: z.number().int().min(2),
  })
  .strict();
/** Params of `mfa-fatigue` (units in the names). */
export type MfaFatigueParams = z.infer<typeof mfaFatigueParamsSchema>;

/** A refused prompt waiting in the sliding window: time (epoch ms), event id, request key, result. */
interface Denial {
  t: number;
  id: string;
  k: string;
  r: string;
  ip?: string;
  place?: string;
}

type FollowKind = 'approval' | 'signin' | 'reset';

/** An open burst: one finding. */
interface Burst {
  start: number;
  last: number;
  n: number;
  ev: string[];
  keys: string[];
  ips: string[];
  places: string[];
  by: Record<string, number>;
  fraud?: string;
  follow?: { t: number; id: string; kind: FollowKind; sameIp: boolean };
}

/** A user's sliding window, open burst, and newest event processed (time, id): older ones are replays. */
interface UserMfa {
  q: Denial[];
  burst?: Burst;
  wt: number;
  wid: string;
}

/** State of `mfa-fatigue`: per-user sliding window of refusals and the open burst. */
export interface MfaFatigueState {
  version: 1;
  users: KeyedMap<UserMfa>;
  /** Event time (epoch ms) of the next eviction sweep. */
  sweepAt: number;
  /** Newest event time processed (epoch ms): events older than it by the open-burst horizon are replays. */
  lastT: number;
}

const ID = 'mfa-fatigue';
const MIN = MINUTE_MS;

/** Metadata shown to analysts. */
export const mfaFatigueMeta: DetectorMeta = {
  title: 'MFA fatigue: repeated refused MFA prompts for one user',
  severity: 'high',
  attack: ['T1621', 'T1078.004'],
  falsePositives: [
    'A user whose phone lost connectivity (timeouts) while they retried sign-in many times.',
    'A misconfigured client or script retrying a sign-in that requires MFA.',
  ],
  triage:
    'Ask the user whether they were trying to sign in; check the IPs and locations of the prompts. If an approval ' +
    'or sign-in followed, revoke sessions, reset the password and review newly registered security info.',
};

const FOLLOW_TEXT: Record<FollowKind, string> = { approval: 'approved a prompt', signin: 'signed in interactively', reset: 'reset the password via SSPR' };

function followKind(e: SsprEvent): FollowKind | undefined {
  if (e.outcome !== 'success') return undefined;
  if (e.mfaResult === 'approved') return 'approval';
  if (e.action === 'signin' && isInteractive(e)) return 'signin';
  return e.action === 'sspr.reset' ? 'reset' : undefined;
}

const copyUser = (u: UserMfa): UserMfa => ({
  q: u.q.slice(),
  wt: u.wt,
  wid: u.wid,
  ...(u.burst
    ? { burst: { ...u.burst, ev: u.burst.ev.slice(), keys: u.burst.keys.slice(), ips: u.burst.ips.slice(), places: u.burst.places.slice(), by: { ...u.burst.by } } }
    : {}),
});

function addDenial(b: Burst, d: Denial, p: MfaFatigueParams): void {
  b.n += 1;
  b.by[d.r] = (b.by[d.r] ?? 0) + 1;
  b.last = Math.max(b.last, d.t);
  addCapped(b.ev, d.id, p.maxEvidence);
  addCapped(b.keys, d.k, p.maxTrackedRequests);
  addCapped(b.ips, d.ip, p.maxEvidence);
  addCapped(b.places, d.place, p.maxEvidence);
}

function toFinding(user: string, b: Burst, p: MfaFatigueParams): Finding {
  const critical = b.follow !== undefined || b.fraud !== undefined;
  const span = Math.round((b.last - b.start) / MIN);
  const f = b.follow;
  const after = f ? Math.round((f.t - b.last) / MIN) : 0;
  const summary =
    `${user} refused ${b.n} MFA prompt${b.n === 1 ? '' : 's'} in ${span} min` +
    (b.fraud ? ' and reported one as fraud' : '') +
    (f ? `, then ${FOLLOW_TEXT[f.kind]} ${after} min later` : '');
  const text =
    `${b.n} distinct refused prompts (retries of one request counted once) between ${isoOf(b.start)} and ${isoOf(b.last)}; ` +
    `the limit is ${p.minDenials} in ${p.windowMinutes} min.` +
    (b.fraud ? ' The user reported a prompt as fraud.' : '') +
    (f ? ` ${f.kind === 'approval' ? 'An approval' : f.kind === 'signin' ? 'An interactive sign-in' : 'An SSPR reset'} followed ` +
      `${after} min after the last refusal${f.sameIp ? ', from an address that generated the prompts' : ''}: the attacker may be in.` : '');
  const by: Record<string, number> = {};
  for (const r of Object.keys(b.by).sort()) by[r] = b.by[r] ?? 0;
  const evidence = [...b.ev];
  if (b.fraud && !evidence.includes(b.fraud)) evidence.push(b.fraud);
  if (f) evidence.push(f.id);
  return {
    id: findingId(ID, `user:${user}`, b.start),
    detector: ID,
    key: `user:${user}`,
    severity: critical ? 'critical' : 'high',
    status: 'open',
    user,
    ips: b.ips.slice(),
    firstSeen: isoOf(b.start),
    lastSeen: isoOf(Math.max(b.last, f?.t ?? 0)),
    summary,
    explanation: {
      window: { start: isoOf(b.start), end: isoOf(Math.max(b.last, f?.t ?? 0)) },
      threshold: { minDenials: p.minDenials, windowMinutes: p.windowMinutes, followUpMinutes: p.followUpMinutes },
      baseline: {},
      observed: {
        denials: b.n,
        spanMinutes: span,
        distinctIps: b.ips.length,
        fraudReported: b.fraud !== undefined,
        followUp: f ? f.kind : 'none',
        ...(f ? { minutesToFollowUp: after, followUpFromPromptIp: f.sameIp } : {}),
        ...by,
      },
      text,
    },
    evidence,
    attack: f ? [...mfaFatigueMeta.attack] : ['T1621'],
    entities: { users: [user], ips: b.ips.slice(), locations: b.places.slice() },
  };
}

/** The mfa-fatigue detector. */
export const mfaFatigue: Detector<MfaFatigueParams, MfaFatigueState> = {
  id: ID,
  meta: mfaFatigueMeta,
  paramsSchema: mfaFatigueParamsSchema,
  defaults: mfaFatigueParamsSchema.parse(defaultsJson),
  initialState: () => ({ version: 1, users: emptyKeyed(), sweepAt: 0, lastT: 0 }),
  step(state, events, p, ctx) {
    const users = new KeyedWriter(state.users);
    const denial = new Set<string>(p.denialResults);
    const windowMs = p.windowMinutes * MIN;
    const followMs = p.followUpMinutes * MIN;
    // A burst stays open (later refusals extend it, a follow-up escalates it) this long after its last refusal.
    const openMs = Math.max(windowMs, followMs);
    const out = new Map<string, Finding>();
    let sweepAt = state.sweepAt;
    let lastT = state.lastT;
    for (let i = 0; i < events.length; i += 1) {
      const e = events[i] as SsprEvent;
      const r = e.mfaResult;
      const refused = e.action === 'mfa.challenge' && e.outcome === 'failure' && r !== undefined && denial.has(r);
      const fraud = r === 'fraud';
      const follow = refused || fraud ? undefined : followKind(e);
      if (!refused && !fraud && follow === undefined) continue;
      const t = eventTime(events, ctx, i);
      if (t >= sweepAt) {
        users.sweep((u) => (u.q.length > 0 && (u.q[u.q.length - 1]?.t ?? 0) > t - windowMs) || (u.burst !== undefined && u.burst.last > t - openMs));
        sweepAt = t + openMs;
      }
      // Fast path: a follow-up only matters to a user with an open burst; with no user tracked at all, skip the
      // key and lookup (the common case: most steps see sign-ins and no refusal).
      if (follow !== undefined && users.empty) {
        if (t >= lastT - openMs) lastT = Math.max(lastT, t);
        continue;
      }
      const key = `u:${e.user.name}`;
      const stored = users.get(key);
      if (t < lastT - openMs || (stored && (t < stored.wt || (t === stored.wt && e.id <= stored.wid)))) continue;
      lastT = Math.max(lastT, t);
      if (follow !== undefined && !stored?.burst) continue;
      const u = users.edit(key, copyUser, () => ({ q: [], wt: t, wid: e.id }));
      u.wt = t;
      u.wid = e.id;
      if (u.burst && t - u.burst.last > openMs) delete u.burst;
      const b = u.burst;
      if (follow !== undefined) {
        if (!b || b.follow || t - b.last > followMs) continue;
        const ip = e.source?.ip;
        const sameIp = ip !== undefined && b.ips.includes(ip);
        // A sign-in counts only from an address that generated the prompts (the attacker getting in); the user's
        // own sign-in from elsewhere is not a follow-up. An approval or an SSPR reset counts from anywhere.
        if (follow === 'signin' && !sameIp) continue;
        b.follow = { t, id: e.id, kind: follow, sameIp };
      } else {
        const d: Denial = { t, id: e.id, k: e.requestId ?? e.id, r: r ?? 'other' };
        if (e.source?.ip !== undefined) d.ip = e.source.ip;
        const place = placeLabel(e.source?.geo);
        if (place !== 'unknown') d.place = place;
        const seen = (b && b.keys.includes(d.k)) || u.q.some((x) => x.k === d.k);
        if (b) {
          if (!seen) addDenial(b, d, p);
          if (fraud) b.fraud ??= e.id;
          if (seen && !fraud) continue;
        } else {
          while (u.q.length > 0 && t - (u.q[0]?.t ?? 0) > windowMs) u.q.shift();
          if (!seen) u.q.push(d);
          if (u.q.length > p.maxTrackedRequests) u.q.shift();
          if (u.q.length < p.minDenials && !fraud) continue;
          const first = u.q[0] as Denial;
          const burst: Burst = { start: first.t, last: first.t, n: 0, ev: [], keys: [], ips: [], places: [], by: {} };
          for (const x of u.q) addDenial(burst, x, p);
          if (fraud) burst.fraud = e.id;
          u.q = [];
          u.burst = burst;
        }
      }
      const f = toFinding(e.user.name, u.burst as Burst, p);
      out.set(f.id, f);
    }
    return { state: { version: 1, users: users.commit(), sweepAt, lastT }, findings: [...out.values()] };
  },
};
