import { actionSchema, type SsprEvent } from '../core/event.ts';
import type { Finding, Severity } from '../core/finding.ts';
import defaultsJson from './defaults/impossible-travel.json' with { type: 'json' };
import { findingId } from './finding-id.ts';
import { errorRadiusKm, haversineKm, isInteractive, eventNetwork, observeNetwork, placeLabel, SharedNetworks, type NetSighting } from './geo.ts';
import { impossibleTravelParamsSchema, type ImpossibleTravelParams } from './impossible-travel-params.ts';
import { judgeTravel, type TravelCtx, type TravelIncident, type TravelPoint, type UserTravel } from './impossible-travel-judge.ts';
import { compileCidrs, inAnyCidr } from './ip-net.ts';
import { emptyKeyed, KeyedWriter, type KeyedMap } from './keyed-state.ts';
import { eventTime, HOUR_MS, isoOf, MINUTE_MS } from './lib/time.ts';
import type { Detector, DetectorMeta } from './types.ts';

/**
 * impossible-travel: two geolocated actions of one user (interactive sign-ins, SSPR steps, security-info
 * registrations) whose distance over time needs more than `maxSpeedKmh`, and the A→B→A bounce.
 *
 * Anchors: Elastic "Microsoft Entra ID Impossible Travel Sign-in" (ES|QL, interactive sign-ins, ≥500 km and
 * ≥800 km/h computed over a 90-minute query window) and Panther `impossible_travel_login` (last login cached per
 * user, >900 km/h, VPN / Apple relay / one satellite ASN skipped via ipinfo enrichment). What this does better:
 * - Consecutive pairs in event time, streamed: no window-size effect on the implied speed (Elastic divides the
 *   spread of a whole window by its length), and a replay updates one finding per incident.
 * - False-positive controls in one place, quiet with no configuration: networks many users of the tenant use
 *   (VPN pools, cloud proxies, carrier NAT) are learned from the data and their locations ignored, and so is
 *   a location stored before its network was learned as shared; `trustedNetworks` adds to that. A shared
 *   network whose users live around it (each user's own last location votes) is an office, a place people sit
 *   in, and stays usable: ignoring offices would blind the detector during working hours. Carrier / relay /
 *   in-flight ranges in `lowConfidenceNetworks` lower the severity instead of hiding the hop; each location has
 *   an error radius by origin (log, geoip, country-only) subtracted before the speed is judged.
 * - The A→B→A bounce: one far-away stop between two home events inside `bounceWindowMinutes` is flagged even
 *   when each leg alone stays under the speed limit, and raises an open incident to high.
 * - SSPR and registration steps count as presence, not just sign-ins: password-reset abuse rarely signs in first.
 *   A flow's progress counts only from a passed verification on (typing someone's user name is not presence).
 * - Replays and events later than the engine's lateness never change a finding: an event older than the user's
 *   newest point, or older than the retention horizon, is ignored.
 * Non-interactive sign-ins from a device the log names are not presence: a phone's or laptop's own token
 * refreshes follow the device wherever its carrier gateway or relay geolocates. A non-interactive sign-in that
 * names no device is a token used by a client the tenant does not know, which is how a stolen refresh token is
 * replayed (AiTM phishing kits, infostealer cookies), so it counts as presence (`devicelessTokenIsPresence`).
 *
 * Defaults (defaults/impossible-travel.json) and why:
 * - `maxSpeedKmh` 1000: above the gate-to-gate speed of any scheduled subsonic flight, including jet-stream
 *   assisted eastbound Atlantic crossings (New York → London, 5,540 km, in ~6 h is ~920 km/h), on which Elastic's
 *   800 and Panther's 900 fire when the traveller signs in at both gates. Stolen-credential hops need thousands
 *   of km/h (Paris → Lagos in 30 min: ~9,400 km/h), so the margin costs no recall worth having.
 * - `minDistanceKm` 500 (Elastic's floor), applied to the distance minus both locations' error radii.
 * - Error radii: Entra's own location (`log`) 25 km; a geoip lookup 100 km (city-level accuracy of free
 *   databases); no city means a country or region centroid, 1,500 km (the US centroid is ~1,800 km from either
 *   coast), so country-only points only ever take part in intercontinental hops.
 * - `clockSkewSeconds` 60 is added to every interval: sign-in and audit logs are stamped by different services.
 * - `bounceWindowMinutes` 120: ≥ 500 km away and back within two hours needs two flights plus boarding.
 * - `historyHours` 24: the farthest two points on Earth (~20,000 km) are 20 h apart at 1000 km/h.
 * - Shared networks: an address used by 3 users, or a /24 (/48) by 10, within 7 days (a household has fewer
 *   users on one address, a corporate NAT or VPN pool many more). Office: at least 3 voters, 80% of whom were
 *   last seen on their own network within `officeRadiusKm` 150 (a commute) of the network's location.
 * - `devicelessTokenIsPresence` true: in the generated tenants half the stolen-credential incidents only
 *   replay a token, never signing in interactively; turn it off where unregistered personal devices refresh
 *   tokens through far-away carrier gateways without a device name in the log.
 * - `lowConfidenceNetworks` holds only RFC-defined blocks that never move: 100.64.0.0/10 (RFC 6598 carrier-grade
 *   NAT) and 64:ff9b::/96 (RFC 6052 NAT64, IPv6-only mobile networks). Add carriers', privacy relays' (Apple
 *   publishes iCloud Private Relay egress at https://mask-api.icloud.com/egress-ip-ranges.csv) and in-flight
 *   Wi-Fi ranges in config.
 */


/** State of `impossible-travel`: per-user recent points and open incident, and the tenant's network sightings. */
export interface ImpossibleTravelState {
  version: 1;
  users: KeyedMap<UserTravel>;
  nets: KeyedMap<NetSighting>;
  /** Event time (epoch ms) of the next eviction sweep. */
  sweepAt: number;
  /** Newest event time processed (epoch ms): events older than it by the retention horizon are replays. */
  lastT: number;
}

const ID = 'impossible-travel';
const MIN = MINUTE_MS;
const HOUR = HOUR_MS;
const PRESENCE = new Set(actionSchema.options.filter((a) => a.startsWith('sspr.') || a.startsWith('registration.')));
/**
 * SSPR progress steps that show the account holder (or whoever holds their factors) was there: verification
 * passed. Earlier steps (started, user id submitted, verification started) only show that someone typed the
 * user's name; a spray or a reset flood writes them, with outcome success, from the attacker's address for
 * every targeted user, and counting them as presence made each victim "travel" to the attacker.
 */
const VERIFIED_STEPS = new Set<SsprEvent['ssprStep']>(['verified', 'passwordSubmitted', 'succeeded']);

/** Metadata shown to analysts. */
export const impossibleTravelMeta: DetectorMeta = {
  title: 'Impossible travel between a user’s sign-ins, SSPR or registration steps',
  severity: 'medium',
  attack: ['T1078', 'T1078.004'],
  falsePositives: [
    'A personal VPN or proxy used by one person only (shared ones are learned and ignored).',
    'Dual-stack devices whose IPv4 and IPv6 addresses geolocate to different regions.',
    'Mobile carriers, privacy relays and in-flight Wi-Fi not yet listed in lowConfidenceNetworks.',
    'Token refreshes of unregistered personal devices (no device name in the log) through a far-away carrier gateway.',
  ],
  triage:
    'Compare the two locations with the user’s usual ones and ask whether a VPN was in use. A bounce (far stop ' +
    'between two home events) with an SSPR or registration step is a strong takeover sign: revoke sessions and ' +
    'check the security info registered from the far location.',
};

function isPresence(e: SsprEvent, p: ImpossibleTravelParams): boolean {
  if (e.actor.kind !== 'self' && e.actor.kind !== 'unknown') return false;
  if (e.action === 'signin') return e.outcome === 'success' && (isInteractive(e) || (p.devicelessTokenIsPresence && e.device === undefined));
  if (!PRESENCE.has(e.action) || e.outcome === 'failure' || e.outcome === 'blocked') return false;
  return e.action !== 'sspr.progress' || VERIFIED_STEPS.has(e.ssprStep);
}

function copyUser(u: UserTravel): UserTravel {
  const copy: UserTravel = { pts: u.pts.slice() };
  if (u.home) copy.home = u.home;
  if (u.inc) copy.inc = { ...u.inc, ev: u.inc.ev.slice(), ips: u.inc.ips.slice(), places: u.inc.places.slice() };
  return copy;
}
const newUser = (): UserTravel => ({ pts: [] });

const DOWNGRADE: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low' };

function toFinding(user: string, inc: TravelIncident, p: ImpossibleTravelParams): Finding {
  const severity = inc.trusted ? (inc.bounce ? 'high' : 'medium') : DOWNGRADE[inc.bounce ? 'high' : 'medium'];
  const minutes = Math.round((inc.toAt - inc.fromAt) / MIN);
  const km = Math.round(inc.km);
  const kmh = Math.round(inc.kmh);
  const low = inc.trusted ? '' : ' Every hop involves a low-confidence network (carrier, relay or in-flight Wi-Fi), so the severity is one step lower.';
  const n = (v: number): string => v.toLocaleString('en-US');
  const summary = inc.bounce
    ? `${user} appeared in ${inc.to} (${n(km)} km from ${inc.from}) between two ${inc.from} events ${inc.roundTripMin} min apart`
    : `${user} was in ${inc.to} ${minutes} min after ${inc.from} (${n(km)} km, ${n(kmh)} km/h needed)`;
  const text =
    `${inc.from} → ${inc.to}: ${n(km)} km in ${minutes} min; even after subtracting both locations' error radii that ` +
    `needs ${n(kmh)} km/h (limit ${n(p.maxSpeedKmh)} km/h, ${n(p.minDistanceKm)} km minimum).` +
    (inc.bounce ? ` The user was back in ${inc.from} ${inc.roundTripMin} min after leaving it; a traveller does not bounce back.` : '') +
    (inc.hops > 1 ? ` ${inc.hops} impossible hops in this incident.` : '') +
    low;
  return {
    id: findingId(ID, `user:${user}`, inc.start),
    detector: ID,
    key: `user:${user}`,
    severity,
    status: 'open',
    user,
    ips: inc.ips.slice(),
    firstSeen: isoOf(inc.start),
    lastSeen: isoOf(inc.last),
    summary,
    explanation: {
      window: { start: isoOf(inc.start), end: isoOf(inc.last) },
      threshold: { maxSpeedKmh: p.maxSpeedKmh, minDistanceKm: p.minDistanceKm, bounceWindowMinutes: p.bounceWindowMinutes },
      baseline: { previousPlace: inc.from, previousAt: isoOf(inc.fromAt) },
      observed: {
        distanceKm: km,
        speedKmh: kmh,
        elapsedMinutes: minutes,
        hops: inc.hops,
        bounce: inc.bounce,
        lowConfidence: !inc.trusted,
        ...(inc.bounce ? { roundTripMinutes: inc.roundTripMin } : {}),
      },
      text,
    },
    evidence: inc.ev.slice(),
    attack: [...impossibleTravelMeta.attack],
    entities: { users: [user], ips: inc.ips.slice(), locations: inc.places.slice() },
  };
}

/** The impossible-travel detector. */
export const impossibleTravel: Detector<ImpossibleTravelParams, ImpossibleTravelState> = {
  id: ID,
  meta: impossibleTravelMeta,
  paramsSchema: impossibleTravelParamsSchema,
  defaults: impossibleTravelParamsSchema.parse(defaultsJson),
  initialState: () => ({ version: 1, users: emptyKeyed(), nets: emptyKeyed(), sweepAt: 0, lastT: 0 }),
  step(state, events, p, ctx) {
    const users = new KeyedWriter(state.users);
    const nets = new SharedNetworks(state.nets, p, { minVoters: p.officeMinVoters, minNearShare: p.officeMinNearShare });
    const horizonMs = p.sharedHorizonHours * HOUR;
    const c: TravelCtx = { p, nets, low: compileCidrs(p.lowConfidenceNetworks), skewMs: p.clockSkewSeconds * 1000, bounceMs: p.bounceWindowMinutes * MIN,
      gapMs: p.incidentGapMinutes * MIN, historyMs: p.historyHours * HOUR };
    const keepMs = Math.max(c.historyMs, c.gapMs + c.bounceMs);
    const sweepEveryMs = Math.min(c.historyMs, p.sharedHorizonHours * HOUR) / 4;
    const out = new Map<string, Finding>();
    let sweepAt = state.sweepAt;
    let lastT = state.lastT;
    for (let i = 0; i < events.length; i += 1) {
      const e = events[i] as SsprEvent;
      const t = eventTime(events, ctx, i);
      if (t < lastT - keepMs) continue;
      lastT = Math.max(lastT, t);
      if (t >= sweepAt) {
        users.sweep((u) => Math.max(u.pts[u.pts.length - 1]?.t ?? 0, u.inc?.last ?? 0) > t - keepMs || (u.home?.t ?? 0) > t - horizonMs);
        nets.sweep(t);
        sweepAt = t + sweepEveryMs;
      }
      if (!isPresence(e, p)) continue;
      const key = `u:${e.user.name}`;
      const geo = e.source?.geo;
      const stored = users.get(key);
      // Replays and events later than the engine's lateness: never older than what this user already had.
      const newest = stored?.pts[stored.pts.length - 1];
      if (newest && (t < newest.t || (t === newest.t && e.id <= newest.id))) continue;
      const home = stored?.home;
      // Office vote: is this user's own recent location near where this network geolocates?
      const vote = home && home.t > t - horizonMs && geo?.lat !== undefined && geo.lon !== undefined
        ? Number(haversineKm(home.lat, home.lon, geo.lat, geo.lon) <= p.officeRadiusKm) : undefined;
      const seen = observeNetwork(nets, eventNetwork(events, ctx, i), e, t, true, vote);
      if (geo?.lat === undefined || geo.lon === undefined || seen?.trust === 'shared' || seen?.trust === 'trusted') continue;
      const ip = e.source?.ip;
      const pt: TravelPoint = { t, id: e.id, lat: geo.lat, lon: geo.lon, r: errorRadiusKm(geo, p), place: placeLabel(geo, ip) };
      if (ip !== undefined) pt.ip = ip;
      if (seen) {
        pt.net = seen.net.prefix;
        pt.addr = seen.net.addr;
      }
      if (seen && c.low.length > 0 && inAnyCidr(c.low, seen.net.ip)) pt.low = true;
      const u = users.edit(key, copyUser, newUser);
      const inc = judgeTravel(u, pt, c);
      // While the user's whereabouts are disputed (an incident open within `incidentGapMinutes`) no point becomes
      // `home`: an attacker's location as home would vote the user's office "far" for days, and two or three
      // attacked users demote the office to a shared network whose events are then ignored.
      const disputed = inc !== undefined || (u.inc !== undefined && t - u.inc.last <= c.gapMs);
      if (seen?.trust === undefined && !pt.low && !disputed) u.home = { lat: pt.lat, lon: pt.lon, t };
      if (inc) {
        const f = toFinding(e.user.name, inc, p);
        out.set(f.id, f);
      }
    }
    return { state: { version: 1, users: users.commit(), nets: nets.commit(), sweepAt, lastT }, findings: [...out.values()] };
  },
};
