import type { KpiReport } from '../../../../kpi/report.ts';
import { query } from '../api/client.ts';
import { useResource } from './useResource.ts';

/** The KPI report for [from, to) (GET /kpis), exactly what `sspr kpi --json` prints. */
export function useKpis(from?: string | null, to?: string | null) {
  return useResource<KpiReport>(`/kpis${query({ from, to })}`);
}
