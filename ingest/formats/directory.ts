import { normalizeIdentity, toIsoTime, type AuthMethod } from '../../core/event.ts';
import { rejected, skipped, type ParseResult, type RecordFormat } from './types.ts';
import type { PrivilegedRow, RegistrationRow, TicketRow, UserRow } from '../../core/directory.ts';

/**
 * Pure parsers for the directory inputs of issue 4: a Microsoft Graph `userRegistrationDetails` export, a
 * users CSV (the eligible population), a helpdesk ticket CSV and a privileged-accounts list. Each record
 * becomes a normalized `row` of a snapshot kind; the ingest shell stores one file's rows as one dated
 * snapshot and `kpi/` reads them back with the row schemas below (the contract between the two).
 * CSV rows arrive as header-keyed objects of strings; header names are matched case- and punctuation-
 * insensitively ("User principal name", "userPrincipalName" and "UPN" are the same column).
 */



/**
 * Graph `methodsRegistered` values → event-model methods. Values from the userRegistrationDetails resource
 * (learn.microsoft.com/graph/api/resources/userregistrationdetails) and its evolvable enum members
 * (`passKeyDeviceBound*`, `macOsSecureEnclaveKey`, `passKeySynced`, ...). `mobilePhone` is SMS-capable and
 * counted as SMS; unknown future values map to `other`; `none` means no method.
 */
const GRAPH_METHODS: Readonly<Record<string, AuthMethod | null>> = {
  none: null,
  email: 'email',
  mobilephone: 'sms',
  alternatemobilephone: 'sms',
  sms: 'sms',
  mobilesms: 'sms',
  officephone: 'voice',
  voicemobile: 'voice',
  voicealternatemobile: 'voice',
  voiceoffice: 'voice',
  mobilecall: 'voice',
  securityquestion: 'securityQuestions',
  microsoftauthenticatorpush: 'authenticatorPush',
  // Phone sign-in always shows a number to match.
  microsoftauthenticatorpasswordless: 'authenticatorNumberMatch',
  softwareonetimepasscode: 'authenticatorOtp',
  onetimepasscode: 'authenticatorOtp',
  hardwareonetimepasscode: 'hardwareOath',
  windowshelloforbusiness: 'windowsHello',
  passkeydeviceboundwindowshello: 'windowsHello',
  fido2securitykey: 'fido2',
  fido2: 'fido2',
  passkeydevicebound: 'passkey',
  passkeydeviceboundauthenticator: 'passkey',
  passkeysynced: 'passkey',
  macossecureenclavekey: 'passkey',
  temporaryaccesspass: 'temporaryAccessPass',
  x509certificatesinglefactor: 'certificate',
  x509certificatemultifactor: 'certificate',
  x509certificate: 'certificate',
  certificatebasedauthentication: 'certificate',
  apppassword: 'password',
};

/** A header or property name reduced to lower-case letters and digits. */
function keyOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The record's values by reduced key name (first wins). */
function byKey(record: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [name, value] of Object.entries(record)) {
    const key = keyOf(name);
    if (!map.has(key)) map.set(key, value);
  }
  return map;
}

/** The first alias present in the record (the value may still be empty). */
function pick(map: ReadonlyMap<string, unknown>, aliases: readonly string[]): unknown {
  for (const alias of aliases) if (map.has(alias)) return map.get(alias);
  return undefined;
}

function hasAny(map: ReadonlyMap<string, unknown>, aliases: readonly string[]): boolean {
  return aliases.some((alias) => map.has(alias));
}

/** Non-empty trimmed text, or undefined; finite numbers become text. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A boolean from JSON or CSV text (`True`, `false`, `yes`, `1`); undefined when absent or not a boolean. */
function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const t = text(value)?.toLowerCase();
  if (t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === '0') return false;
  return undefined;
}

/** Drops undefined values so rows carry only what the export had. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** True when every value is a scalar, as in a CSV row (events and Graph objects nest). */
function isFlat(record: Record<string, unknown>): boolean {
  return Object.values(record).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}

const UPN_KEYS = ['userprincipalname', 'upn'];
const REGISTRATION_KEYS = ['isssprregistered', 'methodsregistered'];
const CREATED_KEYS = ['created', 'createdat', 'createdon', 'createddate', 'createdtime', 'opened', 'openedat', 'openedon', 'opendate'];
const RESOLVED_KEYS = ['resolved', 'resolvedat', 'resolvedon', 'resolveddate', 'resolvedtime', 'closed', 'closedat', 'closedon', 'closeddate'];
const CATEGORY_KEYS = ['category', 'subcategory', 'type', 'tickettype', 'issuetype'];
const TICKET_ID_KEYS = ['id', 'ticketid', 'ticket', 'number', 'key', 'incident'];
const TICKET_USER_KEYS = ['user', 'caller', 'requester', 'reporter', 'userprincipalname', 'upn', 'callerid'];
/** Columns of event records (Log Analytics rows, Graph objects): a row with one of these is not a directory row. */
const EVENT_KEYS = ['timegenerated', 'createddatetime', 'activitydatetime', 'operationname', 'resulttype', 'correlationid', 'eventid'];

/** `methodsRegistered` as an array (Graph JSON) or text (`a,b`, `[a; b]` in CSV exports). */
function methodList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(text).filter((v): v is string => v !== undefined);
  const t = text(value);
  if (t === undefined) return value === undefined ? undefined : [];
  return t
    .replace(/^\[|\]$/g, '')
    .split(/[,;|]/)
    .map((v) => v.trim().replace(/^["']|["']$/g, ''))
    .filter((v) => v !== '');
}

/** Event-model methods of a Graph method list, deduplicated; unknown names become `other`. */
export function graphMethodsToAuthMethods(names: readonly string[]): AuthMethod[] {
  const out = new Set<AuthMethod>();
  for (const name of names) {
    const mapped = GRAPH_METHODS[keyOf(name)];
    if (mapped === null) continue;
    out.add(mapped ?? 'other');
  }
  return [...out];
}

/** `graph-registration-details`: a userRegistrationDetails object (Graph JSON or a CSV of it) → a `registration` row. */
export const registrationDetailsFormat: RecordFormat = {
  id: 'graph-registration-details',
  dataset: 'directory',
  matches(record) {
    const map = byKey(record);
    return hasAny(map, UPN_KEYS) && hasAny(map, REGISTRATION_KEYS);
  },
  parse(record): ParseResult {
    const map = byKey(record);
    const upn = text(pick(map, UPN_KEYS))?.toLowerCase();
    if (upn === undefined) return rejected('missing-field', 'missing field userPrincipalName');
    const methodsRegistered = methodList(map.get('methodsregistered')) ?? [];
    const ssprRaw = map.get('isssprregistered');
    const ssprRegistered = bool(ssprRaw);
    if (ssprRegistered === undefined && text(ssprRaw) !== undefined) {
      return rejected('bad-value', `isSsprRegistered is not a boolean: ${JSON.stringify(ssprRaw)}`);
    }
    const lastUpdatedRaw = text(map.get('lastupdateddatetime'));
    const row: RegistrationRow = compact({
      upn,
      id: text(map.get('id')),
      displayName: text(map.get('userdisplayname')) ?? text(map.get('displayname')),
      isSsprRegistered: ssprRegistered,
      isSsprCapable: bool(map.get('isssprcapable')),
      isSsprEnabled: bool(map.get('isssprenabled')),
      isMfaRegistered: bool(map.get('ismfaregistered')),
      isMfaCapable: bool(map.get('ismfacapable')),
      isPasswordlessCapable: bool(map.get('ispasswordlesscapable')),
      isAdmin: bool(map.get('isadmin')),
      userType: text(map.get('usertype')),
      methodsRegistered,
      methods: graphMethodsToAuthMethods(methodsRegistered),
      lastUpdatedDateTime: lastUpdatedRaw === undefined ? undefined : toIsoTime(lastUpdatedRaw),
    });
    return { kind: 'row', snapshot: 'registration', row };
  },
};

/** `users-csv`: a flat row with a userPrincipalName column and no registration or ticket columns → a `users` row. */
export const usersCsvFormat: RecordFormat = {
  id: 'users-csv',
  dataset: 'directory',
  matches(record) {
    const map = byKey(record);
    return (
      isFlat(record) &&
      hasAny(map, UPN_KEYS) &&
      !hasAny(map, REGISTRATION_KEYS) &&
      !hasAny(map, CREATED_KEYS) &&
      !hasAny(map, EVENT_KEYS)
    );
  },
  parse(record): ParseResult {
    const map = byKey(record);
    const upn = text(pick(map, UPN_KEYS))?.toLowerCase();
    if (upn === undefined) return rejected('missing-field', 'missing field userPrincipalName');
    const row: UserRow = compact({
      upn,
      displayName: text(map.get('displayname')),
      department: text(map.get('department')),
      group: text(pick(map, ['group', 'groupname', 'groupdisplayname'])),
    });
    return { kind: 'row', snapshot: 'users', row };
  },
};

/** `tickets-csv`: a flat row with a created column and a resolved or category column → a `tickets` row. */
export const ticketsCsvFormat: RecordFormat = {
  id: 'tickets-csv',
  dataset: 'directory',
  matches(record) {
    const map = byKey(record);
    return isFlat(record) && hasAny(map, CREATED_KEYS) && (hasAny(map, RESOLVED_KEYS) || hasAny(map, CATEGORY_KEYS)) && !hasAny(map, EVENT_KEYS);
  },
  parse(record): ParseResult {
    const map = byKey(record);
    const createdText = text(pick(map, CREATED_KEYS));
    if (createdText === undefined) return rejected('missing-field', 'missing field created');
    const created = toIsoTime(createdText);
    if (created === undefined) return rejected('bad-value', `created is not a time: ${JSON.stringify(createdText)}`);
    const resolvedText = text(pick(map, RESOLVED_KEYS));
    const resolved = resolvedText === undefined ? undefined : toIsoTime(resolvedText);
    if (resolvedText !== undefined && resolved === undefined) return rejected('bad-value', `resolved is not a time: ${JSON.stringify(resolvedText)}`);
    if (resolved !== undefined && resolved < created) return rejected('bad-value', `resolved (${resolved}) is before created (${created})`);
    const user = text(pick(map, TICKET_USER_KEYS));
    const row: TicketRow = compact({
      id: text(pick(map, TICKET_ID_KEYS)),
      created,
      resolved,
      category: text(pick(map, CATEGORY_KEYS)),
      user: user === undefined ? undefined : normalizeIdentity(user).name,
    });
    return { kind: 'row', snapshot: 'tickets', row };
  },
};

/** An account name: no whitespace, braces, brackets, quotes, commas or other list/markup punctuation. */
const ACCOUNT = /^[^\s{}[\]()<>"',;:=|*?]+$/;

/**
 * One line of a privileged-accounts list → a `privileged` row. Blank lines and `#` comments are skipped;
 * a line with spaces, braces or other punctuation is not an account name and is rejected (`bad-value`).
 * `CONTOSO\admin` keeps `contoso` as the domain.
 */
export function parsePrivilegedLine(line: string): ParseResult {
  const trimmed = line.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return skipped('blank line');
  if (trimmed.startsWith('#')) return skipped('comment line');
  if (!ACCOUNT.test(trimmed)) return rejected('bad-value', `not an account name (one UPN or sAMAccountName a line): ${JSON.stringify(trimmed.slice(0, 80))}`);
  const { name, domain } = normalizeIdentity(trimmed);
  if (name === '') return rejected('bad-value', `no account name after the domain: ${JSON.stringify(trimmed)}`);
  const row: PrivilegedRow = compact({ account: name, domain });
  return { kind: 'row', snapshot: 'privileged', row };
}

/** The directory record formats, most specific first (registration details also carry a UPN). */
export const directoryFormats: RecordFormat[] = [registrationDetailsFormat, ticketsCsvFormat, usersCsvFormat];
