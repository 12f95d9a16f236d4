/**
 * reset-spray — one IP or network (/24 IPv4, /64 IPv6 by default) driving SSPR attempts that fail the gate
 * ("verification failed", "blocked", failed or abandoned flows) across many distinct users: SSPR portal
 * enumeration and verification spraying.
 *
 * Anchors, and what this does better:
 * - Sentinel "Password spray attack against Microsoft Entra ID application" (SigninPasswordSpray.yaml) counts
 *   `dcount(UserPrincipalName) >= 5` failing sign-ins per IP in fixed 20-minute bins, per single IP, and
 *   drops IPs whose failing principals do not outnumber succeeding ones over 3 days. Fixed bins split a burst
 *   that straddles a boundary and miss a slow spray; per-IP keys miss an attacker rotating through a /24;
 *   five users is an office NAT on a Monday morning. Here: SSPR flows (the anchor reads sign-ins only);
 *   sliding windows evaluated every `bucketMinutes` (a fast one and a 24 h one for low-and-slow); the
 *   network as key; a per-user outcome inside the window (a user who failed and then reset successfully
 *   from the same network is a person, not a target), so the share of unsuccessful users separates a
 *   NAT's busy morning (mostly successes) from enumeration (mostly failures); the fast window must also be
 *   mostly unsuccessful over the last 24 h, so a shared egress's one bad hour stays quiet while a fresh
 *   spraying network does not; and one finding per episode (a continuing spray extends it) instead of one
 *   per bin. The anchor's 3-day success/failure comparison is kept in spirit, over one day and per flow.
 * - Splunk "Azure AD / O365 Multiple Users Failing To Authenticate From Ip" (> 10 or > 30 users in 5-minute
 *   bins) has the same fixed-bin and per-IP limits, with no success-share guard at all.
 *
 * ATT&CK: T1110.003 (password spraying: one source, many accounts, few tries each) and T1589.002 (the SSPR
 * portal confirms which submitted names are real accounts: victim identity gathering).
 */
import type { SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/reset-spray.json' with { type: 'json' };
import { addEvent, cloneCase, cloneLog, emptyCase, emptyLog, logEvent, absorbLog } from './lib/case-file.ts';
import { networkOf } from './lib/net.ts';
import { bucketOf, eventTime, lastClosedBucket, MINUTE_MS } from './lib/time.ts';
import {
  ATTEMPTED,
  countUsers,
  FAILED,
  RESET_SPRAY_ATTACK,
  RESET_SPRAY_ID,
  resetSprayParamsSchema,
  SUCCEEDED,
  toFinding,
  type Bucket,
  type Episode,
  type NetSlice,
  type ResetSprayParams,
  type ResetSprayState,
  type WindowView,
} from './reset-spray-model.ts';
import type { Detector, StepContext, StepResult } from './types.ts';

export { resetSprayParamsSchema, type ResetSprayParams, type ResetSprayState } from './reset-spray-model.ts';

function classify(e: SsprEvent, p: ResetSprayParams): number {
  if (e.action === 'sspr.progress') {
    const step = e.ssprStep ?? 'other';
    if (p.failingSteps.includes(step)) return ATTEMPTED | FAILED;
    if (p.successSteps.includes(step)) return ATTEMPTED | SUCCEEDED;
    return ATTEMPTED;
  }
  if (e.action === 'sspr.reset' || e.action === 'sspr.unlock') {
    if (e.outcome === 'success') return ATTEMPTED | SUCCEEDED;
    if (e.outcome === 'failure' || e.outcome === 'blocked') return ATTEMPTED | FAILED;
    return ATTEMPTED;
  }
  return 0;
}

const cloneSlice = (s: NetSlice): NetSlice => ({ users: { ...s.users }, log: cloneLog(s.log) });
const cloneBucket = (b: Bucket): Bucket => ({ b: b.b, nets: Object.fromEntries(Object.entries(b.nets).map(([k, s]) => [k, cloneSlice(s)])) });

function addToSlice(nets: Record<string, NetSlice>, net: string, e: SsprEvent, t: number, flags: number, cap: number): void {
  const slice = (nets[net] ??= { users: {}, log: emptyLog() });
  slice.users[e.user.name] = (slice.users[e.user.name] ?? 0) | flags;
  logEvent(slice.log, e, t, cap);
}

/** One step's working copy: input state is never mutated; touched episodes and buckets are copied first. */
function step(state: ResetSprayState, events: readonly SsprEvent[], p: ResetSprayParams, ctx: StepContext): StepResult<ResetSprayState> {
  const bucketMs = p.bucketMinutes * MINUTE_MS;
  const fastN = p.windowMinutes / p.bucketMinutes;
  const slowN = Math.max(fastN, p.slowWindowMinutes / p.bucketMinutes);
  const gapMs = p.mergeGapMinutes * MINUTE_MS;
  let open = state.open === null ? null : cloneBucket(state.open);
  let closed = state.closed;
  let through = state.through ?? Number.NEGATIVE_INFINITY;
  const episodes = { ...state.episodes };
  const owned = new Set<string>();
  const findings = new Map<string, Finding>();

  const own = (net: string): Episode | undefined => {
    const ep = episodes[net];
    if (ep === undefined || owned.has(net)) return ep;
    const copy = { ...ep, users: { ...ep.users }, c: cloneCase(ep.c), peak: { ...ep.peak } };
    episodes[net] = copy;
    owned.add(net);
    return copy;
  };
  const expireBefore = (t: number): void => {
    for (const net of Object.keys(episodes)) if ((episodes[net]?.lastHitEnd ?? 0) + gapMs <= t) delete episodes[net];
  };

  // Per step, not in state: network → its slices in the closed buckets, oldest first, built at the first close.
  let index: Map<string, { b: number; s: NetSlice }[]> | undefined;
  const indexed = (): Map<string, { b: number; s: NetSlice }[]> => {
    if (index !== undefined) return index;
    const built = new Map<string, { b: number; s: NetSlice }[]>();
    for (const bucket of closed) for (const net in bucket.nets) built.set(net, [...(built.get(net) ?? []), { b: bucket.b, s: bucket.nets[net] as NetSlice }]);
    return (index = built);
  };

  /** Users over the last `slowN` buckets for one network, with the fast window's counts taken on the way. */
  const windows = (net: string, b: number): { fast: WindowView; slow: WindowView; slices: { b: number; s: NetSlice }[] } => {
    const users: Record<string, number> = {};
    const slices: { b: number; s: NetSlice }[] = [];
    const all = indexed().get(net) ?? [];
    let fast: WindowView | undefined;
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const { b: sb, s } = all[i] as { b: number; s: NetSlice };
      if (sb > b) continue;
      if (fast === undefined && sb <= b - fastN) fast = { minutes: p.windowMinutes, start: (b - fastN + 1) * bucketMs, ...countUsers(users) };
      if (sb <= b - slowN) break;
      slices.unshift({ b: sb, s });
      for (const name in s.users) users[name] = (users[name] ?? 0) | (s.users[name] ?? 0);
    }
    const slow = { minutes: p.slowWindowMinutes, start: (b - slowN + 1) * bucketMs, ...countUsers(users) };
    return { fast: fast ?? { ...slow, minutes: p.windowMinutes, start: (b - fastN + 1) * bucketMs }, slow, slices };
  };
  const share = (w: WindowView): number => (w.distinct === 0 ? 0 : w.unsuccessful / w.distinct);
  // The fast window must also look bad over the slow one: a shared egress has a bad hour now and then, but
  // over a day most of its SSPR users succeed; a spraying network's day is mostly failures.
  const fastHit = (f: WindowView, s: WindowView): boolean =>
    f.unsuccessful >= p.minDistinctUsers && share(f) >= p.minUnsuccessfulShare && share(s) >= p.minUnsuccessfulShare;
  const slowHit = (s: WindowView): boolean => s.unsuccessful >= p.slowMinDistinctUsers && share(s) >= p.slowMinUnsuccessfulShare;

  const closeBucket = (bucket: Bucket): void => {
    const start = bucket.b * bucketMs;
    through = bucket.b;
    expireBefore(start);
    const map = indexed();
    for (const net in bucket.nets) map.set(net, [...(map.get(net) ?? []).filter((x) => x.b > bucket.b - slowN), { b: bucket.b, s: bucket.nets[net] as NetSlice }]);
    let drop = 0;
    while (drop < closed.length && (closed[drop]?.b ?? 0) <= bucket.b - slowN) drop += 1;
    closed = [...closed.slice(drop), bucket];
    for (const net of Object.keys(bucket.nets)) {
      const slice = bucket.nets[net];
      if (slice === undefined) continue;
      const { fast, slow, slices } = windows(net, bucket.b);
      const hit = fastHit(fast, slow) ? fast : slowHit(slow) ? slow : undefined;
      let ep = own(net);
      if (ep !== undefined) {
        for (const name in slice.users) ep.users[name] = (ep.users[name] ?? 0) | (slice.users[name] ?? 0);
        absorbLog(ep.c, slice.log, p.maxEvidence);
      } else if (hit !== undefined) {
        const inWindow = slices.filter((x) => x.b * bucketMs >= hit.start);
        ep = { start: (inWindow[0]?.b ?? bucket.b) * bucketMs, lastHitEnd: 0, users: {}, c: emptyCase(), peak: hit };
        for (const x of inWindow) {
          for (const name in x.s.users) ep.users[name] = (ep.users[name] ?? 0) | (x.s.users[name] ?? 0);
          absorbLog(ep.c, x.s.log, p.maxEvidence);
        }
        episodes[net] = ep;
        owned.add(net);
      } else continue;
      if (hit !== undefined) {
        ep.lastHitEnd = start + bucketMs;
        if (hit.unsuccessful > ep.peak.unsuccessful) ep.peak = hit;
      }
      const f = toFinding(net, ep, p);
      findings.set(f.id, f);
    }
  };

  const late = (e: SsprEvent, t: number, net: string, flags: number): void => {
    const b = bucketOf(t, bucketMs);
    if (b > Math.max(open?.b ?? through, through) - slowN) {
      // Keep it for the windows still to be judged; windows already judged are not revisited.
      const at = closed.findIndex((x) => x.b >= b);
      const found = at >= 0 && closed[at]?.b === b ? closed[at] : undefined;
      const copy = found === undefined ? { b, nets: {} } : cloneBucket(found);
      addToSlice(copy.nets, net, e, t, flags, p.maxEvidence);
      if (at < 0) closed = [...closed, copy];
      else closed = [...closed.slice(0, at), copy, ...closed.slice(found === undefined ? at : at + 1)];
      index = undefined;
    }
    const ep = own(net);
    if (ep === undefined) return;
    ep.users[e.user.name] = (ep.users[e.user.name] ?? 0) | flags;
    addEvent(ep.c, e, t, p.maxEvidence);
    const f = toFinding(net, ep, p);
    findings.set(f.id, f);
  };

  const nets = new Map<string, string | undefined>();
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i] as SsprEvent;
    const ip = e.source?.ip;
    if (ip === undefined) continue;
    const flags = classify(e, p);
    if (flags === 0) continue;
    let net = nets.get(ip);
    if (net === undefined && !nets.has(ip)) nets.set(ip, (net = networkOf(ip, p.ipv4PrefixLength, p.ipv6PrefixLength)));
    if (net === undefined) continue;
    const t = eventTime(events, ctx, i);
    const b = bucketOf(t, bucketMs);
    if ((open !== null && b < open.b) || b <= through) {
      late(e, t, net, flags);
      continue;
    }
    if (open !== null && b > open.b) {
      closeBucket(open);
      open = null;
    }
    open ??= { b, nets: {} };
    addToSlice(open.nets, net, e, t, flags, p.maxEvidence);
  }
  const lastClosed = ctx.final ? Number.POSITIVE_INFINITY : lastClosedBucket(ctx.watermark, bucketMs);
  if (open !== null && open.b <= lastClosed) {
    closeBucket(open);
    open = null;
  }
  if (lastClosed === Number.POSITIVE_INFINITY) expireBefore(Number.POSITIVE_INFINITY);
  else if (Number.isFinite(lastClosed)) expireBefore((lastClosed + 1) * bucketMs);
  const saved = Number.isFinite(through) ? through : null;
  return { state: { version: 1, through: saved, open, closed, episodes }, findings: [...findings.values()] };
}

const defaults = resetSprayParamsSchema.parse(defaultsJson);

/** SSPR enumeration / verification spraying from one network across many users. */
export const resetSpray: Detector<ResetSprayParams, ResetSprayState> = {
  id: RESET_SPRAY_ID,
  meta: {
    title: 'SSPR spraying from one network',
    severity: 'medium',
    attack: RESET_SPRAY_ATTACK,
    falsePositives: [
      'A shared egress (office NAT, VPN, carrier-grade NAT) during an SSPR rollout where many users abandon the flow',
      'An SSPR load or UX test run from one lab network against test accounts',
    ],
    triage:
      'Check whether the network is yours (office, VPN, proxy) and which users it tried. Users listed as succeeded reset their password from the spraying network: treat those accounts as possibly taken over and check their sign-ins and method changes next.',
  },
  paramsSchema: resetSprayParamsSchema,
  defaults,
  initialState: () => ({ version: 1, through: null, open: null, closed: [], episodes: {} }),
  step,
};
