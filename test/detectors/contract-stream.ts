import type { SsprEvent } from '../../core/event.ts';
import { makeEvent } from '../helpers/make-event.ts';

/**
 * A small seeded tenant for the contract suite: 200 users over ten days (from Monday 2026-02-02) with normal
 * life (business-hour sign-ins, SSPR flows with their writeback, the odd lockout) and one incident for each
 * detector type: a 3 a.m. reset burst, an SSPR spray from one /24, a lockout storm with helpdesk unlocks, a
 * break-glass reset with a method change, an unexplained sync-account reset, impossible travel, MFA fatigue
 * and an SSPR takeover chain. Same seed, same events (ids included).
 */
export function contractStream(seed = 7): SsprEvent[] {
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const start = Date.parse('2026-02-02T00:00:00.000Z');
  const min = 60_000;
  const hour = 60 * min;
  const day = 24 * hour;
  const out: SsprEvent[] = [];
  let n = 0;
  const id = (dataset: string): string => `${dataset}:c${seed}-${(n += 1)}`;
  const upn = (i: number): string => `u${String(i).padStart(3, '0')}@contoso.com`;
  const amsterdam = { city: 'Amsterdam', country: 'NL', lat: 52.37, lon: 4.9, origin: 'log' as const };
  const home = (i: number): string => `172.16.${i}.10`;
  const office = (i: number): string => `192.0.2.${10 + (i % 3)}`;
  const signin = (i: number, t: number, ip: string, geo = amsterdam, extra: Partial<SsprEvent> = {}): void => {
    out.push(makeEvent({ id: id('entra.signin'), dataset: 'entra.signin', action: 'signin', outcome: 'success', user: upn(i), at: t, tags: ['interactive'], source: { ip, geo }, ...extra }));
  };
  const flow = (i: number, t: number, ip: string, outcome: 'success' | 'abandoned' | 'blocked' | 'failed', geo = amsterdam): void => {
    const corr = `corr-${seed}-${(n += 1)}`;
    const base = { dataset: 'entra.audit' as const, user: upn(i), correlationId: corr, source: { ip, geo } };
    out.push(makeEvent({ ...base, id: id('entra.audit'), action: 'sspr.progress', ssprStep: 'userIdSubmitted', at: t }));
    if (outcome === 'abandoned') {
      out.push(makeEvent({ ...base, id: id('entra.audit'), action: 'sspr.progress', ssprStep: 'abandoned', outcome: 'failure', at: t + 4 * min }));
    } else if (outcome === 'failed') {
      out.push(makeEvent({ ...base, id: id('entra.audit'), action: 'sspr.progress', ssprStep: 'verificationFailed', outcome: 'failure', at: t + 2 * min }));
    } else {
      out.push(makeEvent({ ...base, id: id('entra.audit'), action: 'sspr.reset', outcome: outcome === 'success' ? 'success' : 'blocked', at: t + 3 * min }));
      if (outcome === 'success') writeback(i, t + 3 * min + 8_000);
    }
  };
  const writeback = (i: number, t: number): void => {
    const sam = `u${String(i).padStart(3, '0')}`;
    out.push(makeEvent({ id: id('ad.security'), dataset: 'ad.security', action: 'password.reset', user: { name: sam, sam }, actor: { kind: 'sync', name: 'msol_0a1b2c' }, tags: ['writeback'], at: t }));
  };
  const lockout = (i: number, t: number): void => {
    const sam = `u${String(i).padStart(3, '0')}`;
    out.push(makeEvent({ id: id('ad.security'), dataset: 'ad.security', action: 'account.lockout', user: { name: sam, sam }, actor: { kind: 'system' }, device: `WS-${i}`, at: t }));
  };

  for (let d = 0; d < 10; d += 1) {
    const weekday = new Date(start + d * day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let i = 0; i < 200; i += 1) {
      if (rnd() < 0.9) signin(i, start + d * day + 8 * hour + int(0, 60) * min, rnd() < 0.6 ? office(i) : home(i));
    }
    for (let h = 8; h < 18; h += 1) {
      for (let k = int(3, 7); k > 0; k -= 1) {
        const i = int(0, 199);
        flow(i, start + d * day + h * hour + int(0, 50) * min, rnd() < 0.6 ? office(i) : home(i), rnd() < 0.85 ? 'success' : 'abandoned');
      }
      if (rnd() < 0.5) lockout(int(0, 199), start + d * day + h * hour + int(0, 59) * min);
    }
  }
  const d8 = start + 8 * day; // Tuesday 2026-02-10
  const d9 = start + 9 * day; // Wednesday 2026-02-11
  // Reset burst at 03:00 from many networks (a botnet): 40 flows, mostly blocked.
  for (let k = 0; k < 40; k += 1) flow(k, d8 + 3 * hour + k * min, `100.${64 + k}.7.9`, k % 5 === 0 ? 'failed' : 'blocked');
  // SSPR spray from one /24 at 11:00: 20 users failing verification.
  for (let k = 0; k < 20; k += 1) flow(100 + k, d8 + 11 * hour + k * min, `203.0.113.${10 + (k % 4)}`, 'failed');
  // Impossible travel: Amsterdam, then Sydney 40 minutes later.
  signin(10, d8 + 10 * hour, office(10));
  signin(10, d8 + 10 * hour + 40 * min, '1.128.0.9', { city: 'Sydney', country: 'AU', lat: -33.87, lon: 151.21, origin: 'log' });
  // MFA fatigue: ten denied pushes, then an approval.
  for (let k = 0; k < 10; k += 1) {
    out.push(makeEvent({ id: id('entra.signin'), dataset: 'entra.signin', action: 'mfa.challenge', outcome: 'failure', mfaResult: 'denied', requestId: `rq-${k}`, user: upn(20), at: d8 + 22 * hour + k * min, tags: ['interactive'], source: { ip: '198.51.100.99' } }));
  }
  signin(20, d8 + 22 * hour + 12 * min, '198.51.100.99', amsterdam, { mfaResult: 'approved' });
  // Lockout storm at 02:00: 25 users in ten minutes, five unlocked by the helpdesk.
  for (let k = 0; k < 25; k += 1) lockout(150 + (k % 50), d9 + 2 * hour + k * 24_000);
  for (let k = 0; k < 5; k += 1) {
    const sam = `u${150 + k}`;
    out.push(makeEvent({ id: id('ad.security'), dataset: 'ad.security', action: 'account.unlock', user: { name: sam, sam }, actor: { kind: 'helpdesk', name: 'hd-anna' }, at: d9 + 2 * hour + 30 * min + k * min }));
  }
  // Break-glass: a new authentication method, then a self-service reset.
  const bg = { name: 'breakglass01@contoso.onmicrosoft.com', upn: 'breakglass01@contoso.onmicrosoft.com' };
  out.push(makeEvent({ id: id('entra.audit'), action: 'registration.added', user: bg, authMethod: 'sms', at: d9 + 14 * hour, source: { ip: '45.0.0.1' } }));
  out.push(makeEvent({ id: id('entra.audit'), action: 'sspr.reset', outcome: 'success', user: bg, at: d9 + 14 * hour + 5 * min, source: { ip: '45.0.0.1' } }));
  // A sync-account 4724 that no cloud reset explains.
  writeback(199, d9 + 15 * hour);
  // Takeover chain: reset, new method and sign-in from a new country.
  const lagos = { city: 'Lagos', country: 'NG', lat: 6.45, lon: 3.39, origin: 'log' as const };
  out.push(makeEvent({ id: id('entra.audit'), action: 'sspr.reset', outcome: 'success', user: upn(30), at: d9 + 20 * hour, source: { ip: '102.89.0.5', geo: lagos } }));
  out.push(makeEvent({ id: id('entra.audit'), action: 'registration.added', authMethod: 'authenticatorPush', user: upn(30), at: d9 + 20 * hour + 6 * min, source: { ip: '102.89.0.5', geo: lagos } }));
  signin(30, d9 + 20 * hour + 12 * min, '102.89.0.5', lagos);
  return out.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : 1));
}
