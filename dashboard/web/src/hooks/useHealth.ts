import type { Health } from '../../../server/routes/health.ts';
import { useResource } from './useResource.ts';

/** Ingest, detection, alerting and queue health (GET /health). */
export function useHealth() {
  return useResource<Health>('/health');
}
