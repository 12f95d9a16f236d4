import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTenant, type KpiTruth, type Truth } from '../../fixtures/generator/index.ts';
import { ingestPaths } from '../../ingest/ingest.ts';
import { computeKpis, kpiActions, type KpiReport } from '../../kpi/compute.ts';
import { kpiConfigSchema, type KpiConfig } from '../../kpi/config.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/**
 * Known answers: a seeded tenant is written to files, ingested through the ingest shell into SQLite, and
 * every stable KPI is checked to the exact value computed independently from `truth.kpi` with the
 * semantics the KPI's method sentence states.
 */

const STABLE = [
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
] as const;

const MINUTE = 60_000;
const DAY = 86_400_000;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Graph methods the default classes call weak (SMS-capable phone, email). */
const WEAK_GRAPH_METHODS = new Set(['mobilePhone', 'alternateMobilePhone', 'officePhone', 'email', 'securityQuestion']);

/** The stable KPIs (and a few extras) computed from the truth lists alone. */
function expectedFrom(k: KpiTruth, money: { ticket: number; hourly: number }): Record<string, number> {
  const start = Date.parse(k.period.start);
  const end = Date.parse(k.period.end);
  const days = (end - start) / DAY;
  const within = (iso: string, from = start, to = end): boolean => Date.parse(iso) >= from && Date.parse(iso) < to;
  const eligible = new Set(k.eligibleUsers);
  const takenAt = Date.parse(k.registrationSnapshot.takenAt);
  const registered = new Set(k.registrationSnapshot.users.filter((u) => u.isSsprRegistered && eligible.has(u.user)).map((u) => u.user));
  for (const r of k.registrations) if (within(r.at, takenAt) && eligible.has(r.user)) registered.add(r.user);

  const selfResets = k.ssprResets.filter((r) => r.success && within(r.at)).length;
  const selfUnlocks = k.ssprUnlocks.filter((r) => r.success && within(r.at)).length;
  const password = k.tickets.filter((t) => t.category === 'password-reset' || t.category === 'account-unlock');
  const baselineFrom = Date.parse(k.baseline.start);
  const baselineTo = Date.parse(k.baseline.end);
  const baselinePerDay = password.filter((t) => within(t.created, baselineFrom, baselineTo)).length / ((baselineTo - baselineFrom) / DAY);
  const periodPerDay = password.filter((t) => within(t.created)).length / days;

  const flows = k.ssprFlows.filter((f) => within(f.startedAt));
  const succeeded = flows.filter((f) => f.outcome === 'succeeded');
  const sspMedian = median(succeeded.map((f) => (Date.parse(f.endedAt) - Date.parse(f.startedAt)) / MINUTE));
  const helpdeskMedian = median(password.map((t) => (Date.parse(t.resolved) - Date.parse(t.created)) / MINUTE));
  const perResolution = money.ticket + ((helpdeskMedian - sspMedian) / 60) * money.hourly;

  const methods = new Map<string, Set<string>>();
  for (const u of k.registrationSnapshot.users) if (u.methods.length > 0) methods.set(u.user, new Set(u.methods));
  for (const r of k.registrations) if (within(r.at, takenAt)) methods.set(r.user, new Set([...(methods.get(r.user) ?? []), ...r.methods]));
  const withMethods = [...methods.entries()].filter(([user]) => eligible.has(user));
  const weakOnly = withMethods.filter(([, m]) => [...m].every((x) => WEAK_GRAPH_METHODS.has(x)));

  return {
    'adoption.eligible': eligible.size,
    'adoption.registered': registered.size,
    'adoption.rate': registered.size / eligible.size,
    'resets.selfService': selfResets,
    'unlocks.selfService': selfUnlocks,
    'resets.helpdesk': k.adminResets.filter((r) => within(r.at)).length,
    'unlocks.helpdesk': k.adminUnlocks.filter((r) => within(r.at)).length,
    'ticketReduction.rate': 1 - periodPerDay / baselinePerDay,
    'ttr.selfService.medianMinutes': sspMedian,
    'ttr.helpdesk.medianMinutes': helpdeskMedian,
    'cost.savedPerMonth': (((selfResets + selfUnlocks) * perResolution) / days) * 30.436875,
    'methods.weakShare': weakOnly.length / withMethods.length,
    'funnel.started': flows.length,
    'funnel.succeeded': succeeded.length,
    'funnel.failed': flows.filter((f) => f.outcome === 'failed').length,
    'funnel.blocked': flows.filter((f) => f.outcome === 'blocked').length,
    'funnel.abandoned': flows.filter((f) => f.outcome === 'abandoned').length,
    'funnel.completionRate': succeeded.length / flows.length,
  };
}

/** Writes, ingests and computes the KPIs of one generated tenant over its run. */
async function kpisOf(options: { seed: number; attacks: boolean }): Promise<{ truth: Truth; report: KpiReport; config: KpiConfig }> {
  const dir = mkdtempSync(join(tmpdir(), 'sspr-known-'));
  const { truth } = await writeTenant(dir, { ...options, users: 150, days: 28 });
  const store = new SqliteStore(join(dir, 'sspr.db'));
  try {
    const summary = await ingestPaths(store, ['entra', 'ad', 'directory'].map((d) => join(dir, d)));
    expect(summary.quarantined).toBe(0);
    const k = truth.kpi;
    const config = kpiConfigSchema.parse({
      costPerTicket: { currency: 'EUR', amount: 25 },
      employeeHourlyCost: { currency: 'EUR', amount: 60 },
      baseline: { from: k.baseline.start, to: k.baseline.end },
    });
    const report = await computeKpis({
      events: store.queryEvents({ to: k.period.end, actions: kpiActions }),
      snapshots: {
        users: await store.listSnapshots('users'),
        registration: await store.listSnapshots('registration'),
        privileged: await store.listSnapshots('privileged'),
        tickets: await store.listSnapshots('tickets'),
      },
      period: { from: k.period.start, to: k.period.end },
      config,
    });
    return { truth, report, config };
  } finally {
    await store.close();
  }
}

const valuesOf = (report: KpiReport): Record<string, number | null> => Object.fromEntries(report.kpis.map((k) => [k.id, k.value]));

describe('KPIs of a generated tenant against its ground truth', () => {
  describe('a month of normal life and look-alikes (seed 4242)', () => {
    let run: Awaited<ReturnType<typeof kpisOf>>;
    beforeAll(async () => {
      run = await kpisOf({ seed: 4242, attacks: false });
    });

    it('gets every stable KPI exactly, and the funnel stages and helpdesk unlocks too', () => {
      const expected = expectedFrom(run.truth.kpi, { ticket: 25, hourly: 60 });
      const actual = valuesOf(run.report);
      for (const id of STABLE) expect(actual[id], id).toBeTypeOf('number');
      expect(actual).toMatchObject(expected);
    });

    it('lists exactly the eligible users the truth says are not registered', () => {
      const k = run.truth.kpi;
      const takenAt = Date.parse(k.registrationSnapshot.takenAt);
      const done = new Set([
        ...k.registrationSnapshot.users.filter((u) => u.isSsprRegistered).map((u) => u.user),
        ...k.registrations.filter((r) => Date.parse(r.at) >= takenAt && Date.parse(r.at) < Date.parse(k.period.end)).map((r) => r.user),
      ]);
      const missing = k.eligibleUsers.filter((u) => !done.has(u)).sort();
      const listed = run.report.kpis.find((x) => x.id === 'adoption.unregistered')?.breakdown?.users?.map((r) => r.user);
      expect(listed).toEqual(missing);
    });
  });

  describe('the same with attacks injected (seed 11)', () => {
    let run: Awaited<ReturnType<typeof kpisOf>>;
    beforeAll(async () => {
      run = await kpisOf({ seed: 11, attacks: true });
    });

    it('gets every stable KPI exactly except the weak-only share, which attackers\' method changes move outside truth.kpi', () => {
      const { ['methods.weakShare']: _weak, ...expected } = expectedFrom(run.truth.kpi, { ticket: 25, hourly: 60 });
      expect(valuesOf(run.report)).toMatchObject(expected);
    });

    it('reports each injected unexplained writeback, and counts none of them as a reset', () => {
      const k = run.truth.kpi;
      const inRun = run.truth.incidents.filter((i) => i.variant === 'unexplained-writeback' && i.start >= k.period.start && i.start < k.period.end);
      expect(inRun.length, 'seed 11 injects unexplained writebacks').toBeGreaterThan(0);
      const reported = run.report.kpis.find((x) => x.id === 'resets.unexplainedWriteback');
      expect(reported?.value).toBe(inRun.length);
      expect(reported?.breakdown?.resets?.map((r) => r.at)).toEqual(inRun.map((i) => i.start));
    });
  });
});
