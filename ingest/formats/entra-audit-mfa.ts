import type { Action, AuthMethod } from '../../core/event.ts';
import { asArray, asRecord, text, type Rec } from './entra-common.ts';

/**
 * An operator changing a user's MFA methods, read from Core Directory "Update user" audit records. Entra logs a
 * method change twice: once by the Authentication Methods service with a descriptive name ("User registered
 * security info", no detail) and once as "Update user" whose `modifiedProperties` carry the change
 * (`StrongAuthenticationMethod`, `StrongAuthenticationPhoneAppDetail`, `StrongAuthenticationUserDetails`). An
 * administrator using the per-user MFA page or the MSOnline / AADInternals tooling leaves only the second. Source:
 * Microsoft Security Experts, "Hunting for MFA manipulations in Entra ID tenants using KQL" (Tech Community, 2024),
 * and the Graph "Get directoryAudit" (beta) example response, an admin adding methods 0 and 5.
 */

/**
 * `StrongAuthenticationMethod` MethodType codes, in the order the KQL blog above decodes them (index = code).
 * Values arrive as codes (`{"MethodType":6}`) or, in some exports, as the names.
 */
const METHOD_TYPES = [
  'TwoWayVoiceMobile',
  'TwoWaySms',
  'TwoWayVoiceOffice',
  'TwoWayVoiceOtherMobile',
  'TwoWaySmsOtherMobile',
  'OneWaySms',
  'PhoneAppNotification',
  'PhoneAppOTP',
] as const;

const METHOD_MODEL: Readonly<Record<string, AuthMethod>> = {
  TwoWayVoiceMobile: 'voice',
  TwoWaySms: 'sms',
  TwoWayVoiceOffice: 'voice',
  TwoWayVoiceOtherMobile: 'voice',
  TwoWaySmsOtherMobile: 'sms',
  OneWaySms: 'sms',
  PhoneAppNotification: 'authenticatorPush',
  PhoneAppOTP: 'authenticatorOtp',
};

/** The MFA properties of a user object, most telling first. */
const MFA_PROPERTIES = ['StrongAuthenticationMethod', 'StrongAuthenticationPhoneAppDetail', 'StrongAuthenticationUserDetails'] as const;

/** The app the MFA service writes as when it refreshes a registered device's details after a sign-in. */
const MFA_SERVICE_APP = /strongauthenticationservice|^azure mfa/i;

export type MethodChange = { action: Action; authMethod?: AuthMethod; reason: string } | { skip: string };

/** A modifiedProperties value (JSON text as Entra writes it, or already parsed) as a list. */
function listOf(value: unknown): unknown[] | undefined {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed === null || parsed === '' ? [] : Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return undefined;
  }
}

interface Methods {
  names: string[];
  defaultName?: string;
}

function methodsOf(value: unknown): Methods | undefined {
  const list = listOf(value);
  if (list === undefined) return undefined;
  const out: Methods = { names: [] };
  for (const item of list) {
    const entry = asRecord(item);
    const type = entry?.MethodType;
    const name = typeof type === 'number' ? METHOD_TYPES[type] ?? `MethodType ${type}` : text(type);
    if (name === undefined) continue;
    out.names.push(name);
    if (entry?.Default === true) out.defaultName = name;
  }
  return out;
}

function methodChangeOf(oldValue: unknown, newValue: unknown): Exclude<MethodChange, { skip: string }> {
  const before = methodsOf(oldValue);
  const after = methodsOf(newValue);
  if (before === undefined || after === undefined) return { action: 'registration.changed', reason: 'StrongAuthenticationMethod changed' };
  const added = after.names.filter((n) => !before.names.includes(n));
  const removed = before.names.filter((n) => !after.names.includes(n));
  const model = (name: string | undefined) => (name === undefined ? {} : METHOD_MODEL[name] ? { authMethod: METHOD_MODEL[name] } : {});
  if (added.length > 0) return { action: 'registration.added', ...model(added[0]), reason: `StrongAuthenticationMethod: added ${added.join(', ')}` };
  if (removed.length > 0) return { action: 'registration.removed', ...model(removed[0]), reason: `StrongAuthenticationMethod: removed ${removed.join(', ')}` };
  return { action: 'registration.changed', ...model(after.defaultName), reason: `StrongAuthenticationMethod: default set to ${after.defaultName ?? 'none'}` };
}

function phoneAppChangeOf(oldValue: unknown, newValue: unknown): Exclude<MethodChange, { skip: string }> {
  const before = listOf(oldValue)?.length;
  const after = listOf(newValue)?.length;
  if (before === 0 && after !== undefined && after > 0) return { action: 'registration.added', authMethod: 'authenticatorPush', reason: 'StrongAuthenticationPhoneAppDetail: authenticator app added' };
  if (after === 0 && before !== undefined && before > 0) return { action: 'registration.removed', authMethod: 'authenticatorPush', reason: 'StrongAuthenticationPhoneAppDetail: authenticator app removed' };
  return { action: 'registration.changed', authMethod: 'authenticatorPush', reason: 'StrongAuthenticationPhoneAppDetail changed' };
}

/**
 * What an "Update user" record says about MFA methods: undefined when it changes none; a skip when the change is
 * the user's own (already logged as "User registered/changed security info") or the MFA service refreshing device
 * details; else a `registration.*` action with the method and a reason naming the change.
 */
export function strongAuthChange(targets: readonly unknown[], initiatedBy: Rec | undefined, targetUpn: string | undefined): MethodChange | undefined {
  const target = targets.map(asRecord).find((t) => text(t?.type)?.toLowerCase() === 'user');
  const props = new Map<string, Rec>();
  for (const prop of asArray(target?.modifiedProperties)) {
    const p = asRecord(prop);
    const name = text(p?.displayName);
    if (p !== undefined && name !== undefined) props.set(name, p);
  }
  const property = MFA_PROPERTIES.find((name) => props.has(name));
  if (property === undefined) return undefined;
  const user = asRecord(initiatedBy?.user);
  const initiator = text(user?.userPrincipalName)?.toLowerCase();
  const app = text(asRecord(initiatedBy?.app)?.displayName);
  if (initiator === undefined && app !== undefined && MFA_SERVICE_APP.test(app)) return { skip: `${property} refreshed by ${app} (the MFA service), not an operator change` };
  if (initiator !== undefined && initiator === targetUpn?.toLowerCase()) return { skip: `the user's own ${property} change, logged as security-info registration too` };
  const p = props.get(property);
  if (property === 'StrongAuthenticationMethod') return methodChangeOf(p?.oldValue, p?.newValue);
  if (property === 'StrongAuthenticationPhoneAppDetail') return phoneAppChangeOf(p?.oldValue, p?.newValue);
  return { action: 'registration.changed', reason: 'StrongAuthenticationUserDetails changed (MFA phone numbers or email)' };
}
