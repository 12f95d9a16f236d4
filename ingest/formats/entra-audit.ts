import type { Action, Actor, AuthMethod, Outcome, SsprEvent, SsprStep, UserRef } from '../../core/event.ts';
import { rejected, skipped, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import {
  asArray,
  asRecord,
  classifyAuthMethod,
  defined,
  firstTime,
  isParseResult,
  nestedColumns,
  text,
  userRef,
  type Rec,
} from './entra-common.ts';

/**
 * Parsers for Microsoft Entra audit logs (directoryAudit) in their three export shapes: Log Analytics
 * `AuditLogs` rows, Microsoft Graph `/auditLogs/directoryAudits` objects and diagnostic-settings records
 * (Event Hub / Storage, category "AuditLogs"). Each shape is reduced to an `AuditView`; one mapper turns the
 * view into an SsprEvent, so the same record yields the same event in every shape.
 */

/** An audit record reduced to the fields we map, whatever the export shape. */
interface AuditView {
  id?: string;
  time?: string;
  activity?: string;
  service?: string;
  result?: unknown;
  reason?: string;
  initiatedBy?: Rec;
  targets: unknown[];
  correlationId?: string;
  /** Diagnostic export only: the top-level callerIpAddress. */
  callerIp?: string;
  /** Field names of this shape, for rejection messages. */
  fields: { id: string; time: string; activity: string };
}

/** How the actor of an activity is read: the user themself, an admin/app reset, or a password change. */
type ActorRule = 'self' | 'reset' | 'change';

interface ActivityRule {
  action: Action;
  actor: ActorRule;
  outcome?: Outcome;
}

/**
 * The audit activities we map, keyed by lower-cased activityDisplayName / OperationName. SSPR names from
 * "Self-Service Password Management activity types" (learn.microsoft.com/entra/identity/authentication/
 * howto-sspr-reporting); registration names from "Troubleshooting combined security information
 * registration" (.../howto-registration-mfa-sspr-combined-troubleshoot); "Reset user password" and "Change
 * user password" are Core Directory activities (audit activity reference, .../reference-audit-activities).
 */
const ACTIVITIES: ReadonlyMap<string, ActivityRule> = new Map<string, ActivityRule>([
  ['reset password (self-service)', { action: 'sspr.reset', actor: 'self' }],
  ['self-service password reset flow activity progress', { action: 'sspr.progress', actor: 'self' }],
  ['unlock user account (self-service)', { action: 'sspr.unlock', actor: 'self' }],
  ['change password (self-service)', { action: 'sspr.change', actor: 'self' }],
  // "a user tried to reset a password, use a specific gate, or validate a phone number more than five total
  // times in 24 hours" (howto-sspr-reporting); logged with status Success, so the outcome is fixed.
  ['blocked from self-service password reset', { action: 'sspr.reset', actor: 'self', outcome: 'blocked' }],
  ['user started security info registration', { action: 'registration.started', actor: 'self' }],
  ['user registered security info', { action: 'registration.added', actor: 'self' }],
  ['user changed default security info', { action: 'registration.changed', actor: 'self' }],
  ['user deleted security info', { action: 'registration.removed', actor: 'self' }],
  ['user registered all required security info', { action: 'registration.completed', actor: 'self' }],
  // The pre-combined-registration name of the same milestone (howto-sspr-reporting, 2017-2019 revisions).
  ['user registered for self-service password reset', { action: 'registration.completed', actor: 'self' }],
  ['reset password (by admin)', { action: 'password.reset', actor: 'reset' }],
  ['reset user password', { action: 'password.reset', actor: 'reset' }],
  ['change user password', { action: 'password.change', actor: 'change' }],
]);

/**
 * SSPR flow steps from the ResultReason of "Self-service password reset flow activity progress", first match
 * wins. Texts: the "Allowed values for details column" table of the SSPR activity report ("User abandoned
 * after ...", "... too many times and is blocked for 24 hours", "User cancelled before ...", "User contacted
 * an admin after ...", "Password reset is not enabled for this user", "User successfully reset password";
 * active-directory-passwords-get-insights / howto-sspr-reporting) and the step texts tenants log today
 * ("User submitted their user ID", "User was presented with verification options", "User started the mobile
 * SMS verification", "User completed the mobile SMS verification", "User completed all verification steps
 * required", "User submitted a new password"). Wording varies, so the rules match on key phrases.
 */
const STEP_RULES: ReadonlyArray<readonly [RegExp, SsprStep]> = [
  [/too many|blocked|throttl/, 'blocked'],
  // Cancelling and contacting an admin both end the flow without a reset: the report's "Cancelled" and
  // "Contacted admin" results fold into abandoned.
  [/abandon|cancel|contacted an admin/, 'abandoned'],
  [/successfully reset|successfully completed reset|password reset (was )?successful/, 'succeeded'],
  [/submitted (a |the |their )?new password/, 'passwordSubmitted'],
  [/submitted (their|the|a) user ?id/, 'userIdSubmitted'],
  [/started the (password )?reset process|started (a )?password reset/, 'started'],
  [/incorrect|invalid|wrong|did not match|failed (the )?verification|verification failed/, 'verificationFailed'],
  [/completed (all|the|both)? ?.*verification|passed .*verification|verification (succeeded|completed)/, 'verified'],
  [/started the .*verification|presented with verification|selected .*verification/, 'verificationStarted'],
  [/not enabled|license|insufficient|not a member|managed on-premises|could not reach|problem|disabled|cookies|error/, 'failed'],
];

/** The SSPR step a flow-progress ResultReason describes; `other` for texts we do not recognise. */
export function classifySsprStep(reason: string | undefined): SsprStep {
  const lower = (reason ?? '').toLowerCase();
  return STEP_RULES.find(([pattern]) => pattern.test(lower))?.[1] ?? 'other';
}

/**
 * Entra Connect password hash sync writes as its directory synchronization account `Sync_<server>_<id>@<tenant>`
 * and `MSOL_` / `AAD_` are its AD DS connector accounts (learn.microsoft.com/entra/identity/hybrid/connect/
 * reference-connect-accounts-permissions); Entra Cloud Sync uses `ADToAADSyncServiceAccount@<tenant>`
 * (.../hybrid/cloud-sync/concept-gmsa-details).
 */
const SYNC_ACCOUNT = /^(sync_|msol_|aad_|adtoaadsyncserviceaccount@)/i;
/** App display names of the sync engines: "Microsoft Azure AD Connect", "Microsoft Entra Connect", "... AD Synchronization". */
const SYNC_APP = /(azure ad|azure active directory|entra|aad) ?connect|ad synchroni[sz]ation|cloud sync/i;

/** Outcome from the operationResult: success, failure, timeout (Graph) or its ordinal (diagnostic export, 0 = success). */
function outcomeOf(result: unknown): Outcome {
  const value = text(result)?.toLowerCase();
  if (value === 'success' || value === '0') return 'success';
  if (value === 'failure' || value === 'timeout' || value === '1' || value === '2') return 'failure';
  return 'unknown';
}

/** The TargetResources entry of type User. */
function userTarget(targets: unknown[]): Rec | undefined {
  return targets.map(asRecord).find((t) => text(t?.type)?.toLowerCase() === 'user');
}

/** Who acted, and whether it was a directory sync engine (the cloud echo of an on-prem password change). */
function actorOf(rule: ActorRule, initiatedBy: Rec | undefined, target: UserRef): { actor: Actor; sync: boolean } {
  const user = asRecord(initiatedBy?.user);
  const app = asRecord(initiatedBy?.app);
  const name = userRef(text(user?.userPrincipalName), undefined)?.name;
  const appName = text(app?.displayName);
  const sync = (name !== undefined && SYNC_ACCOUNT.test(name)) || (appName !== undefined && SYNC_APP.test(appName));
  const person = defined({ name, id: text(user?.id), app: appName });
  if (sync && rule !== 'self') return { actor: { kind: 'sync', ...person }, sync };
  if (rule === 'reset') {
    if (name !== undefined) return { actor: { kind: 'admin', ...person }, sync };
    const service = defined({ id: text(app?.servicePrincipalId) ?? text(app?.appId), app: appName });
    return { actor: { kind: appName !== undefined ? 'service' : 'unknown', ...service }, sync };
  }
  return { actor: defined({ kind: 'self' as const, ...person, name: name ?? target.name, id: text(user?.id) ?? target.id }), sync };
}

/** Maps one audit view to an event, a skip, or a rejection. */
function mapAudit(view: AuditView, format: string, ctx: ParseContext): ParseResult {
  if (view.activity === undefined) return rejected('missing-field', `missing field ${view.fields.activity}`);
  const rule = ACTIVITIES.get(view.activity.toLowerCase());
  if (rule === undefined) return skipped(`audit activity "${view.activity}" is not an SSPR, registration or password activity`);
  if (view.id === undefined) return rejected('missing-field', `missing field ${view.fields.id}`);
  if (view.time === undefined) return rejected('missing-field', `missing or unparseable field ${view.fields.time}`);

  const target = userTarget(view.targets);
  const initiator = asRecord(view.initiatedBy?.user);
  // Self-service activities sometimes carry no User target; the initiating user is then the target.
  const user =
    userRef(text(target?.userPrincipalName), text(target?.id)) ??
    (rule.actor === 'self' ? userRef(text(initiator?.userPrincipalName), text(initiator?.id)) : undefined);
  if (user === undefined) return rejected('missing-field', 'missing field TargetResources[type=User].userPrincipalName');

  const { actor, sync } = actorOf(rule.actor, view.initiatedBy, user);
  const ip = text(initiator?.ipAddress) ?? view.callerIp;
  const progress = rule.action === 'sspr.progress';
  const namesMethod = progress || rule.action.startsWith('registration.');
  const authMethod: AuthMethod | undefined = namesMethod ? classifyAuthMethod(view.reason) : undefined;
  const event: SsprEvent = defined({
    id: `entra.audit:${view.id}`,
    timestamp: view.time,
    dataset: 'entra.audit' as const,
    action: rule.action,
    outcome: rule.outcome ?? outcomeOf(view.result),
    reason: view.reason,
    user,
    actor,
    source: ip !== undefined ? { ip } : undefined,
    authMethod,
    ssprStep: progress ? classifySsprStep(view.reason) : undefined,
    correlationId: view.correlationId,
    host: view.service,
    app: actor.app,
    tags: rule.action === 'password.change' && sync ? ['phs-echo'] : undefined,
    raw: { format, ref: ctx.ref },
  });
  return { kind: 'event', event };
}

/** Reads InitiatedBy / TargetResources whether they arrive as objects or JSON text. */
function nestedParts(record: Rec, initiated: string, targets: string): { initiatedBy?: Rec; targets: unknown[] } | ParseResult {
  const columns = nestedColumns(record, [initiated, targets]);
  if (!columns.ok) return columns.result;
  return { initiatedBy: asRecord(columns.values[initiated]), targets: asArray(columns.values[targets]) };
}

function laView(r: Rec): AuditView | ParseResult {
  const parts = nestedParts(r, 'InitiatedBy', 'TargetResources');
  if (isParseResult(parts)) return parts;
  return {
    ...parts,
    id: text(r.Id),
    time: firstTime(r.ActivityDateTime, r.TimeGenerated),
    activity: text(r.ActivityDisplayName) ?? text(r.OperationName),
    service: text(r.LoggedByService),
    result: r.Result,
    reason: text(r.ResultReason) ?? text(r.ResultDescription),
    correlationId: text(r.CorrelationId),
    fields: { id: 'Id', time: 'ActivityDateTime/TimeGenerated', activity: 'ActivityDisplayName/OperationName' },
  };
}

function graphView(r: Rec): AuditView | ParseResult {
  const parts = nestedParts(r, 'initiatedBy', 'targetResources');
  if (isParseResult(parts)) return parts;
  return {
    ...parts,
    id: text(r.id),
    time: firstTime(r.activityDateTime),
    activity: text(r.activityDisplayName),
    service: text(r.loggedByService),
    result: r.result,
    reason: text(r.resultReason),
    correlationId: text(r.correlationId),
    fields: { id: 'id', time: 'activityDateTime', activity: 'activityDisplayName' },
  };
}

function diagView(r: Rec): AuditView | ParseResult {
  const outer = nestedColumns(r, ['properties']);
  if (!outer.ok) return outer.result;
  const p = asRecord(outer.values.properties);
  if (p === undefined) return rejected('missing-field', 'missing field properties');
  const inner = graphView(p);
  if (isParseResult(inner)) return inner;
  return {
    ...inner,
    time: inner.time ?? firstTime(r.time),
    activity: inner.activity ?? text(r.operationName),
    result: inner.result ?? r.resultType,
    reason: inner.reason ?? text(r.resultDescription),
    correlationId: inner.correlationId ?? text(r.correlationId),
    callerIp: text(r.callerIpAddress),
    fields: { id: 'properties.id', time: 'properties.activityDateTime/time', activity: 'properties.activityDisplayName' },
  };
}

/** Builds a RecordFormat from a cheap shape test and a view builder. */
function auditFormat(id: string, matches: (r: Rec) => boolean, view: (r: Rec) => AuditView | ParseResult): RecordFormat {
  return {
    id,
    dataset: 'entra.audit',
    matches,
    parse(record, ctx) {
      const v = view(record);
      return isParseResult(v) ? v : mapAudit(v, id, ctx);
    },
  };
}

const hasLaAuditColumns = (r: Rec): boolean =>
  'InitiatedBy' in r && 'TargetResources' in r && ('OperationName' in r || 'ActivityDisplayName' in r);

/**
 * The three Entra audit-log shapes, ids `entra-audit-la` (Log Analytics AuditLogs rows, PascalCase, nested
 * columns as objects or JSON text), `entra-audit-graph` (Graph directoryAudit) and `entra-audit-diag`
 * (diagnostic-settings record with category "AuditLogs", envelope already unwrapped). `matches` tests keys
 * only and the three are mutually exclusive, and exclusive with the sign-in formats. SSPR, security-info
 * registration and password reset/change activities become events; other activities are `skipped`.
 */
export const entraAuditFormats: RecordFormat[] = [
  auditFormat(
    'entra-audit-la',
    (r) => r.Type === 'AuditLogs' || ((typeof r.Type !== 'string' || r.Type === '') && hasLaAuditColumns(r)),
    laView,
  ),
  auditFormat(
    'entra-audit-graph',
    (r) => typeof r.activityDisplayName === 'string' && 'activityDateTime' in r && !('properties' in r),
    graphView,
  ),
  auditFormat('entra-audit-diag', (r) => r.category === 'AuditLogs' && 'properties' in r, diagView),
];
