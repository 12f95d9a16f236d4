import { z } from 'zod';
import type { SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/takeover-chain.json' with { type: 'json' };
import { findingId } from './finding-id.ts';
import { isInteractive, networkParamsShape, eventNetwork, observeNetwork, placeLabel, SharedNetworks, type NetSighting } from './geo.ts';
import { emptyKeyed, KeyedWriter, type KeyedMap } from './keyed-state.ts';
import { addCapped } from './lib/case-file.ts';
import { DAY_MS, eventTime, HOUR_MS, isoOf, MINUTE_MS } from './lib/time.ts';
import type { Detector, DetectorMeta } from './types.ts';

/**
 * takeover-chain: account takeover through SSPR. A self-service reset (or unlock), then security-info changes,
 * then an interactive sign-in, within `chainHours`, from a place new for the user.
 *
 * Anchors: Sentinel "Suspicious Sign In Followed by MFA Modification" (UEBA investigation priority > 9 on a sign-in
 * joined to a security-info change −30 min..+1 h, run daily) and Elastic's Okta "Attempt to Reset MFA Factors"
 * (any factor reset, severity low). What this does better:
 * - It follows the SSPR path itself (reset → new method → sign-in), the one a SIM-swap or phished-answers
 *   attacker takes, and needs no UEBA licence: "new" is judged against the user's own 30-day history of
 *   networks (/24, /48), cities and countries, kept bounded per user.
 * - Quiet for the common benign case (a user resets and registers a new phone from home) and for shared
 *   corporate / VPN networks, which are learned from the data (or listed in `trustedNetworks`).
 * - The baseline is not poisoned by the attack: while a chain is open no new place is learned for that user,
 *   and only successful events teach places and shared networks (a spraying address never becomes "shared").
 * - Streamed: high as soon as the reset and a registration change are in, updated to critical by the sign-in
 *   (same finding id), in any order after the reset.
 *
 * Defaults (defaults/takeover-chain.json) and why:
 * - `chainHours` 4: the steps of one takeover come within minutes to an hour (Sentinel joins −30 min..+1 h); four
 *   hours also catches an attacker who resets, then registers at the next sign-in prompt after a break.
 * - `learningDays` 30, `minHistoryHours` 24: "new" means not seen for this user in 30 days, judged once the user
 *   has at least one known place; until the user has been watched for a day (from their first interactive
 *   sign-in) only a country never seen counts as new, since a first day (a new hire's, or everyone's on the
 *   day monitoring starts) meets networks and cities one by one but does not change country. Interactive sign-ins teach places; through a
 *   shared network they teach its city and country, not the network.
 * - `maxPlacesPerUser` 32 networks, cities and countries, least recently seen dropped first.
 * - Shared networks as in impossible-travel: 3 users on an address or 10 on a /24 (/48) within 7 days.
 */

/** Params of `takeover-chain`, validated once at start-up; unknown keys are refused. */
export const takeoverChainParamsSchema = z
  .object({
    chainHours: z.number().positive(),
    learningDays: z.number().positive(),
    minHistoryHours: z.number().nonnegative(),
    maxPlacesPerUser: z.number().int().min(3),
    maxEvidence: z.number().int().min(3),
    ...networkParamsShape,
  })
  .strict();
/** Params of `takeover-chain` (units in the names). */
export type TakeoverChainParams = z.infer<typeof takeoverChainParamsSchema>;

/** A place a user was seen at: key (`n:` network, `ci:` city, `c:` country), first and last seen (epoch ms). */
interface Place {
  k: string;
  first: number;
  last: number;
}

/** One step of a chain, judged when it arrived. */
interface ChainStep {
  t: number;
  id: string;
  what: string;
  place: string;
  isNew: boolean;
  newCountry: boolean;
  ip?: string;
}

interface Chain {
  start: number;
  resets: ChainStep[];
  regs: ChainStep[];
  signin?: ChainStep;
}

/** A user's watch start, places, open chain, and newest event processed (time, id): older ones are replays. */
interface UserTk {
  since: number;
  places: Place[];
  chain?: Chain;
  wt: number;
  wid: string;
}

/** State of `takeover-chain`: per-user places and open chain, and the tenant's network sightings. */
export interface TakeoverChainState {
  version: 1;
  users: KeyedMap<UserTk>;
  nets: KeyedMap<NetSighting>;
  /** Event time (epoch ms) of the next eviction sweep. */
  sweepAt: number;
  /** Newest event time processed (epoch ms): events older than it by the learning horizon are replays. */
  lastT: number;
}

const ID = 'takeover-chain';
const HOUR = HOUR_MS;
const MIN = MINUTE_MS;
const REGISTRATION = new Set(['registration.added', 'registration.changed', 'registration.removed']);

/** Metadata shown to analysts. */
export const takeoverChainMeta: DetectorMeta = {
  title: 'Account takeover through SSPR: reset, new security info and sign-in from a new place',
  severity: 'high',
  attack: ['T1078.004', 'T1098.005', 'T1556.006'],
  falsePositives: [
    'A user who lost their phone while travelling, resets and registers the new one from the hotel.',
    'A user on a new home ISP or mobile carrier network in a city not seen before.',
  ],
  triage:
    'Call the user on a known number (not the newly registered one). If they did not reset, block sign-in, revoke ' +
    'sessions, remove the security info registered in the chain and reset the password through the helpdesk.',
};

type StepKind = 'reset' | 'registration' | 'signin';

/**
 * What an event is to this detector, in one pass over its fields (the hot path: most events are sign-ins).
 * Steps of a chain, by the user themself (or unknown): a successful SSPR reset or unlock, a security-info
 * registration change that did not fail, an interactive successful sign-in. Only the sign-ins teach places: SSPR
 * and registration steps are what gets judged (an SSPR flow's first steps precede the reset and would teach the
 * attacker's network), and token refreshes egress through cloud regions.
 */
function classify(e: SsprEvent): { kind: StepKind | undefined; learn: boolean; operator?: boolean } | undefined {
  const actor = e.actor.kind;
  const a = e.action;
  if (actor !== 'self' && actor !== 'unknown') {
    // An operator changing the user's methods (Entra "Update user" of StrongAuthenticationMethod, issue 8) is a
    // registration step too: a stolen admin account, or a helpdesk talked into adding a phone. Its place is the
    // operator's, so it never makes the chain "new"; the reset or the sign-in has to.
    return (actor === 'admin' || actor === 'helpdesk') && REGISTRATION.has(a) && e.outcome !== 'failure' && e.outcome !== 'blocked' ? REGISTER_BY_OPERATOR : undefined;
  }
  if (a === 'signin') return e.outcome === 'success' && isInteractive(e) ? SIGNIN : undefined;
  if ((a === 'sspr.reset' || a === 'sspr.unlock') && e.outcome === 'success') return RESET;
  return REGISTRATION.has(a) && e.outcome !== 'failure' && e.outcome !== 'blocked' ? REGISTER : undefined;
}
const SIGNIN = { kind: 'signin', learn: true } as const;
const RESET = { kind: 'reset', learn: false } as const;
const REGISTER = { kind: 'registration', learn: false } as const;
const REGISTER_BY_OPERATOR = { kind: 'registration', learn: false, operator: true } as const;

/** True when the user has place `k` seen after `after` (undefined when there is no such key). */
function hasPlace(places: readonly Place[], k: string | undefined, after: number): boolean | undefined {
  if (k === undefined) return undefined;
  for (let i = 0; i < places.length; i += 1) {
    const x = places[i] as Place;
    if (x.k === k && x.last > after) return true;
  }
  return false;
}

/** Marks place `k` seen at `t` (a new object: place objects may be shared with the input state), or adds it. */
function touchPlace(places: Place[], k: string | undefined, t: number, add: boolean): void {
  if (k === undefined) return;
  for (let i = 0; i < places.length; i += 1) {
    const x = places[i] as Place;
    if (x.k === k) {
      places[i] = { k, first: x.first, last: t };
      return;
    }
  }
  if (add) places.push({ k, first: t, last: t });
}

const copyUser = (u: UserTk): UserTk => ({
  since: u.since,
  wt: u.wt,
  wid: u.wid,
  places: u.places.slice(),
  ...(u.chain ? { chain: { ...u.chain, resets: u.chain.resets.slice(), regs: u.chain.regs.slice() } } : {}),
});

function stepText(e: SsprEvent, kind: StepKind): string {
  if (kind === 'reset') return e.action === 'sspr.unlock' ? 'SSPR unlock' : 'SSPR reset';
  if (kind === 'signin') return 'sign-in';
  const by = e.actor.kind === 'admin' || e.actor.kind === 'helpdesk' ? ` by ${e.actor.kind}${e.actor.name ? ` ${e.actor.name}` : ''}` : '';
  return `security info ${e.action.slice('registration.'.length)} (${e.authMethod ?? 'method'})${by}`;
}

const describe = (s: ChainStep): string => `${s.what} from ${s.place}${s.isNew ? ' (new)' : ''}`;

function toFinding(user: string, u: UserTk, chain: Chain, p: TakeoverChainParams, now: number): Finding {
  const reset = chain.resets[0] as ChainStep;
  const steps = [...chain.resets, ...chain.regs, ...(chain.signin ? [chain.signin] : [])];
  const resetNew = chain.resets.some((s) => s.isNew);
  const regNew = chain.regs.some((s) => s.isNew);
  const critical = resetNew && regNew && chain.signin?.isNew === true;
  const firstReg = chain.regs[0] as ChainStep;
  const mins = (s: ChainStep): number => Math.round((s.t - reset.t) / MIN);
  const end = Math.max(...steps.map((s) => s.t));
  const fresh = now - p.learningDays * DAY_MS;
  const known = (prefix: string): string[] => u.places.filter((x) => x.k.startsWith(prefix) && x.last > fresh).map((x) => x.k.slice(prefix.length)).sort();
  const newSteps = [resetNew ? 'reset' : '', regNew ? 'registration' : '', chain.signin?.isNew ? 'signin' : ''].filter((s) => s !== '');
  const summary =
    `${user}: ${describe(reset)}, then ${describe(firstReg)} ${mins(firstReg)} min later` +
    (chain.signin ? `, then ${describe(chain.signin)} ${mins(chain.signin)} min later` : '');
  const text =
    `Within ${p.chainHours} h of an SSPR reset the user's security info changed ${chain.regs.length} time(s)` +
    (chain.signin ? ' and the user signed in' : ', with no sign-in yet') +
    `. New for this user (not seen in ${p.learningDays} days, not a shared or trusted network): ${newSteps.join(', ')}.` +
    (steps.some((s) => s.newCountry) ? ' At least one step came from a country never seen for this user.' : '');
  const ips: string[] = [];
  const places: string[] = [];
  for (const s of steps) {
    addCapped(ips, s.ip, p.maxEvidence);
    addCapped(places, s.place, p.maxEvidence);
  }
  return {
    id: findingId(ID, `user:${user}`, chain.start),
    detector: ID,
    key: `user:${user}`,
    severity: critical ? 'critical' : 'high',
    status: 'open',
    user,
    ips,
    firstSeen: isoOf(chain.start),
    lastSeen: isoOf(end),
    summary,
    explanation: {
      window: { start: isoOf(chain.start), end: isoOf(end) },
      threshold: { chainHours: p.chainHours, learningDays: p.learningDays, minHistoryHours: p.minHistoryHours },
      baseline: {
        knownCountries: known('c:').join(', '),
        knownCities: known('ci:').join(', '),
        knownNetworks: known('n:').length,
        historyHours: Math.round((reset.t - u.since) / HOUR),
      },
      observed: {
        newSteps: newSteps.join(','),
        newCountry: steps.some((s) => s.newCountry),
        registrations: chain.regs.length,
        minutesToRegistration: mins(firstReg),
        ...(chain.signin ? { minutesToSignin: mins(chain.signin), signinFromNewPlace: chain.signin.isNew } : {}),
      },
      text,
    },
    evidence: steps.map((s) => s.id).slice(0, p.maxEvidence),
    attack: [...takeoverChainMeta.attack],
    entities: { users: [user], ips, locations: places },
  };
}

/** The takeover-chain detector. */
export const takeoverChain: Detector<TakeoverChainParams, TakeoverChainState> = {
  id: ID,
  meta: takeoverChainMeta,
  paramsSchema: takeoverChainParamsSchema,
  defaults: takeoverChainParamsSchema.parse(defaultsJson),
  initialState: () => ({ version: 1, users: emptyKeyed(), nets: emptyKeyed(), sweepAt: 0, lastT: 0 }),
  step(state, events, p, ctx) {
    const users = new KeyedWriter(state.users);
    const nets = new SharedNetworks(state.nets, p);
    const chainMs = p.chainHours * HOUR;
    const learnMs = p.learningDays * DAY_MS;
    // A known place's last-seen time is refreshed at most this often: 1/720 of the horizon (1 h at 30 days).
    const refreshMs = learnMs / 720;
    const out = new Map<string, Finding>();
    let sweepAt = state.sweepAt;
    let lastT = state.lastT;
    for (let i = 0; i < events.length; i += 1) {
      const e = events[i] as SsprEvent;
      const t = eventTime(events, ctx, i);
      if (t < lastT - learnMs) continue;
      lastT = Math.max(lastT, t);
      if (t >= sweepAt) {
        users.sweep((u) => u.since > t - learnMs || u.places.some((x) => x.last > t - learnMs) || (u.chain !== undefined && u.chain.start > t - chainMs));
        nets.sweep(t);
        sweepAt = t + Math.min(learnMs, p.sharedHorizonHours * HOUR) / 8;
      }
      const what = classify(e);
      if (what === undefined) continue;
      const kind: StepKind | undefined = what.kind;
      const learn = what.learn;
      const key = `u:${e.user.name}`;
      const stored = users.get(key);
      // Replays and events later than the engine's lateness: never older than what this user already had.
      if (stored && (t < stored.wt || (t === stored.wt && e.id <= stored.wid))) continue;
      const seen = observeNetwork(nets, eventNetwork(events, ctx, i), e, t, learn);
      const trust = seen?.trust;
      // Place keys: network, city, country. A shared network is never new and never learned as the user's
      // network; its city still is a place they were.
      const geo = e.source?.geo;
      const country = geo?.country?.toUpperCase();
      const netKey = !trust && seen ? `n:${seen.net.prefix}` : undefined;
      const cityKey = geo?.city ? `ci:${country ?? '?'}/${geo.city.toLowerCase()}` : undefined;
      const countryKey = country ? `c:${country}` : undefined;
      if (kind === undefined) {
        // Pure learning: skip the write when every key is known and was refreshed recently.
        if (netKey === undefined && cityKey === undefined && countryKey === undefined) continue;
        if (stored) {
          const recent = t - refreshMs;
          if (hasPlace(stored.places, netKey, recent) !== false && hasPlace(stored.places, cityKey, recent) !== false && hasPlace(stored.places, countryKey, recent) !== false) continue;
        }
      }
      const u = users.edit(key, copyUser, () => ({ since: t, places: [], wt: t, wid: e.id }));
      u.wt = t;
      u.wid = e.id;
      if (u.chain && t > u.chain.start + chainMs) delete u.chain;
      const fresh = t - learnMs;
      let changed = false;
      if (kind === 'reset' || (kind !== undefined && u.chain)) {
        // A user watched for less than `minHistoryHours` (a new hire, or anyone on the day monitoring starts) is
        // judged on the country only: a first day teaches networks and cities one by one, but not another country.
        const young = u.since > t - p.minHistoryHours * HOUR;
        const netKnown = hasPlace(u.places, netKey, fresh);
        const cityKnown = hasPlace(u.places, cityKey, fresh);
        const countryNew = hasPlace(u.places, countryKey, fresh) === false;
        const isNew = what.operator !== true && u.places.length > 0 && trust === undefined && (netKnown !== undefined || cityKnown !== undefined) && !netKnown && !cityKnown && (!young || countryNew);
        const s: ChainStep = { t, id: e.id, what: stepText(e, kind), place: placeLabel(e.source?.geo, e.source?.ip), isNew, newCountry: isNew && countryNew };
        if (e.source?.ip !== undefined) s.ip = e.source.ip;
        const c = u.chain;
        if (!c) {
          u.chain = { start: t, resets: [s], regs: [] };
        } else if (kind === 'reset' || kind === 'registration') {
          const list = kind === 'reset' ? c.resets : c.regs;
          if (list.length < p.maxEvidence) {
            list.push(s);
            changed = true;
          }
        } else if (!c.signin || (!c.signin.isNew && isNew)) {
          c.signin = s;
          changed = true;
        }
      }
      if (learn) {
        const open = u.chain !== undefined;
        touchPlace(u.places, netKey, t, !open);
        touchPlace(u.places, cityKey, t, !open);
        touchPlace(u.places, countryKey, t, !open);
        if (u.places.some((x) => x.last <= fresh)) u.places = u.places.filter((x) => x.last > fresh);
        if (u.places.length > p.maxPlacesPerUser) u.places = [...u.places].sort((a, b) => b.last - a.last).slice(0, p.maxPlacesPerUser);
      }
      const c = u.chain;
      if (changed && c && c.regs.length > 0 && (c.resets.some((s) => s.isNew) || c.regs.some((s) => s.isNew))) {
        const f = toFinding(e.user.name, u, c, p, t);
        out.set(f.id, f);
      }
    }
    return { state: { version: 1, users: users.commit(), nets: nets.commit(), sweepAt, lastT }, findings: [...out.values()] };
  },
};
