import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { isSsprError } from '../../core/errors.ts';
import { computeKpis, formatKpiReport, kpiReportSchema, type KpiReport } from '../../kpi/compute.ts';
import { defaultKpiConfig, kpiConfigSchema, parseKpiConfig } from '../../kpi/config.ts';
import { makeEvent } from '../helpers/make-event.ts';

/** The ids scripts rely on (issue 4 §7). */
const STABLE_IDS = [
  'adoption.rate',
  'adoption.registered',
  'adoption.eligible',
  'resets.selfService',
  'unlocks.selfService',
  'resets.helpdesk',
  'ticketReduction.rate',
  'ttr.selfService.medianMinutes',
  'ttr.helpdesk.medianMinutes',
  'cost.savedPerMonth',
  'methods.weakShare',
  'funnel.completionRate',
];

function value(report: KpiReport, id: string): number | null | undefined {
  return report.kpis.find((k) => k.id === id)?.value;
}

describe('computeKpis', () => {
  it('reports every stable id exactly once, with unique ids, valid against the report schema', async () => {
    const report = await computeKpis({ events: [], snapshots: {} });
    expect(kpiReportSchema.safeParse(report).success).toBe(true);
    const ids = report.kpis.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of STABLE_IDS) expect(ids.filter((x) => x === id)).toHaveLength(1);
  });

  it('never makes a number up on empty input: every KPI has a value or says why not', async () => {
    const report = await computeKpis({ events: [], snapshots: {} });
    expect(report.period).toEqual({ from: null, to: null });
    for (const k of report.kpis) {
      if (k.available) expect(typeof k.value).toBe('number');
      else expect(k.why).toMatch(/^not available: .+/);
      expect(k.method.length).toBeGreaterThan(10);
    }
    expect(report.kpis.find((k) => k.id === 'ticketReduction.rate')?.why).toBe('not available: no helpdesk ticket CSV was ingested');
    expect(report.kpis.find((k) => k.id === 'adoption.rate')?.available).toBe(false);
  });

  it('takes the period from the events as whole UTC days when --from and --to are omitted', async () => {
    const report = await computeKpis({
      events: [makeEvent({ at: '2026-03-03T10:00:00Z' }), makeEvent({ at: '2026-03-05T23:00:00Z' })],
      snapshots: {},
    });
    expect(report.period).toEqual({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' });
    expect(value(report, 'resets.selfService')).toBe(2);
  });

  it('counts only events inside [from, to) for period KPIs', async () => {
    const events = ['2026-03-01T23:59:59Z', '2026-03-02T00:00:00Z', '2026-03-15T12:00:00Z', '2026-03-30T00:00:00Z'].map((at) => makeEvent({ at }));
    const report = await computeKpis({ events, snapshots: {}, period: { from: '2026-03-02', to: '2026-03-30' } });
    expect(report.period).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-30T00:00:00.000Z' });
    expect(report.asOf).toBe('2026-03-30T00:00:00.000Z');
    expect(value(report, 'resets.selfService')).toBe(2);
  });

  it('reads an async iterable of events once', async () => {
    let reads = 0;
    async function* events(): AsyncGenerator<SsprEvent> {
      reads += 1;
      yield makeEvent({ at: '2026-03-03T10:00:00Z' });
      yield makeEvent({ action: 'sspr.unlock', at: '2026-03-03T11:00:00Z' });
    }
    const report = await computeKpis({ events: events(), snapshots: {} });
    expect(reads).toBe(1);
    expect(value(report, 'resets.selfService')).toBe(1);
    expect(value(report, 'unlocks.selfService')).toBe(1);
  });

  it('refuses a period that is not a date or runs backwards, with the USAGE code', async () => {
    const bad = computeKpis({ events: [], snapshots: {}, period: { from: 'last tuesday' } });
    await expect(bad).rejects.toSatisfy((e: unknown) => isSsprError(e) && e.code === 'USAGE');
    const backwards = computeKpis({ events: [], snapshots: {}, period: { from: '2026-03-10', to: '2026-03-01' } });
    await expect(backwards).rejects.toSatisfy((e: unknown) => isSsprError(e) && e.code === 'USAGE');
  });
});

describe('formatKpiReport', () => {
  it('groups KPIs by family with the value, the id and the method sentence under each number', async () => {
    const report = await computeKpis({
      events: [makeEvent({ at: '2026-03-03T10:00:00Z' })],
      snapshots: {
        users: [{ kind: 'users', takenAt: '2026-03-01T00:00:00.000Z', source: 'users.csv', rows: [{ upn: 'alice@contoso.com' }, { upn: 'bob@contoso.com' }] }],
      },
      config: kpiConfigSchema.parse({ helpdeskDefaultResolutionMinutes: 60 }),
    });
    const text = formatKpiReport(report);
    expect(text).toContain('SSPR KPIs for 2026-03-03T00:00:00.000Z → 2026-03-04T00:00:00.000Z');
    for (const title of ['Adoption', 'Resets by channel and ticket reduction', 'Time to resolution', 'Cost saved', 'Security posture of SSPR']) {
      expect(text).toContain(`\n${title}\n`);
    }
    expect(text).toMatch(/Self-service password resets\s+1 resets {2}\(resets\.selfService\)/);
    expect(text).toMatch(/Adoption rate\s+0\.0 % {2}\(adoption\.rate\)/);
    expect(text).toContain('      not available: no helpdesk ticket CSV was ingested');
    expect(text).toContain('      method: Successful Entra "Reset password (self-service)" events in the period');
    expect(text).toMatch(/Helpdesk time to resolution, median\s+60\.0 min/);
  });

  it('cuts long breakdown tables short', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ upn: `user${String(i).padStart(2, '0')}@contoso.com` }));
    const report = await computeKpis({ events: [], snapshots: { users: [{ kind: 'users', takenAt: '2026-03-01T00:00:00.000Z', source: 'users.csv', rows }] } });
    const text = formatKpiReport(report, { maxRows: 5 });
    expect(text).toContain('user04@contoso.com');
    expect(text).not.toContain('user05@contoso.com');
    expect(text).toContain('… 25 more (use --json for all)');
  });
});

describe('KPI configuration', () => {
  it('has defaults for classes and rules but none for money or the helpdesk default time', () => {
    expect(defaultKpiConfig.costPerTicket).toBeUndefined();
    expect(defaultKpiConfig.employeeHourlyCost).toBeUndefined();
    expect(defaultKpiConfig.helpdeskDefaultResolutionMinutes).toBeUndefined();
    expect(defaultKpiConfig.methodClasses.weak).toEqual(['sms', 'voice', 'email']);
    expect(defaultKpiConfig.methodClasses.weakest).toEqual(['securityQuestions']);
    expect(defaultKpiConfig.requiredMethods).toEqual({ rule: 'isSsprRegistered' });
    expect(defaultKpiConfig.crossPlaneWindowMinutes).toBe(30);
  });

  it('normalizes the baseline dates and names the bad field of an invalid config', () => {
    expect(parseKpiConfig({ baseline: { from: '2026-01-01', to: '2026-02-01' } }).baseline).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    });
    let error: unknown;
    try {
      parseKpiConfig({ costPerTicket: { currency: 'EUR', amount: 20 }, employeeHourlyCost: { currency: 'USD', amount: 50 } }, 'sspr.json#kpi');
    } catch (e) {
      error = e;
    }
    expect(isSsprError(error) && error.code === 'CONFIG_INVALID').toBe(true);
    expect(error instanceof Error ? error.message : '').toBe('sspr.json#kpi: employeeHourlyCost.currency: costPerTicket and employeeHourlyCost must use the same currency');
    expect(() => parseKpiConfig({ methodClasses: { weak: ['carrier pigeon'] } })).toThrow(/methodClasses/);
  });
});
