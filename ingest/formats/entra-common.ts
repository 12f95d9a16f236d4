import { normalizeIdentity, toIsoTime, type AuthMethod, type Geo, type MfaResult, type UserRef } from '../../core/event.ts';
import { isPlaceholder, isUpn, normalizeIp, upnProblem } from './field-checks.ts';
import { rejected, type ParseResult } from './types.ts';

/**
 * Helpers shared by the Entra audit and sign-in parsers: reading loosely typed JSON, nested columns that
 * Log Analytics exports as JSON strings, identities, authentication-method names and sign-in geo.
 */

/** A JSON object as it came off the wire. */
export type Rec = Record<string, unknown>;

/** The object when `value` is a plain JSON object, else undefined. */
export function asRecord(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

/** The array when `value` is one, else an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Non-empty trimmed text, or undefined. Finite numbers become text (ResultType arrives as "50126" or 50126).
 * Log Analytics writes absent values as "" and the diagnostic export as "<null>"; both count as absent.
 */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '<null>' ? undefined : trimmed;
}

/** true/false from a boolean or its text ("True" in some CSV-to-JSON exports), else undefined. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const t = text(value)?.toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/**
 * The first candidate that is parseable time text, as the event model's ISO string. Entra writes every time
 * as ISO 8601 text, so a number here is junk, not epoch milliseconds.
 */
export function firstTime(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    const iso = typeof candidate === 'string' ? toIsoTime(candidate) : undefined;
    if (iso !== undefined) return iso;
  }
  return undefined;
}

/** Drops keys whose value is undefined (shallow), so events carry only the fields the log had. */
export function defined<T extends object>(value: T): T {
  // A plain loop: this runs once or more per record, and entries/fromEntries cost several times as much.
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

export type Columns<K extends string> = { ok: true; values: Record<K, unknown> } | { ok: false; result: ParseResult };

/**
 * Reads nested columns that may be objects or JSON text. Log Analytics exports dynamic columns
 * (InitiatedBy, TargetResources, Status, LocationDetails, ...) as JSON strings; the Graph and diagnostic
 * shapes carry objects. Empty text counts as absent; text that is not JSON rejects the record (`bad-value`).
 */
export function nestedColumns<K extends string>(record: Rec, columns: readonly K[]): Columns<K> {
  const values = {} as Record<K, unknown>;
  for (const column of columns) {
    const raw = record[column];
    const trimmed = typeof raw === 'string' ? raw.trim() : undefined;
    if (trimmed === undefined) values[column] = raw;
    else if (trimmed === '' || trimmed === 'null' || trimmed === '<null>') values[column] = undefined;
    else {
      try {
        values[column] = JSON.parse(trimmed) as unknown;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return { ok: false, result: rejected('bad-value', `${column} is a string that is not valid JSON (${why})`) };
      }
    }
  }
  return { ok: true, values };
}

/**
 * The `properties` object of a diagnostic-settings record (an object, or JSON text in some exports), or the
 * rejection when it is missing or not JSON.
 */
export function diagProperties(record: Rec): { ok: true; properties: Rec } | { ok: false; result: ParseResult } {
  const outer = nestedColumns(record, ['properties']);
  if (!outer.ok) return outer;
  const properties = asRecord(outer.values.properties);
  return properties === undefined ? { ok: false, result: rejected('missing-field', 'missing field properties') } : { ok: true, properties };
}

/** True when a view builder returned a parse result (a rejection) instead of a view. */
export function isParseResult(value: object): value is ParseResult {
  return 'kind' in value;
}

/** The event model's user reference from a UPN (lower-cased via normalizeIdentity) and an Entra object id. */
export function userRef(upn: string | undefined, id: string | undefined): UserRef | undefined {
  if (upn === undefined) return undefined;
  const { name, domain } = normalizeIdentity(upn);
  if (name === '') return undefined;
  return defined({ name, upn: name.includes('@') ? name : undefined, domain, id });
}

/**
 * A user the event is about, from a UPN field and an object id, checked: undefined when the UPN is absent, a
 * `problem` when it is not a UPN (a placeholder such as `<USER PRINCIPAL NAME>`, an object id), else the user. An
 * id that is a placeholder (`<USER ID>`) is dropped and `invalid-user-id` added to `tags`.
 */
export function checkedUser(upn: string | undefined, id: string | undefined, tags: string[]): UserRef | { problem: string } | undefined {
  if (upn === undefined) return undefined;
  if (!isUpn(upn)) return { problem: `${JSON.stringify(upn)} is ${upnProblem(upn)}` };
  const usableId = id !== undefined && isPlaceholder(id) ? undefined : id;
  if (usableId !== id) tags.push('invalid-user-id');
  return userRef(upn, usableId);
}

/**
 * The first candidate that is an IP address, normalized (`normalizeIp`). A present value that is not one (a
 * placeholder such as `<IP ADDRESS>`, a host name) is skipped and `invalid-ip` added to `tags` once.
 */
export function checkedIp(candidates: ReadonlyArray<string | undefined>, tags: string[]): string | undefined {
  let bad = false;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const ip = normalizeIp(candidate);
    if (ip !== undefined) return ip;
    bad = true;
  }
  if (bad) tags.push('invalid-ip');
  return undefined;
}

/**
 * Authentication-method names as Entra writes them, most specific first. Sources: SSPR audit texts ("User
 * started the mobile SMS verification", "... mobile app notification verification option", "... office voice
 * call ..."; learn.microsoft.com/entra/identity/authentication/howto-sspr-reporting), combined-registration
 * texts ("User registered Mobile Phone SMS", "User registered Authenticator App with Notification and Code",
 * "User registered Fido2 Authentication Method"; .../howto-registration-mfa-sspr-combined-troubleshoot),
 * sign-in authenticationDetails.authenticationMethod ("Mobile app notification", "OATH verification code",
 * "Text message", "Phone call approval (Office phone)"; .../howto-mfa-reporting) and the legacy MfaDetail
 * codes (PhoneAppNotification, PhoneAppOTP, OneWaySMS, TwoWayVoiceMobile, TwoWayVoiceOffice).
 * Passwords are deliberately absent: a password step is never an MFA method.
 */
const AUTH_METHOD_RULES: ReadonlyArray<readonly [RegExp, AuthMethod]> = [
  [/fido|security key/, 'fido2'],
  [/passkey/, 'passkey'],
  [/windows hello/, 'windowsHello'],
  [/certificate|x\.509/, 'certificate'],
  [/temporary access pass/, 'temporaryAccessPass'],
  [/hardware (oath|token)|hardware one-?time/, 'hardwareOath'],
  [/number match/, 'authenticatorNumberMatch'],
  [/notification|authenticator app$|microsoft authenticator/, 'authenticatorPush'],
  [/app code|phoneappotp|oath|app with code|code from my authenticator|authenticator app/, 'authenticatorOtp'],
  [/sms|text message|text a code|onewaysms/, 'sms'],
  [/voice|phone call|call \+|office phone|alternate mobile phone/, 'voice'],
  [/e-?mail/, 'email'],
  [/security question/, 'securityQuestions'],
];

/** The authentication method a piece of Entra text names, or undefined when it names none we know. */
export function classifyAuthMethod(value: string | undefined): AuthMethod | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return AUTH_METHOD_RULES.find(([pattern]) => pattern.test(lower))?.[1];
}

/** Text that marks an MFA denial even under a result code we do not list ("MFA denied; ...", fraud reports). */
export const MFA_DENIAL_TEXT = /mfa denied|multi-?factor authentication denied|fraud/i;

/**
 * MFA results from Status.additionalDetails / MfaDetail.authDetail / authenticationStepResultDetail, first
 * match wins. Texts: "MFA denied; user declined the authentication", "... user did not respond to mobile app
 * notification", "... duplicate authentication attempt" (learn.microsoft.com/entra/identity/authentication/
 * howto-mfa-reporting), "... user did not select the correct number" (number matching), "MFA denied; Phone App
 * Reported Fraud" and "fraud code entered" (Azure-Sentinel MFARejectedbyUser rule; MFA Server report codes).
 * Case and wording vary between tables and years, so the rules match on key phrases.
 */
const MFA_RESULT_RULES: ReadonlyArray<readonly [RegExp, MfaResult]> = [
  [/fraud|suspicious activity/, 'fraud'],
  [/correct number|wrong number|number match/, 'wrongNumber'],
  [/duplicate/, 'duplicate'],
  [/did ?n[o']t respond|no response|not responded|timed? ?out/, 'timeout'],
  [/declined|user denied|denied by (the )?user|rejected/, 'denied'],
];

/** The MFA result a set of Entra status texts describes; `other` for any other MFA failure. */
export function classifyMfaResult(texts: ReadonlyArray<string | undefined>): MfaResult {
  const joined = texts.filter((t) => t !== undefined).join(' | ').toLowerCase();
  return MFA_RESULT_RULES.find(([pattern]) => pattern.test(joined))?.[1] ?? 'other';
}

/**
 * An MFA requirement met without a prompt in this sign-in: "Previously satisfied", "MFA requirement satisfied
 * by claim in the token", remembered device, skipped by location (howto-mfa-reporting).
 */
export const MFA_NOT_PERFORMED = /previously satisfied|satisfied by (claim|token)|claim in the token|remembered device|skipped/i;

/** A coordinate from a number or numeric text, when finite and inside `limit`. */
function coordinate(value: unknown, limit: number): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/**
 * Sign-in geo from Entra's location object ({ city, state, countryOrRegion, geoCoordinates: { latitude,
 * longitude } }, the signIn resource's signInLocation type). Empty fields are omitted. Coordinates out of
 * range, or 0,0 with no city (Entra's placeholder when it has no fix), are dropped. `fallbackCountry` is the
 * flat country column (Log Analytics `Location`). Undefined when nothing usable remains.
 */
export function geoFrom(location: unknown, fallbackCountry?: string): Geo | undefined {
  const loc = asRecord(location) ?? {};
  const city = text(loc.city);
  const coords = asRecord(loc.geoCoordinates) ?? {};
  let lat = coordinate(coords.latitude, 90);
  let lon = coordinate(coords.longitude, 180);
  if (lat === undefined || lon === undefined || (lat === 0 && lon === 0 && city === undefined)) {
    lat = undefined;
    lon = undefined;
  }
  const geo = defined({
    country: (text(loc.countryOrRegion) ?? fallbackCountry)?.toUpperCase(),
    region: text(loc.state),
    city,
    lat,
    lon,
  });
  return Object.keys(geo).length === 0 ? undefined : { ...geo, origin: 'log' };
}
