import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { computeKpis, type Kpi, type KpiReport } from '../../kpi/compute.ts';
import { kpiConfigSchema } from '../../kpi/config.ts';
import type { DirectorySnapshot } from '../../core/directory.ts';
import { makeEvent } from '../helpers/make-event.ts';

const period = { from: '2026-03-02T00:00:00Z', to: '2026-03-30T00:00:00Z' };

function kpi(report: KpiReport, id: string): Kpi {
  const found = report.kpis.find((k) => k.id === id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
}

const entraReset = (upn: string, at: string, outcome: SsprEvent['outcome'] = 'success'): SsprEvent =>
  makeEvent({ action: 'sspr.reset', outcome, user: upn, at });
const writeback = (sam: string, at: string): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'password.reset', user: { name: sam, sam }, actor: { kind: 'sync', name: 'sync_dc01_1a2b' }, tags: ['writeback'], at });
const humanReset = (sam: string, at: string): SsprEvent =>
  makeEvent({ dataset: 'ad.security', action: 'password.reset', user: { name: sam, sam }, actor: { kind: 'helpdesk', name: 'hd-oscar' }, at });
const phsEcho = (upn: string, at: string): SsprEvent =>
  makeEvent({ action: 'password.change', user: upn, actor: { kind: 'sync', name: 'sync_srv01_abc@contoso.onmicrosoft.com' }, tags: ['phs-echo'], at });
const adminReset = (upn: string, at: string): SsprEvent =>
  makeEvent({ action: 'password.reset', user: upn, actor: { kind: 'admin', name: 'helpdesk.ann@contoso.com' }, at });

async function run(events: SsprEvent[], snapshots: { tickets?: DirectorySnapshot[] } = {}, config = {}): Promise<KpiReport> {
  return computeKpis({ events, snapshots, period, config: kpiConfigSchema.parse(config) });
}

describe('resets by channel', () => {
  it('counts an Entra self-service reset and its AD 4724 writeback as one self-service reset', async () => {
    const report = await run([entraReset('alice@contoso.com', '2026-03-03T09:00:00Z'), writeback('alice', '2026-03-03T09:00:20Z')]);
    expect(kpi(report, 'resets.selfService').value).toBe(1);
    expect(kpi(report, 'resets.helpdesk').value).toBe(0);
    expect(kpi(report, 'resets.selfService').breakdown?.sources?.[2]).toMatchObject({ folded: 1 });
  });

  it('counts a 4724 by a human operator and the password-hash-sync echo that follows as one helpdesk reset', async () => {
    const report = await run([humanReset('bob', '2026-03-04T10:00:00Z'), phsEcho('bob@contoso.com', '2026-03-04T10:02:00Z')]);
    expect(kpi(report, 'resets.helpdesk').value).toBe(1);
    expect(kpi(report, 'resets.selfService').value).toBe(0);
  });

  it('counts "Reset password (by admin)" as one helpdesk reset, with or without its writeback', async () => {
    const report = await run([
      adminReset('carol@contoso.com', '2026-03-05T11:00:00Z'),
      adminReset('dave@contoso.com', '2026-03-05T12:00:00Z'),
      writeback('dave', '2026-03-05T12:00:10Z'),
    ]);
    expect(kpi(report, 'resets.helpdesk').value).toBe(2);
    expect(kpi(report, 'resets.selfService').value).toBe(0);
  });

  it('counts Entra\'s two records of one admin reset (same correlation id) once', async () => {
    const report = await run([
      makeEvent({ action: 'password.reset', user: 'carol@contoso.com', actor: { kind: 'admin', name: 'hd@contoso.com' }, correlationId: 'c-1', at: '2026-03-05T14:10:26.118Z' }),
      makeEvent({ action: 'password.reset', user: 'carol@contoso.com', actor: { kind: 'admin', name: 'hd@contoso.com' }, correlationId: 'c-1', at: '2026-03-05T14:10:26.332Z' }),
      writeback('carol', '2026-03-05T14:10:27Z'),
    ]);
    expect(kpi(report, 'resets.helpdesk').value).toBe(1);
    expect(kpi(report, 'resets.selfService').value).toBe(0);
  });

  it('merges uncorrelated admin records under two minutes apart, and keeps ones ten minutes apart', async () => {
    const report = await run([
      adminReset('dan@contoso.com', '2026-03-05T09:00:00Z'),
      adminReset('dan@contoso.com', '2026-03-05T09:00:40Z'),
      adminReset('dan@contoso.com', '2026-03-05T09:10:40Z'),
    ]);
    expect(kpi(report, 'resets.helpdesk').value).toBe(2);
  });

  it('takes a Core Directory reset record sharing the SSPR reset\'s correlation id as that self-service reset', async () => {
    const report = await run([
      makeEvent({ action: 'sspr.reset', user: 'eve@contoso.com', correlationId: 's-1', at: '2026-03-05T10:00:01Z' }),
      makeEvent({ action: 'password.reset', user: 'eve@contoso.com', actor: { kind: 'admin', name: 'svc@contoso.com' }, correlationId: 's-1', at: '2026-03-05T10:00:00Z' }),
      // A user named as the actor of their own reset is not a helpdesk reset.
      makeEvent({ action: 'password.reset', user: 'fay@contoso.com', actor: { kind: 'admin', name: 'fay@contoso.com' }, at: '2026-03-05T11:00:00Z' }),
    ]);
    expect(kpi(report, 'resets.selfService').value).toBe(1);
    expect(kpi(report, 'resets.helpdesk').value).toBe(0);
  });

  it('keeps two real resets of one user apart, and reports a writeback no Entra reset explains instead of counting it', async () => {
    const report = await run([
      entraReset('frank@contoso.com', '2026-03-06T09:00:00Z'),
      writeback('frank', '2026-03-06T09:00:05Z'),
      entraReset('frank@contoso.com', '2026-03-06T13:00:00Z'),
      writeback('frank', '2026-03-06T13:00:03Z'),
      // Outside the ±30 min window of any Entra reset, while Entra logs cover the time: unexplained.
      writeback('frank', '2026-03-06T11:00:00Z'),
      writeback('erin', '2026-03-06T12:00:00Z'),
    ]);
    expect(kpi(report, 'resets.selfService').value).toBe(2);
    expect(kpi(report, 'resets.selfService').breakdown?.sources).toEqual([
      { source: 'Entra "Reset password (self-service)"', counted: 2 },
      { source: "AD 4724 writeback outside the Entra logs' time span", counted: 0 },
      { source: 'AD 4724 writeback of an Entra reset (same reset)', counted: 0, folded: 2 },
      { source: 'AD 4724 writeback no Entra reset explains (resets.unexplainedWriteback)', counted: 0, folded: 2 },
    ]);
    const unexplained = kpi(report, 'resets.unexplainedWriteback');
    expect(unexplained.value).toBe(2);
    expect(unexplained.breakdown?.resets).toEqual([
      { account: 'frank', at: '2026-03-06T11:00:00.000Z' },
      { account: 'erin', at: '2026-03-06T12:00:00.000Z' },
    ]);
  });

  it('counts writebacks as self-service resets where no Entra logs were ingested for their time', async () => {
    const report = await run([
      writeback('gus', '2026-03-03T08:00:00Z'),
      writeback('hal', '2026-03-04T08:00:00Z'),
      // Entra logs run from the 20th to the 25th: the writebacks above are outside their span, ida's inside.
      makeEvent({ action: 'sspr.unlock', user: 'ida@contoso.com', at: '2026-03-20T09:00:00Z' }),
      writeback('ida', '2026-03-21T08:00:00Z'),
      makeEvent({ action: 'sspr.unlock', user: 'ida@contoso.com', at: '2026-03-25T09:00:00Z' }),
    ]);
    expect(kpi(report, 'resets.selfService').value).toBe(2);
    expect(kpi(report, 'resets.unexplainedWriteback').value).toBe(1);
    expect(kpi(report, 'resets.selfService').breakdown?.sources?.[1]).toEqual({ source: "AD 4724 writeback outside the Entra logs' time span", counted: 2 });
  });

  it('ignores failed resets, 4724 by services, and a writeback whose Entra reset fell before the period', async () => {
    const report = await run([
      entraReset('gina@contoso.com', '2026-03-07T09:00:00Z', 'failure'),
      makeEvent({ dataset: 'ad.security', action: 'password.reset', user: { name: 'gina', sam: 'gina' }, actor: { kind: 'service', name: 'svc$' }, at: '2026-03-07T09:30:00Z' }),
      makeEvent({ dataset: 'ad.security', action: 'password.reset', outcome: 'failure', user: { name: 'gina', sam: 'gina' }, actor: { kind: 'helpdesk', name: 'hd-oscar' }, at: '2026-03-07T09:40:00Z' }),
      entraReset('hank@contoso.com', '2026-03-01T23:59:50Z'),
      writeback('hank', '2026-03-02T00:00:05Z'),
    ]);
    expect(kpi(report, 'resets.selfService').value).toBe(0);
    expect(kpi(report, 'resets.helpdesk').value).toBe(0);
    expect(kpi(report, 'resets.selfServiceShare')).toMatchObject({ value: null, available: false, why: 'not available: no password resets in the period' });
  });

  it('counts self-service unlocks, human AD unlocks and blocked users, not the sync account unlocks', async () => {
    const report = await run([
      makeEvent({ action: 'sspr.unlock', user: 'ivy@contoso.com', at: '2026-03-08T09:00:00Z' }),
      makeEvent({ action: 'sspr.unlock', outcome: 'failure', user: 'ivy@contoso.com', at: '2026-03-08T09:05:00Z' }),
      makeEvent({ dataset: 'ad.security', action: 'account.unlock', user: { name: 'jack', sam: 'jack' }, actor: { kind: 'helpdesk', name: 'hd-oscar' }, at: '2026-03-08T10:00:00Z' }),
      makeEvent({ dataset: 'ad.security', action: 'account.unlock', user: { name: 'ivy', sam: 'ivy' }, actor: { kind: 'sync', name: 'sync_dc01' }, at: '2026-03-08T09:00:02Z' }),
      entraReset('kim@contoso.com', '2026-03-08T11:00:00Z', 'blocked'),
    ]);
    expect(kpi(report, 'unlocks.selfService').value).toBe(1);
    expect(kpi(report, 'unlocks.helpdesk').value).toBe(1);
    expect(kpi(report, 'resets.blocked').value).toBe(1);
  });

  it('gives the self-service share and a weekly series per channel', async () => {
    const report = await run(
      [
        entraReset('a@contoso.com', '2026-03-03T09:00:00Z'),
        entraReset('b@contoso.com', '2026-03-10T09:00:00Z'),
        entraReset('c@contoso.com', '2026-03-11T09:00:00Z'),
        humanReset('d', '2026-03-12T09:00:00Z'),
        makeEvent({ action: 'sspr.unlock', user: 'e@contoso.com', at: '2026-03-24T09:00:00Z' }),
      ],
      {
        tickets: [
          {
            kind: 'tickets',
            takenAt: '2026-03-30T00:00:00.000Z',
            source: 'tickets.csv',
            rows: [
              { created: '2026-03-12T08:00:00.000Z', category: 'Password reset' },
              { created: '2026-03-12T08:30:00.000Z', category: 'Printer' },
            ],
          },
        ],
      },
    );
    const share = kpi(report, 'resets.selfServiceShare');
    expect(share.value).toBe(3 / 4);
    expect(share.breakdown?.byWeek).toEqual([
      { weekStart: '2026-03-02', daysInPeriod: 7, selfServiceResets: 1, selfServiceUnlocks: 0, helpdeskResets: 0, helpdeskUnlocks: 0, passwordTickets: 0 },
      { weekStart: '2026-03-09', daysInPeriod: 7, selfServiceResets: 2, selfServiceUnlocks: 0, helpdeskResets: 1, helpdeskUnlocks: 0, passwordTickets: 1 },
      { weekStart: '2026-03-16', daysInPeriod: 7, selfServiceResets: 0, selfServiceUnlocks: 0, helpdeskResets: 0, helpdeskUnlocks: 0, passwordTickets: 0 },
      { weekStart: '2026-03-23', daysInPeriod: 7, selfServiceResets: 0, selfServiceUnlocks: 1, helpdeskResets: 0, helpdeskUnlocks: 0, passwordTickets: 0 },
    ]);
  });

  it('uses the configured cross-plane window', async () => {
    const events = [entraReset('lee@contoso.com', '2026-03-09T09:00:00Z'), writeback('lee', '2026-03-09T09:10:00Z')];
    expect(kpi(await run(events, {}, { crossPlaneWindowMinutes: 5 }), 'resets.selfService').value).toBe(2);
    expect(kpi(await run(events, {}, { crossPlaneWindowMinutes: 15 }), 'resets.selfService').value).toBe(1);
  });
});

describe('ticket reduction', () => {
  const ticketSnapshot = (takenAt: string, rows: Array<Record<string, unknown>>): DirectorySnapshot => ({ kind: 'tickets', takenAt, source: 'tickets.csv', rows });
  const repeat = (n: number, day: string, category = 'Password reset'): Array<Record<string, unknown>> =>
    Array.from({ length: n }, (_, i) => ({ created: `${day}T${String(8 + i).padStart(2, '0')}:00:00.000Z`, category }));

  it('is the drop in password tickets per day against the configured baseline', async () => {
    const rows = [...repeat(14, '2026-01-10'), ...repeat(3, '2026-01-11', 'Printer'), ...repeat(7, '2026-03-10')];
    const report = await run([], { tickets: [ticketSnapshot('2026-03-30T00:00:00.000Z', rows)] }, { baseline: { from: '2026-01-05', to: '2026-02-02' } });
    const k = kpi(report, 'ticketReduction.rate');
    expect(k.value).toBe(1 - 7 / 28 / (14 / 28));
    expect(k.breakdown?.windows).toEqual([
      { window: 'baseline', from: '2026-01-05T00:00:00.000Z', to: '2026-02-02T00:00:00.000Z', days: 28, passwordTickets: 14 },
      { window: 'period', from: '2026-03-02T00:00:00.000Z', to: '2026-03-30T00:00:00.000Z', days: 28, passwordTickets: 7 },
    ]);
  });

  it('defaults the baseline to the first ticket day up to the period start', async () => {
    // Baseline 2026-02-02 → 2026-03-02 = 28 days, 8 tickets; period 28 days, 2 tickets.
    const rows = [...repeat(8, '2026-02-02'), ...repeat(2, '2026-03-05')];
    const report = await run([], { tickets: [ticketSnapshot('2026-03-16T00:00:00.000Z', rows)] });
    expect(kpi(report, 'ticketReduction.rate').value).toBe(1 - 2 / 28 / (8 / 28));
  });

  it('is not available when the import has no ticket from the period start on, rather than a made-up 100 %', async () => {
    const report = await run([], { tickets: [ticketSnapshot('2026-03-01T00:00:00.000Z', repeat(8, '2026-02-02'))] });
    expect(kpi(report, 'ticketReduction.rate').why).toBe(
      'not available: the ticket CSV "tickets.csv" (taken 2026-03-01) has no ticket created on or after the period start, so it does not cover the period',
    );
  });

  it('is not available without a ticket CSV, or without password tickets in the baseline', async () => {
    expect(kpi(await run([]), 'ticketReduction.rate')).toMatchObject({
      value: null,
      available: false,
      why: 'not available: no helpdesk ticket CSV was ingested',
    });
    const report = await run([], { tickets: [ticketSnapshot('2026-03-30T00:00:00.000Z', repeat(2, '2026-03-10'))] });
    expect(kpi(report, 'ticketReduction.rate').why).toBe(
      'not available: no baseline: the ticket CSV "tickets.csv" (taken 2026-03-30) has no tickets before the period start and no kpi.baseline is configured',
    );
    const printerOnly = await run([], { tickets: [ticketSnapshot('2026-03-30T00:00:00.000Z', [...repeat(2, '2026-02-10', 'Printer'), ...repeat(1, '2026-03-10')])] });
    expect(kpi(printerOnly, 'ticketReduction.rate').why).toBe('not available: no password tickets in the baseline');
  });
});
