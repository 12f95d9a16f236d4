import type { UserRef } from '../../core/event.ts';

/** The part of a UPN before `@`; the whole text when there is none. */
export function localPart(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/**
 * One lower-case key per person across planes: the sAMAccountName when the record has it, else the UPN local
 * part. AD writes `alice`, Entra `alice@contoso.com`; both become `alice` (issue: "match sAMAccountName to the
 * UPN local part"). Two tenants' `alice` collide; a detector that keys on this errs towards correlating.
 */
export function accountKey(user: UserRef): string {
  return (user.sam ?? localPart(user.upn ?? user.name)).toLowerCase();
}

/** Every name a record gives a user (name, UPN, sAMAccountName and UPN local parts), lower-case, unique. */
export function identityKeys(user: UserRef): string[] {
  const keys = new Set<string>();
  for (const value of [user.name, user.upn, user.sam]) {
    if (value === undefined || value === '') continue;
    const lower = value.toLowerCase();
    keys.add(lower);
    keys.add(localPart(lower));
  }
  return [...keys];
}
