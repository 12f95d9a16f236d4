import type { AnyRoute } from '../http/route.ts';
import { accessRoutes } from './access.ts';
import { detectorRoutes } from './detectors.ts';
import { findingRoutes } from './findings.ts';
import { healthRoutes } from './health.ts';
import { KpiCache, kpiRoutes } from './kpis.ts';
import { tuningRoutes } from './tuning.ts';
import { userRoutes } from './users.ts';

/** Every API route under /api/v1, in the order the document lists them. */
export function apiRoutes(): AnyRoute[] {
  return [...accessRoutes, ...findingRoutes, ...kpiRoutes(new KpiCache()), ...userRoutes, ...healthRoutes, ...detectorRoutes, ...tuningRoutes];
}
