import type { AuditEntry, FindingDetail } from '../../../server/routes/findings.ts';
import { useResource } from './useResource.ts';

/** One finding with its evidence events, detector note and related findings (GET /findings/{id}). */
export function useFinding(id: string) {
  return useResource<FindingDetail>(`/findings/${encodeURIComponent(id)}`);
}

/** The finding's triage audit trail (GET /findings/{id}/audit). */
export function useAudit(id: string) {
  return useResource<{ items: AuditEntry[] }>(`/findings/${encodeURIComponent(id)}/audit`);
}
