import type { Timeline } from '../../../server/routes/users.ts';
import { query } from '../api/client.ts';
import { useResource } from './useResource.ts';

/** A user's events and findings (GET /users/{upn}/timeline) in [from, to). */
export function useTimeline(upn: string, from?: string, to?: string) {
  return useResource<Timeline>(`/users/${encodeURIComponent(upn)}/timeline${query({ from, to, limit: 2000 })}`);
}
