import { normalizeIdentity, toIsoTime, type Actor, type ActorKind, type SsprEvent, type UserRef } from '../../core/event.ts';
import { normalizeIp } from './field-checks.ts';
import { CHANGED_ATTRIBUTE_FIELDS, KERBEROS_FAILURE_REASONS, NTSTATUS_REASONS } from './windows-security-codes.ts';
import { rejected, skipped, type ParseContext, type ParseResult } from './types.ts';

/**
 * Shared classification of Windows Security log events (on-prem Active Directory) into `SsprEvent`s, used by
 * the Winlogbeat and the Event XML parsers. Field names and codes follow the Microsoft Learn event pages
 * ("Windows security auditing" events, e.g. https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-4724,
 * source: github.com/MicrosoftDocs/windows-itpro-docs windows/security/threat-protection/auditing/event-NNNN.md).
 */

export { CHANGED_ATTRIBUTE_FIELDS, KERBEROS_FAILURE_REASONS, NTSTATUS_REASONS } from './windows-security-codes.ts';

/** One Security-log record reduced to what the classifier needs, whatever shape it arrived in. */
export interface WindowsSecurityRecord {
  eventId: number;
  /** System/Channel; undefined when the shape does not say. */
  channel?: string | undefined;
  /** System/Provider/@Name. */
  provider?: string | undefined;
  /** System/Computer: the domain controller that logged the event. */
  computer?: string | undefined;
  /** System/EventRecordID as text. */
  recordId?: string | undefined;
  /** Raw event time (System/TimeCreated/@SystemTime or `@timestamp`), parsed with `toIsoTime`. */
  time?: unknown;
  /** Audit Success / Audit Failure from the keywords, when known. */
  audit?: 'success' | 'failure' | undefined;
  /** EventData name → value, values as text ("-" means "not set" in Security events). */
  data: Readonly<Record<string, string>>;
  /** Tags the shape's parser adds (how it read the time, for one). */
  tags?: readonly string[] | undefined;
}

/** Where each logical field lives in a given shape, so rejection messages name the real field. */
export interface FieldNames {
  time: string;
  computer: string;
  recordId: string;
  /** Prefix for EventData names, e.g. `winlog.event_data.` or `EventData/Data@Name=`. */
  data: string;
}

/** Event ids this classifier maps; any other id is `skipped`. */
export const WINDOWS_SECURITY_EVENT_IDS = [4723, 4724, 4738, 4740, 4767, 4625, 4771, 4776] as const;

const SECURITY_CHANNEL = 'security';
const SECURITY_PROVIDER = 'microsoft-windows-security-auditing';

/**
 * sAMAccountName patterns of the accounts that write password changes back from Entra ID. A 4724 whose
 * subject matches is an SSPR / cloud password writeback, not a human reset.
 * - `MSOL_<hex>`: the Entra Connect AD DS Connector account created by express settings ("the account prefixed
 *   with MSOL_", https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/reference-connect-accounts-permissions).
 * - `AAD_<hex>`: the sync service account of older Azure AD Connect / Azure AD Sync installs.
 * - `Sync_*`: the Entra Connector account naming (`Sync_<server>_<hex>`), seen when it is mirrored on-prem.
 * - `provAgentgMSA$`: the gMSA the cloud sync installer creates (https://learn.microsoft.com/en-us/entra/identity/hybrid/cloud-sync/gmsa-cloud-sync);
 *   `pGMSA_<id>$`: the gMSA naming of earlier cloud sync agents.
 */
export const SYNC_ACCOUNT_PATTERNS: readonly RegExp[] = [
  /^msol_[0-9a-f]+$/i,
  /^aad_[0-9a-f]+$/i,
  /^sync_.+/i,
  /^provagentgmsa\$$/i,
  /^pgmsa_.+\$$/i,
];

/** Built-in service principals acting as themselves (well-known SIDs S-1-5-18/19/20). */
const SERVICE_PRINCIPALS = new Set(['system', 'local service', 'network service']);
const SERVICE_SIDS = new Set(['S-1-5-18', 'S-1-5-19', 'S-1-5-20']);

/** A field value, or undefined when absent, empty or "-" (the Security log's "not set"). */
function field(data: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = data[name]?.trim();
  return value === undefined || value === '' || value === '-' ? undefined : value;
}

/** `0xc000006a` → `0xC000006A`; hex codes are compared and stored in this one form. */
export function normalizeStatus(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const m = /^0x0*([0-9a-f]+)$/i.exec(code.trim());
  return m ? `0x${m[1]!.toUpperCase()}` : code.trim();
}

/**
 * The client address of a logon event: IPv4, IPv6 or IPv4-mapped IPv6 (written as the IPv4 address, as the 4771 page
 * shows `::ffff:10.0.0.12`); loopback is no client. `invalid` when the field holds something that is no address.
 */
function clientIp(value: string | undefined): { ip?: string; invalid?: true } {
  if (value === undefined) return {};
  const ip = normalizeIp(value);
  if (ip === undefined) return { invalid: true };
  return ip === '::1' || ip === '127.0.0.1' ? {} : { ip };
}

/** Strips the `\\` UNC prefix some events put before a computer name. */
function hostName(value: string | undefined): string | undefined {
  const name = value?.replace(/^\\\\/, '');
  return name === '' ? undefined : name;
}

/** True when a sAMAccountName is an Entra Connect / cloud sync account (see `SYNC_ACCOUNT_PATTERNS`). */
export function isSyncAccount(name: string): boolean {
  return SYNC_ACCOUNT_PATTERNS.some((pattern) => pattern.test(name.trim()));
}

interface Subject {
  name?: string | undefined;
  id?: string | undefined;
}

function subjectOf(data: Readonly<Record<string, string>>): Subject {
  const name = field(data, 'SubjectUserName');
  return { name: name === undefined ? undefined : normalizeIdentity(name).name, id: field(data, 'SubjectUserSid') };
}

function isSelf(subject: Subject, user: UserRef): boolean {
  if (subject.id !== undefined && user.id !== undefined) return subject.id.toUpperCase() === user.id.toUpperCase();
  return subject.name !== undefined && subject.name === (user.sam ?? user.name);
}

/** Actor kind of an account-management subject: sync account, the user, a service/machine account, or a person. */
function subjectKind(subject: Subject, user: UserRef, human: ActorKind): ActorKind {
  const name = subject.name ?? '';
  if (isSyncAccount(name)) return 'sync';
  if (isSelf(subject, user)) return 'self';
  if (name.endsWith('$') || SERVICE_PRINCIPALS.has(name) || SERVICE_SIDS.has(subject.id ?? '')) return 'service';
  return subject.name === undefined ? 'unknown' : human;
}

function actorOf(subject: Subject, kind: ActorKind): Actor {
  return { kind, ...(subject.name ? { name: subject.name } : {}), ...(subject.id ? { id: subject.id } : {}) };
}

/** The account acted on: TargetUserName lower-case, with domain and SID when they are real values. */
function targetUser(data: Readonly<Record<string, string>>, eventId: number, name: string): UserRef {
  const identity = normalizeIdentity(name);
  // 4740 puts the Caller Computer Name in TargetDomainName (message template "%2"; the 4740 page's XML sample
  // has TargetDomainName=WIN81), so it is a domain only when a shipper split out CallerComputerName.
  const domainField = eventId === 4740 && field(data, 'CallerComputerName') === undefined ? undefined : field(data, 'TargetDomainName');
  const domain = identity.domain ?? domainField?.toLowerCase();
  const sid = field(data, 'TargetSid') ?? field(data, 'TargetUserSid');
  const isUpn = identity.name.includes('@');
  // A target known only by its SID has no account name to put in `sam`.
  const isSid = sid !== undefined && identity.name === sid.toLowerCase();
  return {
    name: identity.name,
    ...(isUpn ? { upn: identity.name } : isSid ? {} : { sam: identity.name }),
    ...(domain ? { domain } : {}),
    // S-1-0-0 is the NULL SID 4625 writes when the account does not resolve.
    ...(sid && sid !== 'S-1-0-0' ? { id: sid } : {}),
  };
}

function auditOutcome(audit: WindowsSecurityRecord['audit']): SsprEvent['outcome'] {
  return audit ?? 'unknown';
}

type Mapped = Pick<SsprEvent, 'action' | 'outcome' | 'actor'> & Partial<Pick<SsprEvent, 'reason' | 'resultCode' | 'device' | 'tags' | 'source'>>;

/** Per-event mapping; each case cites the event's Microsoft Learn page. */
function mapEvent(rec: WindowsSecurityRecord, user: UserRef): Mapped {
  const d = rec.data;
  const subject = subjectOf(d);
  switch (rec.eventId) {
    case 4723: // 4723(S, F) An attempt was made to change an account's password.
      return { action: 'password.change', outcome: auditOutcome(rec.audit), actor: actorOf(subject, isSelf(subject, user) ? 'self' : 'admin') };
    case 4724: { // 4724(S, F) An attempt was made to reset an account's password.
      const kind = subjectKind(subject, user, 'helpdesk');
      return { action: 'password.reset', outcome: auditOutcome(rec.audit), actor: actorOf(subject, kind), ...(kind === 'sync' ? { tags: ['writeback'] } : {}) };
    }
    case 4740: { // 4740(S) A user account was locked out. The subject is the DC/SYSTEM enforcing the policy.
      const device = hostName(field(d, 'CallerComputerName') ?? field(d, 'TargetDomainName'));
      return { action: 'account.lockout', outcome: 'success', actor: actorOf(subject, 'system'), ...(device ? { device } : {}) };
    }
    case 4767: // 4767(S) A user account was unlocked.
      return { action: 'account.unlock', outcome: rec.audit ?? 'success', actor: actorOf(subject, subjectKind(subject, user, 'helpdesk')) };
    case 4738: { // 4738(S) A user account was changed.
      const changed = CHANGED_ATTRIBUTE_FIELDS.filter((name) => field(d, name) !== undefined);
      return {
        action: 'account.changed',
        outcome: rec.audit ?? 'success',
        actor: actorOf(subject, subjectKind(subject, user, 'admin')),
        ...(changed.length > 0 ? { reason: `changed: ${changed.join(', ')}` } : {}),
      };
    }
    case 4625: { // 4625(F) An account failed to log on. SubStatus is the precise reason when Status is generic.
      const subStatus = normalizeStatus(field(d, 'SubStatus'));
      const code = subStatus !== undefined && subStatus !== '0x0' ? subStatus : normalizeStatus(field(d, 'Status'));
      return signin('failure', code, code ? NTSTATUS_REASONS[code] : undefined, d, field(d, 'WorkstationName'), [
        `logonType:${field(d, 'LogonType') ?? 'unknown'}`,
      ]);
    }
    case 4771: { // 4771(F) Kerberos pre-authentication failed. Failure Code is named Status in the XML.
      const code = normalizeStatus(field(d, 'Status'));
      return signin('failure', code, code ? KERBEROS_FAILURE_REASONS[code] : undefined, d, undefined);
    }
    default: { // 4776(S, F) The computer attempted to validate the credentials for an account (NTLM).
      const code = normalizeStatus(field(d, 'Status'));
      const ok = code === undefined ? rec.audit !== 'failure' : code === '0x0';
      const failure = ok ? undefined : code;
      return signin(ok ? 'success' : 'failure', failure, failure ? NTSTATUS_REASONS[failure] : undefined, d, field(d, 'Workstation'));
    }
  }
}

function signin(
  outcome: 'success' | 'failure',
  code: string | undefined,
  reason: string | undefined,
  d: Readonly<Record<string, string>>,
  workstation: string | undefined,
  tags?: string[],
): Mapped {
  const client = clientIp(field(d, 'IpAddress'));
  const ip = client.ip;
  const device = hostName(workstation);
  const allTags = [...(tags ?? []), ...(client.invalid ? ['invalid-ip'] : [])];
  return {
    action: 'signin',
    outcome,
    // A sign-in is the account's own attempt as claimed; the Subject of 4625 is the reporting service.
    actor: { kind: 'self' },
    ...(code ? { resultCode: code } : {}),
    ...(reason ? { reason } : {}),
    ...(ip ? { source: { ip } } : {}),
    ...(device ? { device } : {}),
    ...(allTags.length > 0 ? { tags: allTags } : {}),
  };
}

const SIGNIN_EVENTS = new Set([4625, 4771, 4776]);

/**
 * Maps one Security-log record to a `ParseResult`: an `ad.security` event for the ids in
 * `WINDOWS_SECURITY_EVENT_IDS`, `skipped` for other channels, providers, ids and machine-account sign-ins,
 * `rejected` (`missing-field`) when the time, computer, record id or target user is missing. Pure; never throws.
 * The id is `ad.security:<computer lower-case>:<record id>`, equal for the same event in any shape.
 */
export function classifyWindowsSecurity(rec: WindowsSecurityRecord, ctx: ParseContext, format: string, names: FieldNames): ParseResult {
  if (rec.channel !== undefined && rec.channel.trim().toLowerCase() !== SECURITY_CHANNEL) return skipped(`channel ${rec.channel} is not Security`);
  if (rec.provider !== undefined && rec.provider.trim().toLowerCase() !== SECURITY_PROVIDER) return skipped(`provider ${rec.provider} is not Security-Auditing`);
  if (!(WINDOWS_SECURITY_EVENT_IDS as readonly number[]).includes(rec.eventId)) return skipped(`event id ${rec.eventId} is not used`);

  const timestamp = toIsoTime(rec.time);
  if (timestamp === undefined) return rejected('missing-field', `missing or unparseable event time (${names.time})`);
  const computer = rec.computer?.trim().toLowerCase();
  if (!computer) return rejected('missing-field', `missing computer name (${names.computer})`);
  const recordId = rec.recordId?.trim();
  if (!recordId) return rejected('missing-field', `missing event record id (${names.recordId})`);
  // A collector that could not render the event (NXLog's ERROR_EVT_UNRESOLVED) may leave only the target's SID.
  const targetSid = field(rec.data, 'TargetSid') ?? field(rec.data, 'TargetUserSid');
  const bySid = targetSid !== undefined && targetSid !== 'S-1-0-0' && /^S-1-\d+(-\d+)+$/i.test(targetSid);
  const targetName = field(rec.data, 'TargetUserName') ?? (bySid ? targetSid : undefined);
  if (targetName === undefined) return rejected('missing-field', `event ${rec.eventId} has no target user (${names.data}TargetUserName)`);
  if (SIGNIN_EVENTS.has(rec.eventId) && targetName.endsWith('$')) return skipped(`event ${rec.eventId} for computer account ${targetName}`);

  const user = targetUser(rec.data, rec.eventId, targetName);
  const mapped = mapEvent(rec, user);
  const tags = [...(mapped.tags ?? []), ...(rec.tags ?? []), ...(targetName === targetSid ? ['target-by-sid'] : [])];
  const event: SsprEvent = {
    id: `ad.security:${computer}:${recordId}`,
    timestamp,
    dataset: 'ad.security',
    ...mapped,
    ...(tags.length > 0 ? { tags } : {}),
    user,
    host: computer,
    raw: { format, ref: ctx.ref },
  };
  return { kind: 'event', event };
}
