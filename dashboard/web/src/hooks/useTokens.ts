import type { TokenInfo } from '../../../server/routes/access.ts';
import { useResource } from './useResource.ts';

/** API tokens (GET /tokens, admins only). */
export function useTokens() {
  return useResource<{ items: TokenInfo[] }>('/tokens');
}
