import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { findingSchema, type Finding } from '../../core/finding.ts';
import { createEngine } from '../../detectors/engine.ts';
import { privilegedReset } from '../../detectors/privileged-reset.ts';
import { makeEvent } from '../helpers/make-event.ts';

const BASE = Date.parse('2026-03-03T14:00:00.000Z');
const at = (minutes: number): number => BASE + minutes * 60_000;
const ADMIN = { name: 'adm-jdoe@contoso.com', upn: 'adm-jdoe@contoso.com' };
const ADMIN_AD = { name: 'adm-jdoe', sam: 'adm-jdoe', domain: 'contoso' };
const params = { ...privilegedReset.defaults, privilegedUsers: ['adm-jdoe@contoso.com', 'CONTOSO\\svc-tier0'] };

const ssprReset = (user: SsprEvent['user'], minutes: number, outcome: SsprEvent['outcome'] = 'success'): SsprEvent =>
  makeEvent({ action: 'sspr.reset', outcome, user, at: at(minutes), ip: '203.0.113.5' });
const writeback = (sam: string, minutes: number, actor = 'msol_0a1b2c'): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'password.reset', user: { name: sam, sam }, actor: { kind: 'sync', name: actor }, tags: ['writeback'], at: at(minutes) });
const onPremReset = (user: SsprEvent['user'], minutes: number, kind: 'helpdesk' | 'admin' | 'service' = 'helpdesk'): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'password.reset', user, actor: { kind, name: 'hd-anna' }, at: at(minutes) });
const phsEcho = (user: SsprEvent['user'], minutes: number): SsprEvent =>
  makeEvent({ action: 'password.change', user, actor: { kind: 'sync', name: 'sync_srv01' }, tags: ['phs-echo'], at: at(minutes) });
const methodAdded = (user: SsprEvent['user'], minutes: number): SsprEvent =>
  makeEvent({ action: 'registration.added', authMethod: 'sms', user, at: at(minutes), ip: '203.0.113.5' });

function run(events: readonly SsprEvent[], o: { batches?: number; lateness?: number } = {}): Finding[] {
  const engine = createEngine({ detectors: [privilegedReset], params: { 'privileged-reset': params }, allowedLatenessMinutes: o.lateness ?? 30 });
  const merged = new Map<string, Finding>();
  const size = Math.ceil(events.length / (o.batches ?? 1)) || 1;
  for (let i = 0; i < events.length; i += size) for (const f of engine.process(events.slice(i, i + size))) merged.set(f.id, findingSchema.parse(f));
  for (const f of engine.flush()) merged.set(f.id, findingSchema.parse(f));
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('privileged-reset', () => {
  it('flags a self-service reset of a listed admin once, its explained writeback included in nothing else', () => {
    const findings = run([ssprReset(ADMIN, 0), writeback('adm-jdoe', 0.2)]);
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.key).toBe('user:adm-jdoe');
    expect(f.severity).toBe('high');
    expect(f.user).toBe('adm-jdoe@contoso.com');
    expect(f.attack).toEqual(['T1098', 'T1078.004']);
    expect(f.summary).toBe('Privileged account adm-jdoe@contoso.com: self-service password reset (1 events) 14:00–14:01 UTC on 2026-03-03 by the user from 203.0.113.5');
  });

  it('raises to critical when a new method and a reset meet on one admin, in one finding', () => {
    const findings = run([methodAdded(ADMIN, 0), ssprReset(ADMIN, 6), writeback('adm-jdoe', 6.1)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('critical');
    expect(findings[0]?.attack).toEqual(['T1098', 'T1556.006', 'T1078.004']);
    expect(findings[0]?.explanation.observed).toMatchObject({ events: 2, methodChange: true, reset: true });
  });

  it('treats break-glass names as privileged without a list, at critical', () => {
    const bg = { name: 'breakglass02@contoso.onmicrosoft.com', upn: 'breakglass02@contoso.onmicrosoft.com' };
    const findings = run([makeEvent({ action: 'sspr.unlock', user: bg, at: at(0) })]);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['user:breakglass02', 'critical']]);
  });

  it('flags an on-prem helpdesk 4724 on a listed account given as DOMAIN\\sam, and not its password-hash-sync echo', () => {
    const tier0 = { name: 'svc-tier0', sam: 'svc-tier0', domain: 'contoso' };
    const findings = run([onPremReset(tier0, 0), phsEcho({ name: 'svc-tier0@contoso.com', upn: 'svc-tier0@contoso.com' }, 2)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.attack).toEqual(['T1098', 'T1078.002']);
    expect(findings[0]?.summary).toContain('password reset by an operator');
    expect(findings[0]?.evidence).toHaveLength(1);
  });

  it('stays quiet for ordinary users, failed attempts, service-account resets and unlisted admins', () => {
    const events = [
      ssprReset({ name: 'alice@contoso.com' }, 0),
      writeback('alice', 0.1),
      ssprReset(ADMIN, 1, 'failure'),
      ssprReset(ADMIN, 2, 'blocked'),
      onPremReset(ADMIN_AD, 3, 'service'),
      onPremReset({ name: 'adm-other', sam: 'adm-other' }, 4),
    ];
    expect(run(events)).toEqual([]);
  });

  it('flags a sync-account 4724 that no cloud reset explains, at critical, for any user', () => {
    const findings = run([writeback('bob', 0), writeback('carol', 3), ssprReset({ name: 'dave@contoso.com' }, 1), writeback('dave', 1.1)]);
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.key).toBe('actor:msol_0a1b2c');
    expect(f.severity).toBe('critical');
    expect(f.entities.users).toEqual(['bob', 'carol', 'msol_0a1b2c']);
    expect(f.explanation.observed).toMatchObject({ resets: 2, targets: 2 });
    expect(f.summary).toContain('reset 2 on-prem password(s) (bob, carol)');
  });

  it('accepts the cloud reset up to the match window after the writeback, even when it arrives later', () => {
    const events = [writeback('erin', 0), ssprReset({ name: 'erin@contoso.com', upn: 'erin@contoso.com' }, 4)];
    expect(run([...events].reverse())).toEqual([]);
    expect(run(events, { batches: 2 })).toEqual([]);
    expect(run([writeback('erin', 0), ssprReset({ name: 'erin@contoso.com' }, 11)]).map((f) => f.key)).toEqual(['actor:msol_0a1b2c']);
  });

  it('counts a "Reset password (by admin)" in Entra as the writeback cause and as an operator reset of an admin', () => {
    const adminReset = makeEvent({ action: 'password.reset', user: ADMIN, actor: { kind: 'admin', name: 'ga@contoso.com' }, at: at(0) });
    const findings = run([adminReset, writeback('adm-jdoe', 0.1)]);
    expect(findings.map((f) => f.key)).toEqual(['user:adm-jdoe']);
    expect(findings[0]?.summary).toContain('by admin ga@contoso.com');
  });

  it('starts a new finding for the same admin after the merge gap', () => {
    const findings = run([ssprReset(ADMIN, 0), ssprReset(ADMIN, 30), ssprReset(ADMIN, 200)]);
    expect(findings.map((f) => f.explanation.observed.events)).toEqual(expect.arrayContaining([2, 1]));
    expect(findings).toHaveLength(2);
  });

  it('still processes a writeback that arrives after the allowed lateness, counting it as late', () => {
    const engine = createEngine({ detectors: [privilegedReset], params: { 'privileged-reset': params }, allowedLatenessMinutes: 5 });
    const merged = new Map<string, Finding>();
    for (const f of [...engine.process([ssprReset({ name: 'frank@contoso.com' }, 0), ssprReset(ADMIN, 60)]), ...engine.process([writeback('frank', 0.2), writeback('gina', 1)]), ...engine.flush()]) {
      merged.set(f.id, f);
    }
    expect(engine.stats().late).toBe(2);
    expect([...merged.values()].map((f) => f.key).sort()).toEqual(['actor:msol_0a1b2c', 'user:adm-jdoe']);
    expect([...merged.values()].find((f) => f.key.startsWith('actor:'))?.entities.users).toEqual(['gina', 'msol_0a1b2c']);
  });

  it('updates the same findings on replay: same ids, evidence not doubled', () => {
    const events = [methodAdded(ADMIN, 0), ssprReset(ADMIN, 6), writeback('adm-jdoe', 6.1), writeback('bob', 20)];
    const once = run(events);
    expect(once).toHaveLength(2);
    expect(run([...events, ...events])).toEqual(once);
    expect(run(events, { batches: 4 })).toEqual(once);
  });
});
