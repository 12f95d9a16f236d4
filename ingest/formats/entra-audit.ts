import type { Actor, AuthMethod, Outcome, SsprEvent, UserRef } from '../../core/event.ts';
import { rejected, skipped, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import { ACTIVITIES, classifySsprStep, type ActivityRule, type ActorRule } from './entra-audit-activities.ts';
import { strongAuthChange } from './entra-audit-mfa.ts';
import { isUpn } from './field-checks.ts';
import {
  asArray,
  asRecord,
  checkedIp,
  checkedUser,
  classifyAuthMethod,
  defined,
  diagProperties,
  firstTime,
  isParseResult,
  nestedColumns,
  text,
  userRef,
  type Rec,
} from './entra-common.ts';

export { classifySsprStep } from './entra-audit-activities.ts';

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
  /** A record of the 2018 preview diagnostic schema (category `Audit`): it carries no record id. */
  preview?: boolean;
  /** Field names of this shape, for rejection messages. */
  fields: { id: string; time: string; activity: string };
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
function actorOf(rule: ActorRule, initiatedBy: Rec | undefined, target: UserRef, tags: string[]): { actor: Actor; sync: boolean } {
  const user = asRecord(initiatedBy?.user);
  const app = asRecord(initiatedBy?.app);
  const upn = text(user?.userPrincipalName);
  // An initiator name that is no UPN (a placeholder) is dropped from the actor, not taken as a name.
  if (upn !== undefined && !isUpn(upn)) tags.push('invalid-actor-upn');
  const name = upn !== undefined && isUpn(upn) ? userRef(upn, undefined)?.name : undefined;
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

/** The activity rule, with an "Update user" that changes MFA methods read as an operator's method change. */
function ruleOf(view: AuditView, activity: string): { rule: ActivityRule; reason?: string; authMethod?: AuthMethod } | ParseResult {
  const rule = ACTIVITIES.get(activity.toLowerCase());
  if (rule !== undefined) return { rule };
  const notUsed = skipped(`audit activity "${activity}" is not an SSPR, registration or password activity`);
  if (activity.toLowerCase() !== 'update user') return notUsed;
  const target = view.targets.map(asRecord).find((t) => text(t?.type)?.toLowerCase() === 'user');
  const change = strongAuthChange(view.targets, view.initiatedBy, text(target?.userPrincipalName));
  if (change === undefined) return notUsed;
  if ('skip' in change) return skipped(change.skip);
  return { rule: { action: change.action, actor: 'reset' }, reason: change.reason, ...(change.authMethod ? { authMethod: change.authMethod } : {}) };
}

/** Maps one audit view to an event, a skip, or a rejection. */
function mapAudit(view: AuditView, format: string, ctx: ParseContext): ParseResult {
  if (view.activity === undefined) return rejected('missing-field', `missing field ${view.fields.activity}`);
  const found = ruleOf(view, view.activity);
  if (isParseResult(found)) return found;
  const { rule } = found;
  if (view.id === undefined) {
    const preview = view.preview ? ' (a record of the 2018 preview schema, category "Audit": it has no record id to deduplicate by)' : '';
    return rejected('missing-field', `missing field ${view.fields.id}${preview}`);
  }
  if (view.time === undefined) return rejected('missing-field', `missing or unparseable field ${view.fields.time}`);

  const tags: string[] = [];
  const target = userTarget(view.targets);
  const initiator = asRecord(view.initiatedBy?.user);
  // Self-service activities sometimes carry no User target; the initiating user is then the target.
  const user =
    checkedUser(text(target?.userPrincipalName), text(target?.id), tags) ??
    (rule.actor === 'self' ? checkedUser(text(initiator?.userPrincipalName), text(initiator?.id), tags) : undefined);
  if (user === undefined) return rejected('missing-field', 'missing field TargetResources[type=User].userPrincipalName');
  if ('problem' in user) return rejected('bad-value', `the target user's userPrincipalName ${user.problem}`);

  const { actor, sync } = actorOf(rule.actor, view.initiatedBy, user, tags);
  const ip = checkedIp([text(initiator?.ipAddress), view.callerIp], tags);
  const progress = rule.action === 'sspr.progress';
  const namesMethod = progress || rule.action.startsWith('registration.');
  const reason = found.reason ?? view.reason;
  const authMethod: AuthMethod | undefined = found.authMethod ?? (namesMethod ? classifyAuthMethod(reason) : undefined);
  if (rule.action === 'password.change' && sync) tags.push('phs-echo');
  if (found.reason !== undefined) tags.push('operator-method-change');
  const event: SsprEvent = defined({
    id: `entra.audit:${view.id}`,
    timestamp: view.time,
    dataset: 'entra.audit' as const,
    action: rule.action,
    outcome: rule.outcome ?? outcomeOf(view.result),
    reason,
    user,
    actor,
    source: ip !== undefined ? { ip } : undefined,
    authMethod,
    ssprStep: progress ? classifySsprStep(view.reason) : undefined,
    correlationId: view.correlationId,
    host: view.service,
    app: actor.app,
    tags: tags.length > 0 ? tags : undefined,
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
  const props = diagProperties(r);
  if (!props.ok) return props.result;
  const p = props.properties;
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
    preview: r.category === 'Audit',
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

/** The AuditLogs columns every row has, whatever a query did to `Type` (AuditLogs table reference, Azure Monitor). */
const hasLaAuditColumns = (r: Rec): boolean =>
  'InitiatedBy' in r && 'TargetResources' in r && ('OperationName' in r || 'ActivityDisplayName' in r) && ('LoggedByService' in r || 'ActivityDateTime' in r || 'Id' in r);

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
    // By the table name, else by the columns: query output often projects `Type` or overwrites it, and a CSV
    // export's blank `Type` column says nothing.
    (r) => r.Type === 'AuditLogs' || hasLaAuditColumns(r),
    laView,
  ),
  auditFormat(
    'entra-audit-graph',
    (r) => typeof r.activityDisplayName === 'string' && 'activityDateTime' in r && !('properties' in r),
    graphView,
  ),
  auditFormat('entra-audit-diag', (r) => (r.category === 'AuditLogs' || r.category === 'Audit') && 'properties' in r, diagView),
];
