import { haversineKm, type SharedNetworks } from './geo.ts';
import type { ImpossibleTravelParams } from './impossible-travel-params.ts';
import type { Cidr } from './ip-net.ts';
import { addCapped } from './lib/case-file.ts';
import { HOUR_MS, MINUTE_MS } from './lib/time.ts';

/**
 * The judgement behind impossible-travel: a user's recent points, the hop and bounce tests, and the incident
 * they open or extend. Mutates only the user state the caller owns for this step.
 */

const MIN = MINUTE_MS;
const HOUR = HOUR_MS;

/** One trusted-enough location of a user: time (epoch ms), event id, coordinates, error radius (km), label. */
export interface TravelPoint {
  t: number;
  id: string;
  lat: number;
  lon: number;
  r: number;
  place: string;
  ip?: string;
  /** Network key and canonical address, to re-check later whether the network has become shared. */
  net?: string;
  addr?: string;
  low?: boolean;
}

/** An open incident: one finding, updated by every later hop or bounce within `incidentGapMinutes`. */
export interface TravelIncident {
  start: number;
  last: number;
  ev: string[];
  ips: string[];
  places: string[];
  from: string;
  to: string;
  fromAt: number;
  toAt: number;
  km: number;
  kmh: number;
  hops: number;
  bounce: boolean;
  roundTripMin: number;
  trusted: boolean;
}

/**
 * A user's recent points (oldest first), open incident, and `home`: the latest location seen on a network of the
 * user's own (not shared, not low-confidence), which votes on whether a shared network is an office.
 */
export interface UserTravel {
  pts: TravelPoint[];
  inc?: TravelIncident;
  home?: { lat: number; lon: number; t: number };
}

/** Distance minus both error radii: what a traveller must at least have covered. */
function effectiveKm(a: TravelPoint, b: TravelPoint): number {
  return Math.max(0, haversineKm(a.lat, a.lon, b.lat, b.lon) - a.r - b.r);
}

/** Per-step constants derived from params once, and the step's shared-network view. */
export interface TravelCtx {
  p: ImpossibleTravelParams;
  nets: SharedNetworks;
  low: Cidr[];
  skewMs: number;
  bounceMs: number;
  gapMs: number;
  historyMs: number;
}

/** A hop (prev → pt faster than the limit) and/or a bounce (home → away… → pt back near home). */
interface Candidate {
  prev: TravelPoint;
  kmh: number;
  hop: boolean;
  home?: TravelPoint;
  /** Points after `home` (the far stop), or just `prev` without a bounce. */
  away: TravelPoint[];
}

function candidate(pts: TravelPoint[], pt: TravelPoint, c: TravelCtx): Candidate | undefined {
  const prev = pts[pts.length - 1];
  if (!prev || effectiveKm(prev, pt) < c.p.minDistanceKm) return undefined;
  const kmh = effectiveKm(prev, pt) / ((Math.abs(pt.t - prev.t) + c.skewMs) / HOUR);
  const hop = kmh > c.p.maxSpeedKmh;
  // Bounce: walk back over the far stop to the latest point near the new one, inside the window.
  for (let at = pts.length - 2; at >= 0; at -= 1) {
    const q = pts[at] as TravelPoint;
    if (pt.t - q.t > c.bounceMs) break;
    if (haversineKm(q.lat, q.lon, pt.lat, pt.lon) >= c.p.minDistanceKm) continue;
    if (effectiveKm(q, pts[at + 1] as TravelPoint) < c.p.minDistanceKm) break;
    return { prev, kmh, hop, home: q, away: pts.slice(at + 1) };
  }
  return hop ? { prev, kmh, hop, away: [prev] } : undefined;
}

/** Judges one new point against the user's recent points; returns the incident when it changed. */
export function judgeTravel(u: UserTravel, pt: TravelPoint, c: TravelCtx): TravelIncident | undefined {
  const oldest = pt.t - c.historyMs;
  let drop = 0;
  while (drop < u.pts.length && (u.pts[drop]?.t ?? 0) < oldest) drop += 1;
  if (drop > 0) u.pts.splice(0, drop);
  let cand = candidate(u.pts, pt, c);
  // A network learned as shared after a point was stored no longer vouches for it: drop such points, judge again.
  const stale = (q: TravelPoint): boolean => q.net !== undefined && c.nets.sharedNow(q.net, q.addr ?? '', pt.t);
  if (cand && [...(cand.home ? [cand.home] : []), ...cand.away].some(stale)) {
    u.pts = u.pts.filter((q) => !stale(q));
    cand = candidate(u.pts, pt, c);
  }
  const changed = cand ? update(u, pt, cand, c) : undefined;
  const last = u.pts[u.pts.length - 1];
  // Repeated activity from the same spot keeps one point (the latest), so history holds places, not events.
  if (last && last.lat === pt.lat && last.lon === pt.lon && last.ip === pt.ip) u.pts[u.pts.length - 1] = pt;
  else u.pts.push(pt);
  if (u.pts.length > c.p.maxPointsPerUser) u.pts.splice(0, u.pts.length - c.p.maxPointsPerUser);
  return changed;
}

/** Opens or extends the user's incident with a hop or bounce. */
function update(u: UserTravel, pt: TravelPoint, k: Candidate, c: TravelCtx): TravelIncident {
  const { prev, home, away } = k;
  const start = home ? home.t : prev.t;
  let inc = u.inc;
  if (!inc || start > inc.last + c.gapMs) {
    inc = { start, last: pt.t, ev: [], ips: [], places: [], from: prev.place, to: pt.place, fromAt: prev.t, toAt: pt.t,
      km: 0, kmh: 0, hops: 0, bounce: false, roundTripMin: 0, trusted: false };
    u.inc = inc;
  }
  inc.last = pt.t;
  const involved = [...(home ? [home] : []), ...away, pt];
  for (const q of involved) {
    addCapped(inc.ev, q.id, c.p.maxEvidence);
    addCapped(inc.ips, q.ip, c.p.maxEvidence);
    addCapped(inc.places, q.place, c.p.maxEvidence);
  }
  if (k.hop && k.kmh > inc.kmh && !inc.bounce) {
    Object.assign(inc, { from: prev.place, to: pt.place, fromAt: prev.t, toAt: pt.t, km: haversineKm(prev.lat, prev.lon, pt.lat, pt.lon), kmh: k.kmh });
  }
  if (k.hop) inc.hops += 1;
  if (home && !inc.bounce) {
    const far = away[0] as TravelPoint;
    const legKmh = effectiveKm(home, far) / ((far.t - home.t + c.skewMs) / HOUR);
    Object.assign(inc, { bounce: true, from: home.place, to: far.place, fromAt: home.t, toAt: far.t,
      km: haversineKm(home.lat, home.lon, far.lat, far.lon), kmh: Math.max(legKmh, inc.kmh), roundTripMin: Math.round((pt.t - home.t) / MIN) });
  }
  if (!involved.some((q) => q.low)) inc.trusted = true;
  return inc;
}

