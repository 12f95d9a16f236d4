import type { Store } from '../store/contract.ts';
import { computeKpis, kpiActions } from './compute.ts';
import type { KpiConfig } from './config.ts';
import type { KpiReport } from './report.ts';

/**
 * The KPI report from a store: every KPI-relevant event up to `to` plus the directory snapshots. What
 * `sspr kpi --json` prints and `GET /api/v1/kpis` answers.
 */
export async function kpiReport(store: Store, period: { from?: string | undefined; to?: string | undefined }, config: KpiConfig): Promise<KpiReport> {
  return computeKpis({
    // Not filtered by `from`: registrations before the period feed point-in-time adoption, and a reset's
    // record in the other plane may sit just before the period start.
    events: store.queryEvents({ ...(period.to !== undefined ? { to: period.to } : {}), actions: kpiActions }),
    snapshots: {
      users: await store.listSnapshots('users'),
      registration: await store.listSnapshots('registration'),
      privileged: await store.listSnapshots('privileged'),
      tickets: await store.listSnapshots('tickets'),
    },
    period,
    config,
  });
}
