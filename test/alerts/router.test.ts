import { describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { routeChanges, type RouterContext } from '../../alerts/router.ts';
import type { FindingChange } from '../../core/finding.ts';
import { makeFinding } from '../helpers/make-finding.ts';

const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const channels = {
  soc: { type: 'webhook', url: 'https://soc.example.org/hooks', secret },
  oncall: { type: 'email', smtp: { host: 'smtp.example.org', port: 587 }, from: 'sspr@example.org', to: ['oncall@example.org'] },
  chat: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' },
};
const config = (routes: unknown[], extra: Record<string, unknown> = {}) => parseAlertsConfig({ channels, routes, ...extra });
// 10:00 UTC on a Monday.
const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const ctx = (over: Partial<RouterContext> = {}): RouterContext => ({ now: NOW, alerted: new Map(), recent: new Map(), ...over });
const created = (over = {}): FindingChange => ({ kind: 'created', finding: makeFinding(over) });

describe('alert router', () => {
  it('sends a new finding to every channel of each matching route, once per channel', () => {
    const cfg = config([
      { name: 'page', match: { severity: ['critical'] }, channels: ['soc', 'oncall'] },
      { name: 'all', match: {}, channels: ['soc', 'chat'] },
    ]);
    const { items, counts } = routeChanges([created({ severity: 'critical' })], cfg, ctx());
    expect(items.map((i) => [i.channel, i.route, i.status, i.type])).toEqual([
      ['soc', 'page', 'pending', 'finding.created'],
      ['oncall', 'page', 'pending', 'finding.created'],
      ['chat', 'all', 'pending', 'finding.created'],
    ]);
    expect(counts).toMatchObject({ alerts: 3, held: 0, unmatched: 0 });
    expect(new Set(items.map((i) => i.id)).size).toBe(3);
    expect(items[0]!.alert).toMatchObject({ type: 'finding.created', at: '2026-03-02T10:00:00.000Z', reasons: ['new'] });
  });

  it('matches on detector, severity, user pattern, group, entity address or range, and time of day', () => {
    const only = (match: Record<string, unknown>, over: Record<string, unknown> = {}, groups: Record<string, string[]> = {}) =>
      routeChanges([created(over)], config([{ name: 'r', match, channels: ['soc'] }]), ctx({ groupsOf: (u) => groups[u] ?? [] })).items.length;
    expect(only({ detector: ['mfa-fatigue'] })).toBe(1);
    expect(only({ detector: ['reset-spray'] })).toBe(0);
    expect(only({ severity: ['high', 'critical'] })).toBe(1);
    expect(only({ severity: ['low'] })).toBe(0);
    expect(only({ user: ['ALICE@*'] })).toBe(1);
    expect(only({ user: ['adm-*@contoso.com'] })).toBe(0);
    expect(only({ group: ['Finance'] }, {}, { 'alice@contoso.com': ['finance'] })).toBe(1);
    expect(only({ group: ['Finance'] }, {}, { 'alice@contoso.com': ['sales'] })).toBe(0);
    expect(only({ entity: ['203.0.113.0/24'] })).toBe(1);
    expect(only({ entity: ['203.0.113.7'] })).toBe(1);
    expect(only({ entity: ['198.51.100.0/24'] })).toBe(0);
    expect(only({ entity: ['lagos*'] })).toBe(1);
    expect(only({ entity: ['user:alice@*'] })).toBe(1);
    // lastSeen 03:10 UTC is 04:10 in Berlin: inside 22:00-06:00 there, outside 08:00-18:00 UTC.
    expect(only({ timeOfDay: { from: '22:00', to: '06:00', timeZone: 'Europe/Berlin' } })).toBe(1);
    expect(only({ timeOfDay: { from: '08:00', to: '18:00' } })).toBe(0);
    expect(only({ detector: ['mfa-fatigue'], severity: ['low'] })).toBe(0);
  });

  it('sends no alert for an update that only adds evidence, and one for a raised severity or a completed chain', () => {
    const cfg = config([{ name: 'all', match: {}, channels: ['soc'] }]);
    const before = makeFinding();
    const more = makeFinding({ lastSeen: '2026-03-02T03:20:00.000Z', evidence: ['entra.signin:1', 'entra.signin:2', 'entra.signin:3'] });
    const raised = makeFinding({ severity: 'critical', lastSeen: '2026-03-02T03:25:00.000Z' });
    const result = routeChanges(
      [
        { kind: 'updated', finding: more, previous: before },
        { kind: 'updated', finding: raised, previous: more },
      ],
      cfg,
      ctx(),
    );
    expect(result.counts).toMatchObject({ alerts: 1, unchanged: 1 });
    expect(result.items[0]!.alert).toMatchObject({ type: 'finding.updated', reasons: ['severity-raised'], previousSeverity: 'high' });

    const chain = (observed: Record<string, number>) =>
      makeFinding({ id: 'tc', detector: 'takeover-chain', explanation: { ...makeFinding().explanation, observed } });
    const completed = routeChanges([{ kind: 'updated', finding: chain({ registrations: 1, minutesToSignin: 9 }), previous: chain({ registrations: 1 }) }], cfg, ctx());
    expect(completed.items.map((i) => i.alert.reasons)).toEqual([['chain-completed']]);
    const lowered = routeChanges([{ kind: 'updated', finding: makeFinding({ severity: 'medium' }), previous: before }], cfg, ctx());
    expect(lowered.items).toEqual([]);
  });

  it('sends a retraction only to the channels that heard about the finding', () => {
    const cfg = config([{ name: 'all', match: {}, channels: ['soc', 'chat'] }]);
    const before = makeFinding();
    const retracted = makeFinding({ retracted: { at: '2026-03-02T05:00:00.000Z', reason: 'explained by a later record' } });
    const alerted = new Map([['f-1', new Map([['soc', 'all']])]]);
    const { items, counts } = routeChanges([{ kind: 'retracted', finding: retracted, previous: before }], cfg, ctx({ alerted }));
    expect(items.map((i) => [i.channel, i.route, i.type])).toEqual([['soc', 'retraction', 'finding.retracted']]);
    expect(counts.retractions).toBe(1);
    // Never alerted (e.g. it matched no route): nothing to take back.
    expect(routeChanges([{ kind: 'retracted', finding: retracted, previous: before }], cfg, ctx()).items).toEqual([]);
    // Back after a retraction: an update that says so.
    const back = routeChanges([{ kind: 'updated', finding: before, previous: retracted }], cfg, ctx());
    expect(back.items.map((i) => i.alert.reasons)).toEqual([['returned'], ['returned']]);
  });

  it('holds what a throttled route cannot send for the digest at the end of the hour, never dropping it', () => {
    const cfg = config([{ name: 'rest', match: {}, channels: ['soc', 'oncall'], throttle: { max: 2, perMinutes: 60 }, digest: 'hourly' }]);
    const changes = [1, 2, 3, 4].map((n) => created({ id: `f-${n}` }));
    const { items, counts } = routeChanges(changes, cfg, ctx({ now: NOW + 25 * 60_000, recent: new Map([['rest', 1]]) }));
    expect(counts).toMatchObject({ alerts: 2, held: 6 });
    expect(items.filter((i) => i.status === 'pending').map((i) => i.findingId)).toEqual(['f-1', 'f-1']);
    const held = items.filter((i) => i.status === 'held');
    expect(new Set(held.map((i) => i.dueAt))).toEqual(new Set(['2026-03-02T11:00:00.000Z']));
    expect(held.map((i) => i.digestKey)).toContain('rest|soc|throttle|2026-03-02T10:00:00.000Z|2026-03-02T11:00:00.000Z');
  });

  it('holds alerts below the override during quiet hours until they end, and pages critical ones at once', () => {
    const cfg = config([{ name: 'night', match: {}, channels: ['oncall'], quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin', severityOverride: 'critical' } }]);
    // 23:30 UTC is 00:30 in Berlin (CET, UTC+1): quiet until 07:00 Berlin = 06:00 UTC.
    const night = Date.parse('2026-03-02T23:30:00.000Z');
    const { items } = routeChanges([created({ id: 'h' }), created({ id: 'c', severity: 'critical' })], cfg, ctx({ now: night }));
    expect(items.map((i) => [i.findingId, i.status, i.dueAt])).toEqual([
      ['h', 'held', '2026-03-03T06:00:00.000Z'],
      ['c', 'pending', '2026-03-02T23:30:00.000Z'],
    ]);
    expect(items[0]!.digestKey).toBe('night|oncall|quiet-hours|2026-03-02T21:00:00.000Z|2026-03-03T06:00:00.000Z');
    // After the switch to summer time (CEST, UTC+2) 07:00 Berlin is 05:00 UTC.
    const summer = routeChanges([created({ id: 'h' })], cfg, ctx({ now: Date.parse('2026-04-01T01:00:00.000Z') })).items;
    expect(summer[0]!.dueAt).toBe('2026-04-01T05:00:00.000Z');
    // In the daytime nothing is held.
    expect(routeChanges([created({ id: 'h' })], cfg, ctx()).items[0]!.status).toBe('pending');
  });

  it('gives one revision on one channel the same id every time, and a new revision a new id', () => {
    const cfg = config([{ name: 'all', match: {}, channels: ['soc'] }]);
    const a = routeChanges([created()], cfg, ctx()).items[0]!.id;
    const again = routeChanges([created()], cfg, ctx({ now: NOW + 3_600_000 })).items[0]!.id;
    const acknowledged = routeChanges([created({ status: 'acknowledged' })], cfg, ctx()).items[0]!.id;
    const raised = routeChanges([{ kind: 'updated', finding: makeFinding({ severity: 'critical' }), previous: makeFinding() }], cfg, ctx()).items[0]!.id;
    expect(again).toBe(a);
    expect(acknowledged).toBe(a);
    expect(raised).not.toBe(a);
    expect(a).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
  });
});
