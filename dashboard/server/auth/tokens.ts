import { randomBytes } from 'node:crypto';
import type { Role } from '../../../core/access.ts';
import { SsprError } from '../../../core/errors.ts';
import type { ApiToken, Store } from '../../../store/contract.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** API tokens start with this, so a leaked one is recognisable by secret scanners. */
export const TOKEN_PREFIX = 'sspr_';

/**
 * Creates an API token: the secret is returned once and only its hash is stored. Throws CONFLICT when an
 * unrevoked token already has the name.
 */
export async function createApiToken(store: Store, input: { name: string; role: Role; createdBy: string }, now: Date): Promise<{ token: string; record: ApiToken }> {
  const token = newSecret(TOKEN_PREFIX);
  const record: ApiToken = { id: randomBytes(6).toString('hex'), name: input.name, role: input.role, createdAt: now.toISOString(), createdBy: input.createdBy };
  if (!(await store.createToken(record, hashSecret(token)))) {
    throw new SsprError('CONFLICT', `a token named "${input.name}" already exists; revoke it first or choose another name`);
  }
  return { token, record };
}

/** The unrevoked token a bearer secret belongs to, or undefined. */
export async function tokenFor(store: Store, secret: string): Promise<ApiToken | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const token = await store.findTokenByHash(hashSecret(secret));
  return token !== undefined && token.revokedAt === undefined ? token : undefined;
}
