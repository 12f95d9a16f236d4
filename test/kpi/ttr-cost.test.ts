import { describe, expect, it } from 'vitest';
import type { AuthMethod, SsprEvent, SsprStep } from '../../core/event.ts';
import { computeKpis, type Kpi, type KpiReport } from '../../kpi/compute.ts';
import { kpiConfigSchema, type KpiConfigInput } from '../../kpi/config.ts';
import type { KpiSnapshots } from '../../kpi/snapshots.ts';
import type { DirectorySnapshot } from '../../core/directory.ts';
import { makeEvent } from '../helpers/make-event.ts';

const period = { from: '2026-03-02T00:00:00Z', to: '2026-03-30T00:00:00Z' };

function kpi(report: KpiReport, id: string): Kpi {
  const found = report.kpis.find((k) => k.id === id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
}

const step = (user: string, at: string, ssprStep: SsprStep, correlationId?: string, authMethod?: AuthMethod): SsprEvent =>
  makeEvent({ action: 'sspr.progress', user, at, ssprStep, ...(correlationId ? { correlationId } : {}), ...(authMethod ? { authMethod } : {}) });

/** A successful flow of `minutes` starting at `start` (ISO), with a correlation id. */
function flow(id: string, user: string, start: string, minutes: number): SsprEvent[] {
  const t0 = Date.parse(start);
  return [
    step(user, start, 'started', id),
    step(user, new Date(t0 + 30_000).toISOString(), 'verified', id, 'sms'),
    step(user, new Date(t0 + minutes * 60_000).toISOString(), 'succeeded', id),
  ];
}

const tickets = (rows: Array<Record<string, unknown>>): DirectorySnapshot => ({ kind: 'tickets', takenAt: '2026-03-30T00:00:00.000Z', source: 'tickets.csv', rows });

async function run(events: SsprEvent[], snapshots: Partial<KpiSnapshots> = {}, config: KpiConfigInput = {}): Promise<KpiReport> {
  return computeKpis({ events, snapshots, period, config: kpiConfigSchema.parse(config) });
}

describe('self-service time to resolution', () => {
  it('is the median and nearest-rank p90 of successful flow durations, start to first success', async () => {
    const events = [
      ...flow('f1', 'a@contoso.com', '2026-03-03T09:00:00Z', 2),
      ...flow('f2', 'b@contoso.com', '2026-03-03T10:00:00Z', 4),
      ...flow('f3', 'c@contoso.com', '2026-03-03T11:00:00Z', 6),
      ...flow('f4', 'd@contoso.com', '2026-03-03T12:00:00Z', 10),
      // A failed flow has no duration.
      step('e@contoso.com', '2026-03-03T13:00:00Z', 'started', 'f5'),
      step('e@contoso.com', '2026-03-03T13:20:00Z', 'failed', 'f5'),
    ];
    const report = await run(events);
    expect(kpi(report, 'ttr.selfService.medianMinutes').value).toBe(5);
    expect(kpi(report, 'ttr.selfService.p90Minutes').value).toBe(10);
  });

  it('times a flow to its "Reset password (self-service)" record, and ignores a reset logged without progress events', async () => {
    const events = [
      step('a@contoso.com', '2026-03-04T09:00:00Z', 'userIdSubmitted', 'r1'),
      step('a@contoso.com', '2026-03-04T09:02:00Z', 'succeeded', 'r1'),
      makeEvent({ action: 'sspr.reset', user: 'a@contoso.com', correlationId: 'r1', at: '2026-03-04T09:03:00Z' }),
      makeEvent({ action: 'sspr.reset', user: 'b@contoso.com', correlationId: 'r2', at: '2026-03-04T10:00:00Z' }),
    ];
    const report = await run(events);
    expect(kpi(report, 'ttr.selfService.medianMinutes').value).toBe(3);
    expect(kpi(report, 'funnel.started').value).toBe(1);
  });

  it('groups events without a correlation id per user, in time order', async () => {
    const events = [
      step('a@contoso.com', '2026-03-04T09:00:00Z', 'started'),
      step('a@contoso.com', '2026-03-04T09:01:00Z', 'verified'),
      step('a@contoso.com', '2026-03-04T09:03:00Z', 'succeeded'),
      step('a@contoso.com', '2026-03-04T15:00:00Z', 'started'),
      step('a@contoso.com', '2026-03-04T15:07:00Z', 'succeeded'),
    ];
    const report = await run(events);
    expect(kpi(report, 'ttr.selfService.medianMinutes').value).toBe(5);
    expect(kpi(report, 'funnel.started').value).toBe(2);
  });

  it('is not available without a successful flow in the period', async () => {
    expect(kpi(await run([]), 'ttr.selfService.medianMinutes')).toMatchObject({ value: null, available: false });
  });
});

describe('helpdesk time to resolution', () => {
  it('is the median and p90 of resolved password tickets', async () => {
    const report = await run([], {
      tickets: [
        tickets([
          { created: '2026-02-02T08:00:00.000Z', resolved: '2026-02-02T09:00:00.000Z', category: 'Password' },
          { created: '2026-02-03T08:00:00.000Z', resolved: '2026-02-03T10:00:00.000Z', category: 'Account unlock' },
          { created: '2026-02-04T08:00:00.000Z', resolved: '2026-02-04T12:00:00.000Z', category: 'password reset' },
          { created: '2026-02-05T08:00:00.000Z', resolved: '2026-02-06T08:00:00.000Z', category: 'Laptop' },
          { created: '2026-02-06T08:00:00.000Z', category: 'Password' },
        ]),
      ],
    });
    expect(kpi(report, 'ttr.helpdesk.medianMinutes').value).toBe(120);
    expect(kpi(report, 'ttr.helpdesk.p90Minutes').value).toBe(240);
  });

  it('uses the configured default without a ticket CSV, with no p90', async () => {
    const report = await run([], {}, { helpdeskDefaultResolutionMinutes: 45 });
    expect(kpi(report, 'ttr.helpdesk.medianMinutes').value).toBe(45);
    expect(kpi(report, 'ttr.helpdesk.medianMinutes').method).toContain('configured helpdeskDefaultResolutionMinutes');
    expect(kpi(report, 'ttr.helpdesk.p90Minutes').why).toBe('not available: a configured default has no distribution');
  });

  it('is not available without a ticket CSV or a configured default', async () => {
    expect(kpi(await run([]), 'ttr.helpdesk.medianMinutes')).toMatchObject({
      value: null,
      available: false,
      why: 'not available: no helpdesk ticket CSV was ingested and no helpdeskDefaultResolutionMinutes is configured',
    });
  });
});

describe('cost saved', () => {
  const money = { costPerTicket: { currency: 'EUR', amount: 20 }, employeeHourlyCost: { currency: 'EUR', amount: 50 }, helpdeskDefaultResolutionMinutes: 90 };
  // Three self-service resets and one unlock; flows of 20, 30 and 40 minutes: median 30.
  const events = [
    ...flow('f1', 'a@contoso.com', '2026-03-03T09:00:00Z', 20),
    ...flow('f2', 'b@contoso.com', '2026-03-04T09:00:00Z', 30),
    ...flow('f3', 'c@contoso.com', '2026-03-05T09:00:00Z', 40),
    makeEvent({ action: 'sspr.reset', user: 'a@contoso.com', at: '2026-03-03T09:20:00Z' }),
    makeEvent({ action: 'sspr.reset', user: 'b@contoso.com', at: '2026-03-04T09:30:00Z' }),
    makeEvent({ action: 'sspr.reset', user: 'c@contoso.com', at: '2026-03-05T09:40:00Z' }),
    makeEvent({ action: 'sspr.unlock', user: 'd@contoso.com', at: '2026-03-06T09:00:00Z' }),
  ];
  const users: DirectorySnapshot = {
    kind: 'users',
    takenAt: '2026-03-01T00:00:00.000Z',
    source: 'users.csv',
    rows: Array.from({ length: 8 }, (_, i) => ({ upn: `u${i}@contoso.com` })),
  };

  it('saves (resolutions × (ticket cost + saved hours × hourly cost)) per period, scaled to a mean month and per eligible user', async () => {
    const report = await run(events, { users: [users] }, money);
    // perResolution = 20 + (90 − 30) / 60 × 50 = 70; 4 resolutions → 280 in 28 days.
    expect(kpi(report, 'cost.savedPerResolution').value).toBe(70);
    expect(kpi(report, 'cost.savedInPeriod').value).toBe(280);
    expect(kpi(report, 'cost.savedPerMonth')).toMatchObject({ value: (280 / 28) * 30.436875, unit: 'EUR' });
    expect(kpi(report, 'cost.savedPerUserPerMonth').value).toBe(((280 / 28) * 30.436875) / 8);
    expect(kpi(report, 'cost.savedPerMonth').breakdown?.inputs).toEqual([
      { input: 'costPerTicket', value: 20, unit: 'EUR', source: 'configuration' },
      { input: 'employeeHourlyCost', value: 50, unit: 'EUR/hour', source: 'configuration' },
      { input: 'helpdeskMedianMinutes', value: 90, unit: 'minutes', source: 'the configured helpdeskDefaultResolutionMinutes (no ticket CSV was ingested)' },
      { input: 'selfServiceMedianMinutes', value: 30, unit: 'minutes', source: 'median of the successful SSPR flows (3)' },
      { input: 'selfServiceResolutions', value: 4, unit: 'resets+unlocks', source: 'resets.selfService + unlocks.selfService' },
      { input: 'periodDays', value: 28, unit: 'days', source: 'the period' },
      { input: 'daysPerMonth', value: 30.436875, unit: 'days', source: 'configuration' },
    ]);
  });

  it('is not available while an input is missing, and says which', async () => {
    const report = await run(events, {}, { employeeHourlyCost: { currency: 'EUR', amount: 50 } });
    expect(kpi(report, 'cost.savedPerMonth').why).toBe(
      'not available: no kpi.costPerTicket is configured; helpdesk resolution time: no helpdesk ticket CSV was ingested and no helpdeskDefaultResolutionMinutes is configured',
    );
    const noUsers = await run(events, {}, money);
    expect(kpi(noUsers, 'cost.savedPerMonth').available).toBe(true);
    expect(kpi(noUsers, 'cost.savedPerUserPerMonth').why).toBe(
      'not available: no eligible-user list was ingested (a users CSV or a userRegistrationDetails export)',
    );
  });
});
