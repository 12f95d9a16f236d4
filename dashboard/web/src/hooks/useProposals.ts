import type { ConfigVersions, ProposalList } from '../../../server/routes/tuning.ts';
import { useResource } from './useResource.ts';

/** Tuning proposals from triage (GET /tuning/proposals). */
export function useProposals() {
  return useResource<ProposalList>('/tuning/proposals');
}

/** Stored config versions (GET /config/versions, admins only); null skips the request. */
export function useConfigVersions(enabled: boolean) {
  return useResource<ConfigVersions>(enabled ? '/config/versions' : null);
}
