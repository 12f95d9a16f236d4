import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
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

const users: DirectorySnapshot = {
  kind: 'users',
  takenAt: '2026-03-01T00:00:00.000Z',
  source: 'users.csv',
  rows: [
    { upn: 'ann@contoso.com', department: 'Finance', group: 'Pilot' },
    { upn: 'ben@contoso.com', department: 'Finance' },
    { upn: 'cat@contoso.com', department: 'IT', group: 'Pilot' },
    { upn: 'dan@contoso.com', department: 'IT' },
  ],
};

const registration = (takenAt: string, rows: Array<{ upn: string; isSsprRegistered?: boolean; methods?: string[] }>): DirectorySnapshot => ({
  kind: 'registration',
  takenAt,
  source: 'registration.json',
  rows: rows.map((r) => ({ ...r, methodsRegistered: [], methods: r.methods ?? [] })),
});

const completed = (upn: string, at: string): SsprEvent => makeEvent({ action: 'registration.completed', user: upn, at });

async function run(events: SsprEvent[], snapshots: Partial<KpiSnapshots>, config = {}, p: { from?: string; to?: string } = period): Promise<KpiReport> {
  return computeKpis({ events, snapshots, period: p, config: kpiConfigSchema.parse(config) });
}

describe('adoption', () => {
  const snapshot = registration('2026-03-02T00:00:00.000Z', [
    { upn: 'ann@contoso.com', isSsprRegistered: true },
    { upn: 'ben@contoso.com', isSsprRegistered: true },
    { upn: 'cat@contoso.com', isSsprRegistered: false },
    { upn: 'zed@contoso.com', isSsprRegistered: true },
  ]);
  const events = [completed('cat@contoso.com', '2026-03-10T09:00:00Z'), completed('outsider@contoso.com', '2026-03-11T09:00:00Z')];

  it('counts eligible users, registered eligible users (snapshot plus completions since) and the rate at the period end', async () => {
    const report = await run(events, { users: [users], registration: [snapshot] });
    expect(kpi(report, 'adoption.eligible').value).toBe(4);
    expect(kpi(report, 'adoption.registered').value).toBe(3);
    expect(kpi(report, 'adoption.rate').value).toBe(0.75);
    expect(kpi(report, 'adoption.rate').period).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-30T00:00:00.000Z' });
    expect(kpi(report, 'adoption.completions').value).toBe(2);
  });

  it('lists the eligible users not yet registered for the reminder campaign', async () => {
    const k = kpi(await run(events, { users: [users], registration: [snapshot] }), 'adoption.unregistered');
    expect(k.value).toBe(1);
    expect(k.breakdown?.users).toEqual([{ user: 'dan@contoso.com', department: 'IT', group: null }]);
  });

  it('gives the rate per week, per day, per department and per group', async () => {
    const k = kpi(await run(events, { users: [users], registration: [snapshot] }), 'adoption.rate');
    expect(k.breakdown?.byWeek).toEqual([
      { weekStart: '2026-03-02', registered: 2, rate: 0.5 },
      { weekStart: '2026-03-09', registered: 3, rate: 0.75 },
      { weekStart: '2026-03-16', registered: 3, rate: 0.75 },
      { weekStart: '2026-03-23', registered: 3, rate: 0.75 },
    ]);
    expect(k.breakdown?.byDay).toHaveLength(28);
    expect(k.breakdown?.byDay?.[7]).toEqual({ day: '2026-03-09', registered: 2, rate: 0.5 });
    expect(k.breakdown?.byDay?.[8]).toEqual({ day: '2026-03-10', registered: 3, rate: 0.75 });
    expect(k.breakdown?.byDepartment).toEqual([
      { department: 'Finance', eligible: 2, registered: 2, rate: 1 },
      { department: 'IT', eligible: 2, registered: 1, rate: 0.5 },
    ]);
    expect(k.breakdown?.byGroup).toEqual([
      { group: '(none)', eligible: 2, registered: 1, rate: 0.5 },
      { group: 'Pilot', eligible: 2, registered: 2, rate: 1 },
    ]);
  });

  it('trusts the snapshot over a completion logged before it', async () => {
    const report = await run([completed('dan@contoso.com', '2026-02-20T09:00:00Z')], { users: [users], registration: [snapshot] });
    expect(kpi(report, 'adoption.registered').value).toBe(2);
  });

  it('takes the latest snapshot at or before the period end, never a later one', async () => {
    const later = registration('2026-04-15T00:00:00.000Z', [{ upn: 'dan@contoso.com', isSsprRegistered: true }]);
    const report = await run([], { users: [users], registration: [snapshot, later] });
    expect(kpi(report, 'adoption.registered').value).toBe(2);
    const noTo = await run([], { users: [users], registration: [snapshot, later] }, {}, { from: period.from });
    expect(kpi(noTo, 'adoption.registered').value).toBe(1);
    expect(noTo.asOf).toBe('2026-04-15T00:00:00.000Z');
  });

  it('counts only completion events when no registration snapshot precedes the period end, and says so', async () => {
    const report = await run(events, { users: [users] });
    const k = kpi(report, 'adoption.registered');
    expect(k.value).toBe(1);
    expect(k.method).toContain('lower bound');
  });

  it('falls back to the registration-details export as the eligible population', async () => {
    const report = await run(events, { registration: [snapshot] });
    expect(kpi(report, 'adoption.eligible').value).toBe(4);
    expect(kpi(report, 'adoption.registered').value).toBe(4);
    expect(kpi(report, 'adoption.rate').value).toBe(1);
    expect(kpi(report, 'adoption.eligible').method).toContain('every user of the registration-details export');
  });

  it('marks rate, eligible and unregistered not available without an eligible-user list, but still counts registrations', async () => {
    const report = await run(events, {});
    for (const id of ['adoption.eligible', 'adoption.rate', 'adoption.unregistered']) {
      expect(kpi(report, id)).toMatchObject({
        value: null,
        available: false,
        why: 'not available: no eligible-user list was ingested (a users CSV or a userRegistrationDetails export)',
      });
    }
    expect(kpi(report, 'adoption.registered').value).toBe(2);
  });

  it('applies a methods rule to snapshot rows when configured', async () => {
    const methods = registration('2026-03-02T00:00:00.000Z', [
      { upn: 'ann@contoso.com', methods: ['sms', 'email'] },
      { upn: 'ben@contoso.com', methods: ['sms'] },
      { upn: 'cat@contoso.com', methods: ['fido2', 'authenticatorPush'], isSsprRegistered: false },
    ]);
    const report = await run([], { users: [users], registration: [methods] }, { requiredMethods: { rule: 'methods', minCount: 2 } });
    expect(kpi(report, 'adoption.registered').value).toBe(2);
    const strict = await run([], { users: [users], registration: [methods] }, { requiredMethods: { rule: 'methods', minCount: 1, anyOf: ['fido2'] } });
    expect(kpi(strict, 'adoption.registered').value).toBe(1);
    const flag = await run([], { users: [users], registration: [methods] });
    // Rows without isSsprRegistered fall back to "has a method": ann and ben; cat says false.
    expect(kpi(flag, 'adoption.registered').value).toBe(2);
  });
});
