import { z } from 'zod';
import { kpiReportSchema, type KpiReport } from '../../../kpi/report.ts';
import { kpiReport } from '../../../kpi/store-report.ts';
import type { DashboardDeps } from '../deps.ts';
import { none, route } from '../http/route.ts';
import { instantQuery } from './schemas.ts';

/**
 * KPI reports by (period, data version): the data version is the newest event's ingest sequence and the newest
 * ingest run (which also covers directory snapshots), so a report is recomputed exactly when new data arrived.
 */
export class KpiCache {
  private readonly entries = new Map<string, KpiReport>();
  private readonly max: number;

  constructor(max = 16) {
    this.max = max;
  }

  async get(deps: DashboardDeps, period: { from?: string | undefined; to?: string | undefined }): Promise<KpiReport> {
    const [lastRun] = await deps.store.listRuns('ingest', 1);
    const key = JSON.stringify([period.from ?? null, period.to ?? null, await deps.store.lastSeq(), lastRun?.seq ?? 0]);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    const report = await kpiReport(deps.store, period, deps.kpiConfig);
    this.entries.set(key, report);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return report;
  }
}

export function kpiRoutes(cache: KpiCache) {
  return [
    route({
      method: 'get',
      path: '/kpis',
      summary: 'Every KPI with its method, exactly as `sspr kpi --json` prints it; period [from, to)',
      role: 'viewer',
      params: none,
      query: z.object({ from: instantQuery, to: instantQuery }),
      body: none,
      response: kpiReportSchema.meta({ id: 'KpiReport' }),
      async handler({ query }, { deps }) {
        return cache.get(deps, { from: query.from, to: query.to });
      },
    }),
  ];
}
