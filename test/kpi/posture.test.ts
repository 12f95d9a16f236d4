import { describe, expect, it } from 'vitest';
import type { AuthMethod, SsprEvent, SsprStep } from '../../core/event.ts';
import { computeKpis, type Kpi, type KpiReport } from '../../kpi/compute.ts';
import { kpiConfigSchema } from '../../kpi/config.ts';
import type { KpiSnapshots } from '../../kpi/snapshots.ts';
import type { DirectorySnapshot } from '../../core/directory.ts';
import { makeEvent } from '../helpers/make-event.ts';

const period = { from: '2026-03-02T00:00:00Z', to: '2026-03-30T00:00:00Z' };

function kpi(report: KpiReport, id: string): Kpi {
  const found = report.kpis.find((k) => k.id === id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
}

async function run(events: SsprEvent[], snapshots: Partial<KpiSnapshots> = {}): Promise<KpiReport> {
  return computeKpis({ events, snapshots, period, config: kpiConfigSchema.parse({}) });
}

const registration: DirectorySnapshot = {
  kind: 'registration',
  takenAt: '2026-03-02T00:00:00.000Z',
  source: 'registration.json',
  rows: [
    { upn: 'u1@contoso.com', isSsprRegistered: true, methodsRegistered: ['mobilePhone'], methods: ['sms'] },
    { upn: 'u2@contoso.com', isSsprRegistered: true, methodsRegistered: ['mobilePhone', 'fido2SecurityKey'], methods: ['sms', 'fido2'] },
    { upn: 'u3@contoso.com', isSsprRegistered: true, methodsRegistered: ['email', 'securityQuestion'], methods: ['email', 'securityQuestions'] },
    { upn: 'u4@contoso.com', isSsprRegistered: false, methodsRegistered: [], methods: [] },
  ],
};

const method = (action: 'registration.added' | 'registration.removed', user: string, authMethod: AuthMethod, at: string): SsprEvent =>
  makeEvent({ action, user, authMethod, at });

describe('weak-only share', () => {
  it('is the share of users with methods whose methods are all weak (SMS, voice, email, security questions)', async () => {
    const k = kpi(await run([], { registration: [registration] }), 'methods.weakShare');
    expect(k.value).toBe(2 / 3);
    expect(k.breakdown?.weakOnlyUsers).toEqual([
      { user: 'u1@contoso.com', methods: 'sms' },
      { user: 'u3@contoso.com', methods: 'email, securityQuestions' },
    ]);
    expect(k.breakdown?.byStrongestClass).toEqual([
      { strongestClass: 'phishingResistant', users: 1, share: 1 / 3 },
      { strongestClass: 'moderate', users: 0, share: 0 },
      { strongestClass: 'weak', users: 2, share: 2 / 3 },
      { strongestClass: 'weakest', users: 0, share: 0 },
      { strongestClass: 'unclassified', users: 0, share: 0 },
    ]);
  });

  it('applies methods added and deleted after the snapshot', async () => {
    const events = [
      method('registration.added', 'u1@contoso.com', 'fido2', '2026-03-05T09:00:00Z'),
      method('registration.removed', 'u2@contoso.com', 'fido2', '2026-03-06T09:00:00Z'),
      method('registration.added', 'u5@contoso.com', 'authenticatorPush', '2026-03-07T09:00:00Z'),
    ];
    const k = kpi(await run(events, { registration: [registration] }), 'methods.weakShare');
    // u5 registered only in the logs and is not in the export, which is also the eligible list here.
    expect(k.value).toBe(2 / 3);
    expect(k.breakdown?.weakOnlyUsers?.map((r) => r.user)).toEqual(['u2@contoso.com', 'u3@contoso.com']);
  });

  it('counts only eligible users when an eligible list exists', async () => {
    const users: DirectorySnapshot = { kind: 'users', takenAt: '2026-03-01T00:00:00.000Z', source: 'users.csv', rows: [{ upn: 'u1@contoso.com' }, { upn: 'u2@contoso.com' }] };
    expect(kpi(await run([], { registration: [registration], users: [users] }), 'methods.weakShare').value).toBe(1 / 2);
  });

  it('is not available without a registration-details export', async () => {
    const k = kpi(await run([method('registration.added', 'u1@contoso.com', 'sms', '2026-03-05T09:00:00Z')]), 'methods.weakShare');
    expect(k).toMatchObject({ value: null, available: false });
    expect(k.why).toMatch(/^not available: no userRegistrationDetails export was ingested/);
  });
});

describe('privileged accounts with weak methods only', () => {
  const privileged: DirectorySnapshot = {
    kind: 'privileged',
    takenAt: '2026-03-01T00:00:00.000Z',
    source: 'privileged.txt',
    rows: [{ account: 'u1' }, { account: 'u2@contoso.com' }, { account: 'ghost' }],
  };

  it('matches sAMAccountNames to UPN local parts and counts the weak-only ones', async () => {
    const k = kpi(await run([], { registration: [registration], privileged: [privileged] }), 'methods.privilegedWeakOnly');
    expect(k.value).toBe(1);
    expect(k.breakdown?.accounts).toEqual([
      { account: 'u1', user: 'u1@contoso.com', methods: 'sms', status: 'weak-only' },
      { account: 'u2@contoso.com', user: 'u2@contoso.com', methods: 'sms, fido2', status: 'ok' },
      { account: 'ghost', user: null, methods: null, status: 'no methods' },
    ]);
  });

  it('is not available without a privileged list', async () => {
    expect(kpi(await run([], { registration: [registration] }), 'methods.privilegedWeakOnly').why).toBe('not available: no privileged-accounts list was ingested');
  });
});

describe('method mix', () => {
  it('counts successful flows per verified method and registrations per method in the period', async () => {
    const s = (id: string, at: string, ssprStep: SsprStep, authMethod?: AuthMethod): SsprEvent =>
      makeEvent({ action: 'sspr.progress', user: `${id}@contoso.com`, correlationId: id, at, ssprStep, ...(authMethod ? { authMethod } : {}) });
    const events = [
      s('a', '2026-03-03T09:00:00Z', 'started'),
      s('a', '2026-03-03T09:01:00Z', 'verificationFailed', 'sms'),
      s('a', '2026-03-03T09:02:00Z', 'verified', 'authenticatorPush'),
      s('a', '2026-03-03T09:03:00Z', 'succeeded'),
      s('b', '2026-03-03T10:00:00Z', 'started'),
      s('b', '2026-03-03T10:01:00Z', 'verified', 'sms'),
      s('b', '2026-03-03T10:02:00Z', 'verified', 'email'),
      s('b', '2026-03-03T10:03:00Z', 'succeeded'),
      s('c', '2026-03-03T11:00:00Z', 'started'),
      s('c', '2026-03-03T11:03:00Z', 'succeeded'),
      method('registration.added', 'x@contoso.com', 'sms', '2026-03-04T09:00:00Z'),
      method('registration.added', 'y@contoso.com', 'sms', '2026-03-04T09:00:00Z'),
      method('registration.added', 'y@contoso.com', 'fido2', '2026-03-04T09:05:00Z'),
      method('registration.added', 'z@contoso.com', 'fido2', '2026-02-04T09:05:00Z'),
    ];
    const report = await run(events);
    const resets = kpi(report, 'methods.resetMix');
    expect(resets.value).toBe(3);
    expect(resets.breakdown?.methods).toEqual([
      { method: 'authenticatorPush', class: 'moderate', count: 1, share: 1 / 3 },
      { method: 'email', class: 'weak', count: 1, share: 1 / 3 },
      { method: 'sms', class: 'weak', count: 1, share: 1 / 3 },
      { method: 'unknown', class: 'unknown', count: 1, share: 1 / 3 },
    ]);
    const registrations = kpi(report, 'methods.registrationMix');
    expect(registrations.value).toBe(3);
    expect(registrations.breakdown?.methods).toEqual([
      { method: 'sms', class: 'weak', count: 2, share: 2 / 3 },
      { method: 'fido2', class: 'phishingResistant', count: 1, share: 1 / 3 },
    ]);
  });
});

describe('SSPR funnel', () => {
  const s = (id: string, minute: number, ssprStep: SsprStep, reason?: string): SsprEvent =>
    makeEvent({
      action: 'sspr.progress',
      user: `${id}@contoso.com`,
      correlationId: id,
      at: `2026-03-10T09:${String(minute).padStart(2, '0')}:00Z`,
      ssprStep,
      ...(reason ? { reason } : {}),
    });
  const events = [
    s('f1', 0, 'started'),
    s('f1', 1, 'verified'),
    s('f1', 2, 'passwordSubmitted'),
    s('f1', 3, 'succeeded'),
    s('f2', 0, 'started'),
    s('f2', 1, 'verificationFailed', 'User entered an incorrect code'),
    s('f2', 2, 'verificationFailed', 'User entered an incorrect code'),
    s('f2', 3, 'abandoned', 'User abandoned after completing the mobile SMS verification'),
    s('f3', 0, 'started'),
    s('f3', 1, 'blocked', 'User tried too many times and is blocked for 24 hours'),
    s('f4', 0, 'started'),
    s('f4', 1, 'userIdSubmitted'),
    s('f5', 0, 'started'),
    s('f5', 1, 'verified'),
    s('f5', 2, 'failed', 'Password reset is not enabled for this user'),
  ];

  it('counts flows per stage and the completion rate', async () => {
    const report = await run(events);
    const stages = Object.fromEntries(['started', 'verified', 'succeeded', 'failed', 'blocked', 'abandoned'].map((st) => [st, kpi(report, `funnel.${st}`).value]));
    expect(stages).toEqual({ started: 5, verified: 2, succeeded: 1, failed: 1, blocked: 1, abandoned: 2 });
    expect(kpi(report, 'funnel.completionRate').value).toBe(1 / 5);
  });

  it('lists the top failure reasons, most frequent first', async () => {
    const k = kpi(await run(events), 'failures.topReasons');
    expect(k.value).toBe(5);
    expect(k.breakdown?.reasons).toEqual([
      { reason: 'User entered an incorrect code', events: 2, share: 2 / 5 },
      { reason: 'Password reset is not enabled for this user', events: 1, share: 1 / 5 },
      { reason: 'User abandoned after completing the mobile SMS verification', events: 1, share: 1 / 5 },
      { reason: 'User tried too many times and is blocked for 24 hours', events: 1, share: 1 / 5 },
    ]);
  });

  it('ends flows with their failed and blocked outcome records, counting the reasons those records give', async () => {
    const record = (id: string, minute: number, outcome: 'failure' | 'blocked', reason?: string): SsprEvent =>
      makeEvent({ action: 'sspr.reset', outcome, user: `${id}@contoso.com`, correlationId: id, at: `2026-03-11T09:${String(minute).padStart(2, '0')}:00Z`, ...(reason ? { reason } : {}) });
    const report = await run([
      s('g1', 0, 'userIdSubmitted'),
      record('g1', 1, 'failure', "User's account has insufficient authentication methods defined"),
      s('g2', 0, 'userIdSubmitted'),
      s('g2', 1, 'verificationStarted'),
      record('g2', 4, 'blocked', 'User entered too many invalid SMS verification codes and is blocked for 24 hours'),
      s('g3', 0, 'userIdSubmitted'),
      s('g3', 2, 'blocked', 'User tried too many times and is blocked for 24 hours'),
      // Entra's "Blocked from self-service password reset" record without a reason repeats the step above.
      record('g3', 2, 'blocked'),
    ]);
    expect(kpi(report, 'funnel.failed').value).toBe(1);
    expect(kpi(report, 'funnel.blocked').value).toBe(2);
    expect(kpi(report, 'resets.blocked').value).toBe(2);
    expect(kpi(report, 'failures.topReasons').value).toBe(3);
  });

  it('is not available without flow-progress events', async () => {
    expect(kpi(await run([]), 'funnel.completionRate')).toMatchObject({
      value: null,
      available: false,
      why: 'not available: no "Self-service password reset flow activity progress" events in the period',
    });
  });
});
