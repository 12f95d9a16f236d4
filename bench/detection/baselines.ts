/**
 * Baselines for the detection benchmark: the published fixed-threshold rules our detectors are measured
 * against, reimplemented over the stored events. Each is a pure function of SsprEvent[] in (timestamp, id)
 * order returning alerts in the matcher's finding shape (score.ts), with `detector` set to the detector it
 * competes with so the same matcher scores it. Thresholds are the anchors' own, kept literal on purpose.
 */
import type { SsprEvent } from '../../core/event.ts';
import type { ScoredFinding } from './score.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const t = (e: SsprEvent): number => Date.parse(e.timestamp);
const iso = (ms: number): string => new Date(ms).toISOString();

/** One baseline: which anchor rule, which detector it competes with, and the rule itself. */
export interface Baseline {
  id: string;
  anchor: string;
  competesWith: string;
  run(events: readonly SsprEvent[]): ScoredFinding[];
}

function alert(detector: string, key: string, from: number, to: number, users: Iterable<string>, ips: Iterable<string>, user?: string): ScoredFinding {
  const ipList = [...new Set(ips)];
  return { detector, key, ...(user !== undefined ? { user } : {}), ips: ipList, firstSeen: iso(from), lastSeen: iso(to), entities: { users: [...new Set(users)], ips: ipList } };
}

function groupBy<K>(events: readonly SsprEvent[], keep: (e: SsprEvent) => boolean, key: (e: SsprEvent) => K | undefined): Map<K, SsprEvent[]> {
  const out = new Map<K, SsprEvent[]>();
  for (const e of events) {
    if (!keep(e)) continue;
    const k = key(e);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list === undefined) out.set(k, [e]);
    else list.push(e);
  }
  return out;
}

const mfaRefusal = (e: SsprEvent): boolean => e.action === 'mfa.challenge' && e.resultCode === '500121';
const signinOk = (e: SsprEvent): boolean => e.action === 'signin' && e.outcome === 'success';

/**
 * Sentinel "MFA Spamming followed by Successful login": per user and IP and day, more than 10 rows of
 * "MFA denied; user declined the authentication" / "user did not respond to mobile app notification"
 * (ResultType 500121, mapped to mfaResult denied / timeout), and a successful sign-in of that user from that
 * IP within 5 minutes after one of them.
 */
export function sentinelMfaSpamming(events: readonly SsprEvent[]): ScoredFinding[] {
  const denials = groupBy(events, (e) => mfaRefusal(e) && (e.mfaResult === 'denied' || e.mfaResult === 'timeout'), (e) => `${e.user.name}|${e.source?.ip ?? ''}|${Math.floor(t(e) / DAY)}`);
  const successes = groupBy(events, signinOk, (e) => `${e.user.name}|${e.source?.ip ?? ''}`);
  const out: ScoredFinding[] = [];
  for (const [key, list] of denials) {
    if (list.length <= 10) continue;
    const [user = '', ip = ''] = key.split('|');
    const times = list.map(t);
    const ok = (successes.get(`${user}|${ip}`) ?? []).map(t).find((s) => times.some((d) => s >= d && s - d <= 5 * MIN));
    if (ok === undefined) continue;
    out.push(alert('mfa-fatigue', `user:${user}`, Math.min(...times), Math.max(ok, ...times), [user], ip ? [ip] : [], user));
  }
  return out;
}

/**
 * Splunk "Azure AD Multiple Denied MFA Requests For User": rows with error 500121 and "MFA denied; user
 * declined the authentication" (mfaResult denied), `bucket span=10m`, more than 9 per user and bucket.
 */
export function splunkDeniedMfa(events: readonly SsprEvent[]): ScoredFinding[] {
  const buckets = groupBy(events, (e) => mfaRefusal(e) && e.mfaResult === 'denied', (e) => `${e.user.name}|${Math.floor(t(e) / (10 * MIN))}`);
  const out: ScoredFinding[] = [];
  for (const [key, list] of buckets) {
    if (list.length <= 9) continue;
    const user = key.split('|')[0] ?? '';
    const times = list.map(t);
    out.push(alert('mfa-fatigue', `user:${user}`, Math.min(...times), Math.max(...times), [user], list.map((e) => e.source?.ip ?? '').filter(Boolean), user));
  }
  return out;
}

const haversineKm = (aLat: number, aLon: number, bLat: number, bLon: number): number => {
  const r = Math.PI / 180;
  const dLat = (bLat - aLat) * r;
  const dLon = (bLon - aLon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * r) * Math.cos(bLat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
};

/**
 * Elastic-style impossible travel: two consecutive successful sign-ins of a user with a location, at least
 * 500 km apart, at a speed of at least 800 km/h (same-minute pairs count as one minute apart).
 */
export function elasticImpossibleTravel(events: readonly SsprEvent[]): ScoredFinding[] {
  const byUser = groupBy(events, (e) => signinOk(e) && e.source?.geo?.lat !== undefined && e.source.geo.lon !== undefined, (e) => e.user.name);
  const out: ScoredFinding[] = [];
  for (const [user, list] of byUser) {
    for (let i = 1; i < list.length; i += 1) {
      const a = list[i - 1] as SsprEvent;
      const b = list[i] as SsprEvent;
      const ga = a.source?.geo;
      const gb = b.source?.geo;
      if (ga?.lat === undefined || ga.lon === undefined || gb?.lat === undefined || gb.lon === undefined) continue;
      const km = haversineKm(ga.lat, ga.lon, gb.lat, gb.lon);
      const hours = Math.max(t(b) - t(a), MIN) / 3_600_000;
      if (km >= 500 && km / hours >= 800) {
        out.push(alert('impossible-travel', `user:${user}`, t(a), t(b), [user], [a.source?.ip ?? '', b.source?.ip ?? ''].filter(Boolean), user));
      }
    }
  }
  return out;
}

/**
 * Sentinel "Multiple Password Reset by user": password reset and change operations per account and UTC day,
 * more than 5. The account is the subject of 4723/4724 on AD (who did it, so the sync account writing SSPR
 * resets back counts as one busy "user") and the target of the Entra audit operation. Entra's flow-progress
 * rows ("Self-service password reset flow activity progress") are not counted, which is kinder to the rule
 * than its `has_any` on the operation name.
 */
export function sentinelMultiplePasswordReset(events: readonly SsprEvent[]): ScoredFinding[] {
  const isReset = (e: SsprEvent): boolean => e.action === 'password.reset' || e.action === 'password.change' || e.action === 'sspr.reset' || e.action === 'sspr.change';
  const account = (e: SsprEvent): string | undefined => (e.dataset === 'ad.security' ? (e.actor.name ?? e.user.name) : e.user.name).toLowerCase();
  const days = groupBy(events, isReset, (e) => `${account(e)}|${Math.floor(t(e) / DAY)}`);
  const out: ScoredFinding[] = [];
  for (const [key, list] of days) {
    if (list.length <= 5) continue;
    const user = key.split('|')[0] ?? '';
    const times = list.map(t);
    out.push(alert('reset-spike', `user:${user}`, Math.min(...times), Math.max(...times), [user, ...list.map((e) => e.user.name)], list.map((e) => e.source?.ip ?? '').filter(Boolean), user));
  }
  return out;
}

/**
 * Sentinel password spray (≥ 5 distinct failing accounts from one IP within 20 minutes), applied to what a
 * reset spray leaves: unsuccessful SSPR attempts (reset failed or blocked, flow abandoned) and failed sign-ins.
 * The rule as published reads only SigninLogs failures, which an SSPR-only spray never writes. One alert per
 * burst: a window that keeps qualifying extends the open alert.
 */
export function sentinelPasswordSpray(events: readonly SsprEvent[]): ScoredFinding[] {
  const failing = (e: SsprEvent): boolean =>
    e.source?.ip !== undefined &&
    ((e.action === 'signin' && e.outcome === 'failure') || ((e.action === 'sspr.reset' || e.action === 'sspr.progress') && (e.outcome === 'failure' || e.outcome === 'blocked')));
  const byIp = groupBy(events, failing, (e) => e.source?.ip);
  const out: ScoredFinding[] = [];
  for (const [ip, list] of byIp) {
    let open: { from: number; to: number; users: Set<string> } | undefined;
    let j = 0;
    for (let i = 0; i < list.length; i += 1) {
      const now = t(list[i] as SsprEvent);
      while (now - t(list[j] as SsprEvent) > 20 * MIN) j += 1;
      const users = new Set(list.slice(j, i + 1).map((e) => e.user.name));
      if (users.size < 5) continue;
      const from = t(list[j] as SsprEvent);
      if (open !== undefined && from <= open.to) {
        open.to = now;
        for (const u of users) open.users.add(u);
      } else {
        if (open !== undefined) out.push(alert('reset-spray', `ip:${ip}`, open.from, open.to, open.users, [ip]));
        open = { from, to: now, users };
      }
    }
    if (open !== undefined) out.push(alert('reset-spray', `ip:${ip}`, open.from, open.to, open.users, [ip]));
  }
  return out;
}

/** Every baseline, in report order. */
export const baselines: readonly Baseline[] = [
  { id: 'sentinel-mfa-spamming', anchor: 'Sentinel "MFA Spamming followed by Successful login": >10 denials and a success within 5 min', competesWith: 'mfa-fatigue', run: sentinelMfaSpamming },
  { id: 'splunk-denied-mfa', anchor: 'Splunk "Azure AD Multiple Denied MFA Requests For User": >9 denied in a 10-min bucket', competesWith: 'mfa-fatigue', run: splunkDeniedMfa },
  { id: 'elastic-impossible-travel', anchor: 'Elastic impossible travel: >=500 km at >=800 km/h between consecutive successful sign-ins', competesWith: 'impossible-travel', run: elasticImpossibleTravel },
  { id: 'sentinel-multiple-password-reset', anchor: 'Sentinel "Multiple Password Reset by user": >5 resets/changes per account per day', competesWith: 'reset-spike', run: sentinelMultiplePasswordReset },
  { id: 'sentinel-password-spray', anchor: 'Sentinel password spray: >=5 failing accounts per IP in 20 min (over failed SSPR attempts and sign-ins)', competesWith: 'reset-spray', run: sentinelPasswordSpray },
];
