import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applyTuningChange, inForce } from '../../dashboard/server/tuning/apply.ts';
import { renderConfigText } from '../../dashboard/server/tuning/config-text.ts';
import { networkOf, proposeTuning } from '../../dashboard/server/tuning/propose.ts';
import { makeFinding } from '../helpers/make-finding.ts';

const benign = (id: string, over: Parameters<typeof makeFinding>[0]) => makeFinding({ id, status: 'resolved', resolution: 'benign', ...over });

describe('tuning proposals from benign closures', () => {
  it('groups addresses by their IPv4 /24 or IPv6 /64', () => {
    expect(networkOf('198.51.100.77')).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:0:12::5')).toBe('2001:db8:0:12::/64');
    expect(networkOf('2001:0db8:0000:0012:abcd::1')).toBe('2001:db8:0:12::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('not an ip')).toBeUndefined();
  });

  it('proposes nothing below the closure count, for another cause, or what the config already does', () => {
    const vpn = ['a', 'b', 'c'].map((id) => benign(id, { detector: 'impossible-travel', cause: 'corporate-vpn', ips: ['198.51.100.7'], entities: { users: [], ips: [], locations: [] } }));
    const none = { trustedNetworks: () => [], keyFloor: () => undefined };
    expect(proposeTuning('impossible-travel', vpn.slice(0, 2), 3, none)).toEqual([]);
    expect(proposeTuning('impossible-travel', vpn.map((f) => ({ ...f, cause: 'travel' })), 3, none)).toEqual([]);
    expect(proposeTuning('mfa-fatigue', vpn.map((f) => ({ ...f, detector: 'mfa-fatigue' })), 3, none)).toEqual([]);
    expect(proposeTuning('impossible-travel', vpn, 3, { ...none, trustedNetworks: () => ['198.51.100.0/24'] })).toEqual([]);
    const [p] = proposeTuning('impossible-travel', vpn, 3, none);
    expect(p).toMatchObject({ change: { kind: 'trusted-network', network: '198.51.100.0/24' }, findings: ['a', 'b', 'c'] });
    // The same target gives the same id, so more closures update one proposal.
    expect(proposeTuning('impossible-travel', [...vpn, benign('d', vpn[0]!)], 3, none)[0]!.id).toBe(p!.id);
  });

  it('raises a key floor to one above the highest peak, only for user and address keys', () => {
    const spikes = [10, 14, 12].map((peak, i) =>
      benign(`s${i}`, { detector: 'reset-spike', key: 'user:svc@contoso.com', cause: 'own-script', explanation: { ...makeFinding().explanation, observed: { attempts: peak + 3, peakAttempts: peak } } }),
    );
    const none = { trustedNetworks: () => [], keyFloor: () => undefined };
    expect(proposeTuning('reset-spike', spikes, 3, none).map((p) => p.change)).toEqual([{ kind: 'key-floor', detector: 'reset-spike', key: 'user:svc@contoso.com', minCount: 15 }]);
    expect(proposeTuning('reset-spike', spikes, 3, { ...none, keyFloor: () => 15 })).toEqual([]);
    expect(proposeTuning('reset-spike', spikes.map((f) => ({ ...f, key: 'tenant' })), 3, none)).toEqual([]);
  });
});

describe('writing a tuning change into the config', () => {
  it('adds a network once and replaces one key floor, keeping every other field', () => {
    const config = { kpi: { costPerTicket: { currency: 'USD', amount: 70 } }, detectors: { 'impossible-travel': { maxSpeedKmh: 900, trustedNetworks: ['192.0.2.0/24'] } } };
    const once = applyTuningChange(config, { kind: 'trusted-network', detector: 'impossible-travel', network: '198.51.100.0/24' });
    expect(once).toEqual({ kpi: config.kpi, detectors: { 'impossible-travel': { maxSpeedKmh: 900, trustedNetworks: ['192.0.2.0/24', '198.51.100.0/24'] } } });
    expect(applyTuningChange(once, { kind: 'trusted-network', detector: 'impossible-travel', network: '198.51.100.0/24' })).toEqual(once);
    expect(config.detectors['impossible-travel'].trustedNetworks).toEqual(['192.0.2.0/24']);
    const floor = applyTuningChange(once, { kind: 'key-floor', detector: 'reset-spike', key: 'user:a', minCount: 9 });
    const raised = applyTuningChange(floor, { kind: 'key-floor', detector: 'reset-spike', key: 'user:a', minCount: 12 });
    expect(inForce(raised).keyFloor('reset-spike', 'user:a')).toBe(12);
    expect((raised.detectors as Record<string, { keyFloors?: unknown[] }>)['reset-spike']!.keyFloors).toHaveLength(1);
  });

  it('keeps the comments and layout of a YAML config, changing only the detector it tunes', () => {
    const found = '# cost inputs from finance, 2026-Q1\nkpi:\n  costPerTicket: { currency: USD, amount: 70 } # per ticket\ndetectors:\n  mfa-fatigue:\n    minDenials: 6\n';
    const change = { kind: 'trusted-network' as const, detector: 'impossible-travel', network: '198.51.100.0/24' };
    const next = applyTuningChange(parseYaml(found) as Record<string, unknown>, change);
    const text = renderConfigText(found, next, change, 'sspr.config.yaml');
    expect(text).toContain('# cost inputs from finance, 2026-Q1');
    expect(text).toContain('# per ticket');
    expect(parseYaml(text)).toEqual({ kpi: { costPerTicket: { currency: 'USD', amount: 70 } }, detectors: { 'mfa-fatigue': { minDenials: 6 }, 'impossible-travel': { trustedNetworks: ['198.51.100.0/24'] } } });
    expect(renderConfigText(undefined, { detectors: {} }, change, 'sspr.config.json')).toBe('{\n  "detectors": {}\n}\n');
  });
});
