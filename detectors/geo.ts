import { z } from 'zod';
import type { Geo, SsprEvent } from '../core/event.ts';
import { compileCidrs, inAnyCidr, networkOf, cidrSchema, type Cidr, type NetworkInfo } from './ip-net.ts';
import { KeyedWriter, type KeyedMap } from './keyed-state.ts';
import type { StepContext } from './types.ts';

/**
 * Geography and networks for the location-aware detectors (impossible-travel, takeover-chain): great-circle
 * distance, place labels, the error radius of a location, and the tenant's shared networks learned from the
 * data. Address parsing, network keys and CIDR lists are in ip-net.ts.
 */

/** Mean Earth radius in km (IUGG R1 = 6371.0088 km). */
const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance in km between two lat/lon points in degrees (haversine). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Fields every network-aware detector shares; spread into its params schema. */
export const networkParamsShape = {
  /** CIDR blocks whose geolocation is never trusted for travel and never "new": corporate egress, VPN pools. */
  trustedNetworks: z.array(cidrSchema),
  /** An address seen for at least this many distinct users of the tenant within the horizon is shared. */
  sharedIpMinUsers: z.number().int().min(2),
  /** A /24 (IPv4) or /48 (IPv6) seen for at least this many distinct users within the horizon is shared. */
  sharedPrefixMinUsers: z.number().int().min(2),
  /** How far back sightings count toward sharing, in hours. */
  sharedHorizonHours: z.number().positive(),
};

/** The shared-network part of a detector's params. */
export interface NetworkParams {
  trustedNetworks: string[];
  sharedIpMinUsers: number;
  sharedPrefixMinUsers: number;
  sharedHorizonHours: number;
}

/**
 * The most recent distinct users seen on one network (/24 or /48): user, last-seen time (epoch ms), the address
 * they were last seen on and their office vote (1: the user's own recent location is near the network's
 * location, 0: it is far, -1: unknown), at the same index.
 */
export interface NetSighting {
  u: string[];
  t: number[];
  a: string[];
  n: number[];
}

/**
 * How a network's location relates to the user: `trusted` (configured) and `shared` (learned: a VPN pool, cloud
 * proxy or carrier NAT) say nothing about where the user is; `office` is shared but its users live around it,
 * so it is a place people sit in; undefined is a network of the user's own.
 */
export type NetworkTrust = 'trusted' | 'shared' | 'office';

/** When a shared network counts as an office: enough users voted, and enough of them live near it. */
export interface OfficeRule {
  minVoters: number;
  minNearShare: number;
}

/**
 * The tenant's shared networks, learned from the data. One entry per network keeps at most `sharedPrefixMinUsers`
 * distinct users (the least recently seen is replaced), each with the address last used. The network is shared
 * when that many were seen within the horizon; an address is shared when `sharedIpMinUsers` of them were last
 * seen on it. Both are exact whenever they matter: while the network has fewer recent users than the cap, all
 * of them are kept, and once it has more it is shared as a whole. A user's last-seen time is refreshed at most
 * every 1/168 of the horizon (1 h at 7 days), so repeat sightings mostly read and do not write. With an
 * `OfficeRule`, a shared network whose voters mostly live near it is an `office` (VPN pools and cloud proxies
 * serve users from elsewhere, so their voters are far).
 */
export class SharedNetworks {
  private writer: KeyedWriter<NetSighting>;
  private params: NetworkParams;
  private trusted: Cidr[];
  private horizonMs: number;
  private refreshMs: number;
  private cap: number;
  private office: OfficeRule | undefined;

  constructor(nets: KeyedMap<NetSighting>, params: NetworkParams, office?: OfficeRule) {
    this.writer = new KeyedWriter(nets);
    this.office = office;
    this.params = params;
    this.trusted = compileCidrs(params.trustedNetworks);
    this.horizonMs = params.sharedHorizonHours * 3_600_000;
    this.refreshMs = this.horizonMs / 168;
    this.cap = Math.max(params.sharedPrefixMinUsers, params.sharedIpMinUsers);
  }

  /**
   * Records that `user` used `net` at `t` when `learn` holds (events arrive in time order), with their office
   * `vote` when known, then judges the network as of `t` (see `NetworkTrust`).
   */
  observe(net: NetworkInfo, user: string, t: number, learn: boolean, vote?: number): NetworkTrust | undefined {
    let s = this.writer.get(net.prefix);
    if (learn) {
      const i = s ? s.u.indexOf(user) : -1;
      const same = s && i >= 0 && s.a[i] === net.addr && (vote === undefined || s.n[i] === vote);
      if (!same || (s?.t[i] ?? 0) <= t - this.refreshMs) s = this.record(net, user, t, vote);
    }
    if (this.trusted.length > 0 && inAnyCidr(this.trusted, net.ip)) return 'trusted';
    return this.judge(s, net.addr, t);
  }

  /**
   * Whether a network seen earlier (its `prefix` and canonical `addr`) is shared as of `t`: lets a detector
   * discount a location it stored before the network was learned as shared (the first users of a new VPN pool).
   */
  sharedNow(prefix: string, addr: string, t: number): boolean {
    const trust = this.judge(this.writer.get(prefix), addr, t);
    return trust === 'shared' || trust === 'trusted';
  }

  private judge(s: NetSighting | undefined, addr: string, t: number): NetworkTrust | undefined {
    if (!s) return undefined;
    const oldest = t - this.horizonMs;
    let users = 0;
    let onAddress = 0;
    let voters = 0;
    let near = 0;
    for (let j = 0; j < s.t.length; j += 1) {
      if ((s.t[j] ?? 0) <= oldest) continue;
      users += 1;
      if (s.a[j] === addr) onAddress += 1;
      const vote = s.n[j] ?? -1;
      if (vote >= 0) voters += 1;
      if (vote === 1) near += 1;
    }
    if (users < this.params.sharedPrefixMinUsers && onAddress < this.params.sharedIpMinUsers) return undefined;
    const o = this.office;
    return o && voters >= o.minVoters && near >= o.minNearShare * voters ? 'office' : 'shared';
  }

  /** Drops networks with no sighting inside the horizon as of `now`. */
  sweep(now: number): void {
    const oldest = now - this.horizonMs;
    this.writer.sweep((s) => s.t.some((t) => t > oldest));
  }

  /** The learned networks with this step's sightings applied. */
  commit(): KeyedMap<NetSighting> {
    return this.writer.commit();
  }

  private record(net: NetworkInfo, user: string, t: number, vote: number | undefined): NetSighting {
    const stored = this.writer.get(net.prefix);
    let at = stored ? stored.u.indexOf(user) : -1;
    if (stored && at < 0 && stored.u.length >= this.cap) {
      at = 0;
      for (let j = 1; j < stored.t.length; j += 1) if ((stored.t[j] ?? 0) < (stored.t[at] ?? 0)) at = j;
      if ((stored.t[at] ?? 0) > t) return stored;
      at = -1;
    }
    // A replayed or late sighting never moves a user's last-seen time backwards.
    if (stored && at >= 0 && (stored.t[at] ?? 0) > t) return stored;
    const s = this.writer.edit(net.prefix, copySighting, emptySighting);
    at = s.u.indexOf(user);
    if (at < 0 && s.u.length < this.cap) at = s.u.push(user) - 1;
    if (at < 0) {
      at = 0;
      for (let j = 1; j < s.t.length; j += 1) if ((s.t[j] ?? 0) < (s.t[at] ?? 0)) at = j;
      s.u[at] = user;
      s.n[at] = -1;
    }
    s.t[at] = t;
    s.a[at] = net.addr;
    if (vote !== undefined || s.n[at] === undefined) s.n[at] = vote ?? -1;
    return s;
  }
}

const copySighting = (v: NetSighting): NetSighting => ({ u: v.u.slice(), t: v.t.slice(), a: v.a.slice(), n: v.n.slice() });
const emptySighting = (): NetSighting => ({ u: [], t: [], a: [], n: [] });

/** An event's parsed network and how far its location can be trusted; see `SharedNetworks.observe`. */
export interface EventNetwork {
  net: NetworkInfo;
  trust: NetworkTrust | undefined;
}

/**
 * Parses the event's IP, records a sighting when `learn` holds and the event succeeded, and judges the network.
 * Only successful events count: a corporate egress or VPN pool is where many users succeed, whereas a spraying
 * address collects failures and must not become "shared" (and so trusted) by attacking many accounts. Callers
 * learn from the events they judge (interactive sign-ins, SSPR, registration), not from token refreshes, which
 * are most of the volume and egress through cloud regions.
 */
export function observeEvent(nets: SharedNetworks, event: SsprEvent, t: number, learn: boolean, vote?: number): EventNetwork | undefined {
  const ip = event.source?.ip;
  return observeNetwork(nets, ip === undefined ? undefined : networkOf(ip), event, t, learn, vote);
}

/** `observeEvent` with the event's network already parsed (see `eventNetwork`). */
export function observeNetwork(nets: SharedNetworks, net: NetworkInfo | undefined, event: SsprEvent, t: number, learn: boolean, vote?: number): EventNetwork | undefined {
  return net ? { net, trust: nets.observe(net, event.user.name, t, learn && event.outcome === 'success', vote) } : undefined;
}

/** The network of `events[i]`'s source address: the engine's shared per-event result when present, else parsed. */
export function eventNetwork(events: readonly SsprEvent[], ctx: StepContext, i: number): NetworkInfo | undefined {
  if (ctx.network) return ctx.network(i);
  const ip = events[i]?.source?.ip;
  return ip === undefined ? undefined : networkOf(ip);
}

/** True for an interactive sign-in as the parsers tag it: `interactive`, or at least not `noninteractive`. */
export function isInteractive(event: SsprEvent): boolean {
  const tags = event.tags;
  if (tags === undefined) return true;
  // One pass instead of two `includes` (this runs for most events of a tenant).
  let non = false;
  for (let i = 0; i < tags.length; i += 1) {
    const tag = tags[i];
    if (tag === 'interactive') return true;
    if (tag === 'noninteractive') non = true;
  }
  return !non;
}

/** Error radii (km) by where a location came from; see `errorRadiusKm`. */
export interface ErrorRadii {
  logErrorRadiusKm: number;
  geoipErrorRadiusKm: number;
  countryOnlyErrorRadiusKm: number;
}

/**
 * How far from the true position a location may be: a location with no city is a region or country centroid
 * (widest), a geoip lookup of an IP is wider than a location the log itself carried.
 */
export function errorRadiusKm(geo: Geo, radii: ErrorRadii): number {
  if (geo.city === undefined) return radii.countryOnlyErrorRadiusKm;
  return geo.origin === 'log' ? radii.logErrorRadiusKm : radii.geoipErrorRadiusKm;
}

/** A short human label for a location: `Paris, FR`, `FR`, `48.86,2.35`, else the IP or `unknown`. */
export function placeLabel(geo: Geo | undefined, ip?: string): string {
  if (geo) {
    // `city, country` of those present and non-empty (no temporary array: this runs per located event).
    const city = geo.city !== undefined && geo.city !== '' ? geo.city : undefined;
    const country = geo.country !== undefined && geo.country !== '' ? geo.country : undefined;
    if (city !== undefined) return country !== undefined ? `${city}, ${country}` : city;
    if (country !== undefined) return country;
    if (geo.lat !== undefined && geo.lon !== undefined) return `${geo.lat.toFixed(2)},${geo.lon.toFixed(2)}`;
  }
  return ip ?? 'unknown';
}
