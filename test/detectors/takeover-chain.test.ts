import { describe, expect, it } from 'vitest';
import type { Geo, SsprEvent } from '../../core/event.ts';
import { takeoverChain, takeoverChainParamsSchema } from '../../detectors/takeover-chain.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { cut, deepFreeze, runAll, runBatches, shuffleWithin, sorted, viaEngine } from './stream-harness.ts';

const BASE = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number): number => BASE + minutes * 60_000;
const DAY = 24 * 60;

interface Where {
  ip: string;
  geo: Geo;
}
const HOME: Where = { ip: '203.0.113.10', geo: { city: 'Paris', country: 'FR', lat: 48.8566, lon: 2.3522, origin: 'log' } };
const LAGOS: Where = { ip: '198.51.100.77', geo: { city: 'Lagos', country: 'NG', lat: 6.5244, lon: 3.3792, origin: 'log' } };
const OFFICE_VPN: Where = { ip: '198.51.100.7', geo: { city: 'New York', country: 'US', lat: 40.7128, lon: -74.006, origin: 'log' } };

interface Opts {
  user?: string;
  actor?: SsprEvent['actor'];
}

function signin(minutes: number, where: Where, o: Opts = {}): SsprEvent {
  return makeEvent({ dataset: 'entra.signin', action: 'signin', outcome: 'success', tags: ['interactive'], user: o.user ?? 'alice@contoso.com', at: at(minutes), source: where });
}
function reset(minutes: number, where: Where, o: Opts = {}): SsprEvent {
  return makeEvent({ action: 'sspr.reset', outcome: 'success', user: o.user ?? 'alice@contoso.com', at: at(minutes), source: where });
}
function registered(minutes: number, where: Where, o: Opts = {}): SsprEvent {
  return makeEvent({
    action: 'registration.added',
    outcome: 'success',
    authMethod: 'authenticatorPush',
    user: o.user ?? 'alice@contoso.com',
    at: at(minutes),
    source: where,
    ...(o.actor ? { actor: o.actor } : {}),
  });
}

/** Ten days of alice signing in from home. */
const history = (): SsprEvent[] => [-10, -7, -5, -3, -1].map((d) => signin(d * DAY, HOME));
/** The takeover: reset, new authenticator and sign-in from Lagos. */
const attack = (from = 0): SsprEvent[] => [reset(from, LAGOS), registered(from + 10, LAGOS), signin(from + 20, LAGOS)];

describe('takeover-chain', () => {
  it('flags an SSPR reset, a new authenticator and a sign-in from a new country as critical', () => {
    const events = [...history(), ...attack()];
    const findings = runAll(takeoverChain, events);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toEqual(events.slice(-3).map((e) => e.id));
    expect(f?.explanation.window.start).toBe(new Date(at(0)).toISOString());
    expect(f?.explanation.observed).toMatchObject({ newSteps: 'reset,registration,signin', newCountry: true, minutesToRegistration: 10, minutesToSignin: 20 });
    expect(f?.explanation.baseline).toMatchObject({ knownCountries: 'FR', knownCities: 'FR/paris', knownNetworks: 1 });
    expect(f?.entities.locations).toEqual(['Lagos, NG']);
    expect(f?.ips).toEqual([LAGOS.ip]);
    expect(f?.attack).toContain('T1098.005');
  });

  it('raises high on reset and registration from a new place, then the sign-in updates the same finding to critical', () => {
    const [reset0, reg, sign] = attack();
    const early = runAll(takeoverChain, [...history(), reset0 as SsprEvent, reg as SsprEvent]);
    const late = runAll(takeoverChain, [...history(), reset0 as SsprEvent, reg as SsprEvent, sign as SsprEvent]);
    expect(early[0]?.severity).toBe('high');
    expect(early[0]?.summary).toContain('SSPR reset from Lagos, NG (new)');
    expect(early[0]?.explanation.text).toContain('no sign-in yet');
    expect(late[0]?.severity).toBe('critical');
    expect(late[0]?.id).toBe(early[0]?.id);
  });

  it('stays quiet for a user resetting from home and registering a new phone at home', () => {
    expect(runAll(takeoverChain, [...history(), reset(0, HOME), registered(5, HOME), signin(8, HOME)])).toEqual([]);
  });

  it('stays quiet when the home ISP hands out a new address in a known city', () => {
    const newLease: Where = { ...HOME, ip: '192.0.2.50' };
    expect(runAll(takeoverChain, [...history(), reset(0, newLease), registered(5, newLease), signin(8, newLease)])).toEqual([]);
  });

  it('stays quiet when the new place is a corporate network many users share, learned from the data', () => {
    const colleagues = ['bob', 'carol', 'dave'].map((u, i) => signin(-120 + i, OFFICE_VPN, { user: `${u}@contoso.com` }));
    const chain = [reset(0, OFFICE_VPN), registered(5, OFFICE_VPN), signin(8, OFFICE_VPN)];
    expect(runAll(takeoverChain, [...history(), ...colleagues, ...chain])).toEqual([]);
    expect(runAll(takeoverChain, [...history(), ...chain])).toHaveLength(1);
    const trusted = takeoverChainParamsSchema.parse({ ...takeoverChain.defaults, trustedNetworks: ['198.51.100.0/28'] });
    expect(runAll(takeoverChain, [...history(), ...chain], trusted)).toEqual([]);
  });

  it('stays quiet for a user with too little history to judge what is new', () => {
    const lyon: Where = { ip: '192.0.2.44', geo: { city: 'Lyon', country: 'FR', lat: 45.764, lon: 4.8357, origin: 'log' } };
    expect(runAll(takeoverChain, attack())).toEqual([]);
    expect(runAll(takeoverChain, [signin(-12 * 60, HOME), reset(0, lyon), registered(10, lyon), signin(20, lyon)])).toEqual([]);
  });

  it('flags a chain from a new country even when the user has been watched for only a few hours', () => {
    const [f] = runAll(takeoverChain, [signin(-5 * 60, HOME), ...attack()]);
    expect(f?.severity).toBe('critical');
    expect(f?.explanation.observed.newCountry).toBe(true);
  });

  it('stays quiet for a reset and a sign-in from a new place without a security-info change', () => {
    expect(runAll(takeoverChain, [...history(), reset(0, LAGOS), signin(20, LAGOS)])).toEqual([]);
  });

  it('stays quiet when the registration comes after the chain window', () => {
    expect(runAll(takeoverChain, [...history(), reset(0, LAGOS), registered(5 * 60, LAGOS)])).toEqual([]);
  });

  it('takes security info an admin registered as the chain step, but not the admin network as new (issue 8)', () => {
    const admin = { kind: 'admin' as const, name: 'helpdesk@contoso.com' };
    const [f] = runAll(takeoverChain, [...history(), reset(0, LAGOS), registered(10, LAGOS, { actor: admin })]);
    expect(f?.summary).toContain('security info added (authenticatorPush) by admin helpdesk@contoso.com from Lagos, NG 10 min later');
    expect(runAll(takeoverChain, [...history(), reset(0, HOME), registered(10, LAGOS, { actor: admin })])).toEqual([]);
  });

  it('accepts the sign-in before the registration', () => {
    const [f] = runAll(takeoverChain, [...history(), reset(0, LAGOS), signin(5, LAGOS), registered(12, LAGOS)]);
    expect(f?.severity).toBe('critical');
  });

  it('keeps the attacker’s place out of the user’s baseline', () => {
    const findings = runAll(takeoverChain, [...history(), ...attack(), ...attack(DAY)]);
    expect(findings).toHaveLength(2);
    expect(findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('gives the same findings and ids when the same events are replayed with fresh state, or delivered again late', () => {
    const events = [...history(), ...attack(), reset(DAY, HOME), registered(DAY + 3, HOME)];
    const once = runAll(takeoverChain, events);
    expect(once).toHaveLength(1);
    expect(runAll(takeoverChain, events)).toEqual(once);
    expect(runBatches(takeoverChain, [sorted(events), sorted(events)]).findings).toEqual(once);
  });

  it('learns the city, not the network, of a shared office network', () => {
    const office: Where = { ip: '198.51.100.7', geo: { city: 'Paris', country: 'FR', lat: 48.86, lon: 2.35, origin: 'log' } };
    const colleagues = ['bob', 'carol', 'dave'].map((u, i) => signin(-4 * DAY + i, office, { user: `${u}@contoso.com` }));
    const officeOnly = [-3, -2, -1].map((d) => signin(d * DAY, office));
    // Alice was only ever seen at the shared office: a reset and registration from home in Paris is a known city.
    const homeParis: Where = { ip: '192.0.2.50', geo: { city: 'Paris', country: 'FR', lat: 48.85, lon: 2.34, origin: 'log' } };
    expect(runAll(takeoverChain, [...colleagues, ...officeOnly, reset(0, homeParis), registered(4, homeParis)])).toEqual([]);
    expect(runAll(takeoverChain, [...colleagues, ...officeOnly, ...attack()])).toHaveLength(1);
  });

  it('gives the same final findings whatever the batch boundaries, with the state JSON round-tripped mid-stream', () => {
    const events = [...history(), ...attack(), ...attack(DAY)];
    const whole = runAll(takeoverChain, events);
    expect(whole).toHaveLength(2);
    for (let k = 1; k < events.length; k += 1) {
      expect(runBatches(takeoverChain, cut(events, [k])).findings).toEqual(whole);
      expect(runBatches(takeoverChain, cut(events, [k]), undefined, { roundTrip: true }).findings).toEqual(whole);
    }
  });

  it('gives the same findings for late and out-of-order arrivals within the engine lateness', () => {
    const events = [...history(), ...attack(), ...attack(DAY)];
    const expected = runAll(takeoverChain, events);
    for (const seed of [7, 8, 9]) expect(viaEngine(takeoverChain, shuffleWithin(events, 25, seed), 2, 30)).toEqual(expected);
  });

  it('does not mutate its input state or events', () => {
    const events = deepFreeze(sorted([...history(), ...attack()]));
    const first = takeoverChain.step(takeoverChain.initialState(takeoverChain.defaults), events.slice(0, 6), takeoverChain.defaults, { watermark: 0, final: false });
    const frozen = deepFreeze(first.state);
    const snapshot = JSON.stringify(frozen);
    const next = takeoverChain.step(frozen, events.slice(6), takeoverChain.defaults, { watermark: 0, final: false });
    expect(next.findings[0]?.severity).toBe('critical');
    expect(JSON.stringify(frozen)).toBe(snapshot);
  });

  it('bounds per-user places and forgets users idle past the learning horizon', () => {
    const roaming = Array.from({ length: 60 }, (_, i) => signin(i, { ip: `192.0.${i}.1`, geo: { city: `Town${i}`, country: 'FR', origin: 'geoip' } }));
    const { state } = runBatches(takeoverChain, [sorted(roaming)]);
    const bucket = state.users.b.find((b) => b !== null);
    expect(bucket?.v[0]?.places.length).toBeLessThanOrEqual(takeoverChain.defaults.maxPlacesPerUser);
    const later = runBatches(takeoverChain, [sorted(roaming), [signin(40 * DAY, HOME, { user: 'zoe@contoso.com' })]]).state;
    expect(later.users.n).toBe(1);
  });
});
