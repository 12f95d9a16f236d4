import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../ingest/ingest.ts';
import { computeKpis, kpiActions, type Kpi, type KpiReport } from '../../kpi/compute.ts';
import { kpiConfigSchema } from '../../kpi/config.ts';
import type { KpiSnapshots } from '../../kpi/snapshots.ts';
import type { Store } from '../../store/contract.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/**
 * The KPIs over real formats: the verbatim Entra and Windows samples and directory files go through the
 * ingest shell into a SQLite store, and computeKpis reads them back the way `sspr kpi` does. Expected values
 * are worked out by hand from the samples (2026-03-02 in Entra; 2024-05-14 on the domain controller).
 */

function kpi(report: KpiReport, id: string): Kpi {
  const found = report.kpis.find((k) => k.id === id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
}

async function snapshotsOf(store: Store): Promise<KpiSnapshots> {
  return {
    users: await store.listSnapshots('users'),
    registration: await store.listSnapshots('registration'),
    privileged: await store.listSnapshots('privileged'),
    tickets: await store.listSnapshots('tickets'),
  };
}

const minutes = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 60_000;

describe('KPIs over ingested samples', () => {
  let store: SqliteStore;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-kpi-'));
    store = new SqliteStore(join(dir, 'sspr.db'));
    const people = ['alice.wong', 'bob.ruiz', 'carol.nguyen', 'dave.patel', 'erin.moss'];
    writeFileSync(
      join(dir, 'users.csv'),
      `userPrincipalName,displayName,department\n${people.map((p, i) => `${p}@contoso.com,${p},${i < 2 ? 'Sales' : 'Finance'}`).join('\n')}\n`,
    );
    const methods: Record<string, string[]> = {
      'alice.wong': ['mobilePhone', 'microsoftAuthenticatorPush'],
      'bob.ruiz': [],
      'carol.nguyen': ['email'],
      'dave.patel': ['mobilePhone'],
      'erin.moss': [],
    };
    const value = people.map((p) => ({
      userPrincipalName: `${p}@contoso.com`,
      isSsprRegistered: (methods[p] ?? []).length > 0,
      methodsRegistered: methods[p],
      lastUpdatedDateTime: '2026-03-01T00:00:00Z',
    }));
    writeFileSync(join(dir, 'registration.json'), JSON.stringify({ value }));
    writeFileSync(join(dir, 'privileged.txt'), '# tier 0\ncarol.nguyen\nCONTOSO\\dave.patel\n');
    // Baseline February: 56 password tickets (2 a day), each resolved in 90 minutes; one printer ticket.
    const rows = ['number,created,resolved,category'];
    for (let i = 0; i < 56; i++) {
      const created = new Date(Date.parse('2026-02-02T08:00:00Z') + Math.floor(i / 2) * 86_400_000 + (i % 2) * 3_600_000);
      rows.push(`INC${i},${created.toISOString()},${new Date(created.getTime() + 90 * 60_000).toISOString()},Password reset`);
    }
    rows.push('INC900,2026-03-02T10:00:00Z,2026-03-02T11:30:00Z,Account unlock', 'INC901,2026-03-02T10:00:00Z,,Printer');
    writeFileSync(join(dir, 'tickets.csv'), `${rows.join('\n')}\n`);

    const logs = await ingestPaths(store, ['fixtures/samples/entra/auditlogs-la.json', 'fixtures/samples/entra/auditlogs-graph.json', 'fixtures/samples/windows/security-events.xml']);
    expect(logs.quarantined).toBe(0);
    const directory = await ingestPaths(store, ['users.csv', 'registration.json', 'privileged.txt', 'tickets.csv'].map((f) => join(dir, f)), { asOf: '2026-03-01T00:00:00Z' });
    expect(directory.snapshots.map((s) => [s.kind, s.rows])).toEqual([
      ['users', 5],
      ['registration', 5],
      ['privileged', 2],
      ['tickets', 58],
    ]);
  });
  afterAll(async () => store.close());

  it('counts resets by channel across both planes over all stored events', async () => {
    const report = await computeKpis({ events: store.queryEvents({}), snapshots: await snapshotsOf(store) });
    expect(report.period).toEqual({ from: '2024-05-14T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
    // alice's SSPR reset + msmith's writeback 4724 with no Entra record ingested.
    expect(kpi(report, 'resets.selfService').value).toBe(2);
    // bjones by hd.alice on-prem + carol's admin reset (two Entra records, one correlation id); the
    // automation app's reset of bob and the phs-echo changes are not people.
    expect(kpi(report, 'resets.helpdesk').value).toBe(2);
    expect(kpi(report, 'unlocks.selfService').value).toBe(1);
    expect(kpi(report, 'unlocks.helpdesk').value).toBe(1);
    expect(kpi(report, 'resets.blocked').value).toBe(1);
  });

  const period = { from: '2026-03-02', to: '2026-03-03' };
  const config = kpiConfigSchema.parse({
    costPerTicket: { currency: 'EUR', amount: 25 },
    employeeHourlyCost: { currency: 'EUR', amount: 60 },
    baseline: { from: '2026-02-02', to: '2026-03-02' },
  });

  it('computes adoption, funnel, time to resolution, ticket reduction and cost for one day of Entra logs', async () => {
    const report = await computeKpis({ events: store.queryEvents({ to: '2026-03-03T00:00:00.000Z' }), snapshots: await snapshotsOf(store), period, config });
    const values = Object.fromEntries(report.kpis.map((k) => [k.id, k.value]));
    // From "User submitted their user ID" to the "Reset password (self-service)" record.
    const sspMedian = minutes('2026-03-02T09:12:03.441Z', '2026-03-02T09:16:41.512Z');
    const perResolution = 25 + ((90 - sspMedian) / 60) * 60;
    expect(values).toMatchObject({
      // alice, carol, dave in the export; bob completed registration at 13:05; erin never.
      'adoption.eligible': 5,
      'adoption.registered': 4,
      'adoption.rate': 0.8,
      'adoption.unregistered': 1,
      'resets.selfService': 1,
      'unlocks.selfService': 1,
      'resets.helpdesk': 1,
      // 1 password ticket in the day vs 56 in 28 days.
      'ticketReduction.rate': 1 - 1 / 1 / (56 / 28),
      'ttr.selfService.medianMinutes': sspMedian,
      'ttr.helpdesk.medianMinutes': 90,
      'cost.savedPerResolution': perResolution,
      'cost.savedPerMonth': ((2 * perResolution) / 1) * 30.436875,
      // alice {sms, push} and bob {push, fido2} after deleting SMS; carol {email} and dave {sms} weak only.
      'methods.weakShare': 2 / 4,
      'methods.privilegedWeakOnly': 2,
      // alice succeeded; carol's session ended blocked; dave's uncorrelated flow never finished.
      'funnel.started': 3,
      'funnel.succeeded': 1,
      'funnel.blocked': 1,
      'funnel.abandoned': 1,
      'funnel.completionRate': 1 / 3,
      'failures.topReasons': 4,
      'methods.registrationMix': 3,
    });
    expect(kpi(report, 'adoption.unregistered').breakdown?.users).toEqual([{ user: 'erin.moss@contoso.com', department: 'Finance', group: null }]);
    expect(kpi(report, 'methods.resetMix').breakdown?.methods?.map((r) => r.method)).toEqual(['authenticatorPush', 'sms']);
  });

  it('gives the same report when the store is asked only for the actions the KPIs read', async () => {
    const snapshots = await snapshotsOf(store);
    const all = await computeKpis({ events: store.queryEvents({ to: '2026-03-03T00:00:00.000Z' }), snapshots, period, config });
    const some = await computeKpis({ events: store.queryEvents({ to: '2026-03-03T00:00:00.000Z', actions: kpiActions }), snapshots, period, config });
    expect(some).toEqual(all);
  });
});
