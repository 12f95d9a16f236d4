import type { Store } from '../../../store/contract.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** How long a one-time admin link stays valid. */
const LINK_MINUTES = 15;

/** True while no unrevoked admin token exists: `sspr serve` then prints a one-time admin link. */
export async function needsAdminLink(store: Store): Promise<boolean> {
  return (await store.listTokens()).every((t) => t.role !== 'admin' || t.revokedAt !== undefined);
}

/** Issues a one-time admin sign-in link (valid 15 minutes, usable once); returns its URL. */
export async function issueAdminLink(store: Store, publicUrl: string, now: Date): Promise<string> {
  const code = newSecret();
  await store.putAuthRecord('link', hashSecret(code), { issuedAt: now.toISOString() }, new Date(now.getTime() + LINK_MINUTES * 60_000).toISOString());
  return new URL(`auth/link?code=${encodeURIComponent(code)}`, publicUrl).href;
}
