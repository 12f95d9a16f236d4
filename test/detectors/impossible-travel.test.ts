import { describe, expect, it } from 'vitest';
import type { Geo, SsprEvent } from '../../core/event.ts';
import { haversineKm } from '../../detectors/geo.ts';
import { impossibleTravel } from '../../detectors/impossible-travel.ts';
import { impossibleTravelParamsSchema, type ImpossibleTravelParams } from '../../detectors/impossible-travel-params.ts';
import { cidrContains, networkOf, parseCidr, parseIp } from '../../detectors/ip-net.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { cut, deepFreeze, runAll, runBatches, shuffleWithin, sorted, viaEngine } from './stream-harness.ts';

const BASE = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number): number => BASE + minutes * 60_000;

type City = Omit<Geo, 'origin'>;
const PARIS: City = { city: 'Paris', country: 'FR', lat: 48.8566, lon: 2.3522 };
const LAGOS: City = { city: 'Lagos', country: 'NG', lat: 6.5244, lon: 3.3792 };
const NEW_YORK: City = { city: 'New York', country: 'US', lat: 40.7128, lon: -74.006 };
const BERLIN: City = { city: 'Berlin', country: 'DE', lat: 52.52, lon: 13.405 };
const LYON: City = { city: 'Lyon', country: 'FR', lat: 45.764, lon: 4.8357 };
const MILAN: City = { city: 'Milan', country: 'IT', lat: 45.4642, lon: 9.19 };

interface SigninOptions {
  user?: string;
  ip?: string;
  origin?: Geo['origin'];
  action?: SsprEvent['action'];
  outcome?: SsprEvent['outcome'];
  tags?: string[];
  actor?: SsprEvent['actor'];
  device?: string;
}

/** A successful interactive sign-in (or another action) at `place`, `minutes` after 09:00. */
function seen(minutes: number, place: City, o: SigninOptions = {}): SsprEvent {
  return makeEvent({
    dataset: 'entra.signin',
    action: o.action ?? 'signin',
    outcome: o.outcome ?? 'success',
    user: o.user ?? 'alice@contoso.com',
    at: at(minutes),
    tags: o.tags ?? ['interactive'],
    ...(o.actor ? { actor: o.actor } : {}),
    ...(o.device ? { device: o.device } : {}),
    source: { ip: o.ip ?? `203.0.113.${(place.lat ?? 0) > 30 ? 10 : 99}`, geo: { ...place, origin: o.origin ?? 'log' } },
  });
}

const withParams = (over: Partial<ImpossibleTravelParams>): ImpossibleTravelParams => impossibleTravelParamsSchema.parse({ ...impossibleTravel.defaults, ...over });

/** Paris, a 20-minute stop in Lagos, back in Paris: the attacker bounce. */
function bounceStory(): SsprEvent[] {
  return [
    seen(0, PARIS, { ip: '203.0.113.10' }),
    seen(20, LAGOS, { ip: '198.51.100.77', action: 'sspr.reset' }),
    seen(40, PARIS, { ip: '203.0.113.10' }),
  ];
}

describe('impossible-travel', () => {
  it('flags a sign-in from Lagos thirty minutes after one in Paris', () => {
    const events = [seen(0, PARIS, { ip: '203.0.113.10' }), seen(30, LAGOS, { ip: '198.51.100.77' })];
    const [f, ...rest] = runAll(impossibleTravel, events);
    expect(rest).toHaveLength(0);
    expect(f?.severity).toBe('medium');
    expect(f?.user).toBe('alice@contoso.com');
    expect(f?.evidence).toEqual(events.map((e) => e.id));
    expect(f?.explanation.observed.speedKmh).toBeGreaterThan(8000);
    expect(f?.explanation.window.start).toBe(new Date(at(0)).toISOString());
    expect(f?.entities.locations).toEqual(['Paris, FR', 'Lagos, NG']);
    expect(f?.attack).toContain('T1078.004');
    expect(f?.summary).toContain('Lagos, NG');
  });

  it('stays quiet for a traveller flying Paris to New York in eight hours', () => {
    const events = [seen(0, PARIS), seen(8 * 60, NEW_YORK), seen(9 * 60, NEW_YORK, { action: 'registration.added' })];
    expect(runAll(impossibleTravel, events)).toEqual([]);
  });

  it('flags a far-away stop sandwiched between two home events as one high finding', () => {
    const events = bounceStory();
    const findings = runAll(impossibleTravel, events);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.explanation.observed.bounce).toBe(true);
    expect(findings[0]?.explanation.observed.roundTripMinutes).toBe(40);
    expect(findings[0]?.evidence).toEqual(events.map((e) => e.id));
  });

  it('flags a bounce whose legs are each under the speed limit', () => {
    // Paris → Berlin (878 km) in 55 min is ~890 km/h, back in 55 min: neither leg alone is impossible.
    const events = [seen(0, PARIS), seen(55, BERLIN, { ip: '192.0.2.40' }), seen(110, PARIS)];
    const [f] = runAll(impossibleTravel, events);
    expect(f?.severity).toBe('high');
    expect(f?.explanation.observed.hops).toBe(0);
    expect(f?.summary).toContain('between two Paris, FR events 110 min apart');
  });

  it('ignores a network many users of the tenant share, learned from the data', () => {
    const vpn = '198.51.100.7';
    const colleagues = ['bob', 'carol', 'dave'].map((u, i) => seen(-60 + i, NEW_YORK, { user: `${u}@contoso.com`, ip: vpn }));
    const alice = [seen(0, PARIS), seen(10, NEW_YORK, { ip: vpn })];
    expect(runAll(impossibleTravel, [...colleagues, ...alice])).toEqual([]);
    // Control: without the colleagues the same two sign-ins are impossible travel.
    expect(runAll(impossibleTravel, alice)).toHaveLength(1);
  });

  it('discounts a location stored before its network was learned as shared', () => {
    const vpn = '198.51.100.7';
    const events = [
      seen(-60, NEW_YORK, { ip: vpn }),
      seen(-30, NEW_YORK, { user: 'bob@contoso.com', ip: vpn }),
      seen(-20, NEW_YORK, { user: 'carol@contoso.com', ip: vpn }),
      seen(0, PARIS),
    ];
    expect(runAll(impossibleTravel, events)).toEqual([]);
    expect(runAll(impossibleTravel, [events[0] as SsprEvent, events[3] as SsprEvent])).toHaveLength(1);
  });

  it('trusts a shared network whose users live around it (an office), not one whose users live elsewhere (a VPN)', () => {
    const office = '198.51.100.7';
    const BROOKLYN: City = { city: 'Brooklyn', country: 'US', lat: 40.6782, lon: -73.9442 };
    const colleagues = (homeCity: City): SsprEvent[] =>
      ['bob', 'carol', 'dave', 'erin'].flatMap((u, i) => [
        seen(-600 + i, homeCity, { user: `${u}@contoso.com`, ip: `192.0.2.${10 + i}` }),
        seen(-120 + i, NEW_YORK, { user: `${u}@contoso.com`, ip: office }),
      ]);
    const alice = [seen(0, NEW_YORK, { ip: office }), seen(20, LAGOS, { ip: '198.51.100.77' })];
    expect(runAll(impossibleTravel, [...colleagues(BROOKLYN), ...alice])).toHaveLength(1);
    expect(runAll(impossibleTravel, [...colleagues(PARIS), ...alice])).toEqual([]);
  });

  it('does not learn a spraying address as shared from failed sign-ins', () => {
    const spray = ['bob', 'carol', 'dave', 'erin'].map((u, i) => seen(-30 + i, NEW_YORK, { user: `${u}@contoso.com`, ip: '192.0.2.66', outcome: 'failure' }));
    const alice = [seen(0, PARIS), seen(10, NEW_YORK, { ip: '192.0.2.66' })];
    expect(runAll(impossibleTravel, [...spray, ...alice])).toHaveLength(1);
  });

  it('stays quiet with no learning when the far network is in trustedNetworks', () => {
    const alice = [seen(0, PARIS), seen(10, NEW_YORK, { ip: '198.51.100.7' })];
    expect(runAll(impossibleTravel, alice, withParams({ trustedNetworks: ['198.51.100.0/24'] }))).toEqual([]);
  });

  it('downgrades a hop through a low-confidence carrier network to low', () => {
    const alice = [seen(0, PARIS), seen(30, LAGOS, { ip: '100.64.12.9' })];
    expect(runAll(impossibleTravel, alice)[0]?.severity).toBe('low');
    const configured = withParams({ lowConfidenceNetworks: ['192.0.2.0/24'] });
    expect(runAll(impossibleTravel, [seen(0, PARIS), seen(30, LAGOS, { ip: '192.0.2.5' })], configured)[0]?.severity).toBe('low');
  });

  it('absorbs geolocation error below the minimum distance', () => {
    expect(runAll(impossibleTravel, [seen(0, PARIS), seen(5, LYON)])).toEqual([]);
  });

  it('treats geoip-derived locations with a wider error radius than log-derived ones', () => {
    // Paris → Milan is ~640 km; 30 min later that is impossible with log locations (±25 km each)...
    expect(runAll(impossibleTravel, [seen(0, PARIS), seen(30, MILAN, { ip: '192.0.2.8' })])).toHaveLength(1);
    // ...but within the error of two geoip lookups (±100 km each).
    expect(runAll(impossibleTravel, [seen(0, PARIS, { origin: 'geoip' }), seen(30, MILAN, { ip: '192.0.2.8', origin: 'geoip' })])).toEqual([]);
  });

  it('ignores non-interactive sign-ins of a named device, failed sign-ins and registrations made by an admin', () => {
    const events = [
      seen(0, PARIS),
      seen(10, LAGOS, { tags: ['noninteractive'], ip: '198.51.100.77', device: 'IPHONE-ALICE' }),
      seen(12, LAGOS, { outcome: 'failure', ip: '198.51.100.77' }),
      seen(14, LAGOS, { action: 'registration.added', actor: { kind: 'admin', name: 'helpdesk@contoso.com' }, ip: '198.51.100.77' }),
    ];
    expect(runAll(impossibleTravel, events)).toEqual([]);
  });

  it('flags a token replayed from Lagos by a client with no device name, unless configured not to', () => {
    const events = [seen(0, PARIS), seen(45, LAGOS, { tags: ['noninteractive'], ip: '198.51.100.77' })];
    expect(runAll(impossibleTravel, events)).toHaveLength(1);
    expect(runAll(impossibleTravel, events, withParams({ devicelessTokenIsPresence: false }))).toEqual([]);
  });

  it('ignores an SSPR flow that never got past verification from far away', () => {
    const typed = (m: number, step: SsprEvent['ssprStep']): SsprEvent => ({ ...seen(m, LAGOS, { action: 'sspr.progress', ip: '198.51.100.77' }), ssprStep: step });
    expect(runAll(impossibleTravel, [seen(0, PARIS), typed(20, 'userIdSubmitted'), typed(21, 'verificationStarted')])).toEqual([]);
    expect(runAll(impossibleTravel, [seen(0, PARIS), typed(20, 'verified')])).toHaveLength(1);
  });

  it('opens a second finding for a second incident hours later', () => {
    const events = [...bounceStory(), seen(6 * 60, PARIS), seen(6 * 60 + 15, LAGOS, { ip: '198.51.100.77' })];
    const findings = runAll(impossibleTravel, events);
    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(2);
  });

  it('gives the same findings and ids when the same events are replayed with fresh state, or delivered again late', () => {
    const events = [...bounceStory(), seen(300, PARIS), seen(320, NEW_YORK)];
    const once = runAll(impossibleTravel, events);
    expect(once).toHaveLength(2);
    expect(runAll(impossibleTravel, events)).toEqual(once);
    expect(runBatches(impossibleTravel, [sorted(events), sorted(events)]).findings).toEqual(once);
  });

  it('gives the same final findings whatever the batch boundaries, with the state JSON round-tripped mid-stream', () => {
    const events = [...bounceStory(), seen(300, PARIS), seen(320, NEW_YORK), seen(330, PARIS)];
    const whole = runAll(impossibleTravel, events);
    expect(whole.length).toBeGreaterThan(0);
    for (let k = 1; k < events.length; k += 1) {
      expect(runBatches(impossibleTravel, cut(events, [k])).findings).toEqual(whole);
      expect(runBatches(impossibleTravel, cut(events, [k]), undefined, { roundTrip: true }).findings).toEqual(whole);
    }
    expect(runBatches(impossibleTravel, events.map((e) => [e]).map((b) => sorted(b)), undefined, { roundTrip: true }).findings).toEqual(whole);
  });

  it('gives the same findings for late and out-of-order arrivals within the engine lateness', () => {
    const events = [...bounceStory(), seen(300, PARIS), seen(320, NEW_YORK), seen(330, PARIS)];
    const expected = runAll(impossibleTravel, events);
    for (const seed of [1, 2, 3]) expect(viaEngine(impossibleTravel, shuffleWithin(events, 30, seed), 2, 60)).toEqual(expected);
  });

  it('does not mutate its input state or events', () => {
    const events = deepFreeze(sorted(bounceStory()));
    const first = impossibleTravel.step(impossibleTravel.initialState(impossibleTravel.defaults), events.slice(0, 2), impossibleTravel.defaults, { watermark: 0, final: false });
    const frozen = deepFreeze(first.state);
    const snapshot = JSON.stringify(frozen);
    expect(() => impossibleTravel.step(frozen, events.slice(2), impossibleTravel.defaults, { watermark: 0, final: false })).not.toThrow();
    expect(JSON.stringify(frozen)).toBe(snapshot);
  });

  it('evicts users and networks once they fall outside the history horizon', () => {
    const many = Array.from({ length: 200 }, (_, i) => seen(i, PARIS, { user: `user${i}@contoso.com`, ip: `203.0.${i}.1` }));
    const { state } = runBatches(impossibleTravel, [sorted(many)]);
    expect(state.users.n).toBe(200);
    const later = runBatches(impossibleTravel, [sorted(many), [seen(10 * 24 * 60, PARIS, { user: 'zoe@contoso.com' })]]).state;
    expect(later.users.n).toBe(1);
    expect(later.nets.n).toBe(1);
  });

  it('rejects params that are not valid', () => {
    expect(impossibleTravelParamsSchema.safeParse({ ...impossibleTravel.defaults, trustedNetworks: ['10.0.0.0/33'] }).success).toBe(false);
    expect(impossibleTravelParamsSchema.safeParse({ ...impossibleTravel.defaults, maxSpeedKmh: -1 }).success).toBe(false);
    expect(impossibleTravelParamsSchema.safeParse({ ...impossibleTravel.defaults, unknownField: 1 }).success).toBe(false);
  });
});

describe('geo and ip-net helpers', () => {
  it('measures great-circle distance in km', () => {
    expect(haversineKm(PARIS.lat ?? 0, PARIS.lon ?? 0, NEW_YORK.lat ?? 0, NEW_YORK.lon ?? 0)).toBeCloseTo(5837, -1);
    expect(haversineKm(10, 20, 10, 20)).toBe(0);
  });

  it('keys IPv4 by /24 and IPv6 by /48, and reads IPv4-mapped IPv6 as IPv4', () => {
    expect(networkOf('203.0.113.7')).toMatchObject({ addr: '203.0.113.7', prefix: '203.0.113.0/24' });
    expect(networkOf('2001:DB8:a::1')).toMatchObject({ addr: '2001:db8:a:0:0:0:0:1', prefix: '2001:db8:a::/48' });
    expect(networkOf('::ffff:203.0.113.7')).toMatchObject({ addr: '203.0.113.7', prefix: '203.0.113.0/24' });
    for (const bad of ['203.0.113', '203.0.113.256', '1e2.0.0.1', '010.0.0.1', '1::2::3', 'fe80::1::', 'nonsense', '']) expect(parseIp(bad)).toBeUndefined();
  });

  it('matches CIDR blocks of any prefix length', () => {
    const cgnat = parseCidr('100.64.0.0/10');
    expect(cgnat && cidrContains(cgnat, parseIp('100.127.255.1') ?? { v: 4, parts: [] })).toBe(true);
    expect(cgnat && cidrContains(cgnat, parseIp('100.128.0.1') ?? { v: 4, parts: [] })).toBe(false);
    const nat64 = parseCidr('64:ff9b::/96');
    expect(nat64 && cidrContains(nat64, parseIp('64:ff9b::c000:201') ?? { v: 6, parts: [] })).toBe(true);
    expect(parseCidr('0.0.0.0/0') && cidrContains(parseCidr('0.0.0.0/0') as never, parseIp('8.8.8.8') as never)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});
