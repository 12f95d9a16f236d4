import type { Action, AuthMethod, MfaResult, SsprEvent } from '../../core/event.ts';
import { rejected, skipped, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import {
  asArray,
  asRecord,
  bool,
  classifyAuthMethod,
  classifyMfaResult,
  defined,
  firstTime,
  geoFrom,
  isParseResult,
  MFA_DENIAL_TEXT,
  MFA_NOT_PERFORMED,
  nestedColumns,
  text,
  userRef,
  type Rec,
} from './entra-common.ts';

/**
 * Parsers for Microsoft Entra user sign-in logs in their three export shapes: Log Analytics `SigninLogs` /
 * `AADNonInteractiveUserSignInLogs` rows, Microsoft Graph `/auditLogs/signIns` objects and diagnostic-settings
 * records (categories SignInLogs / NonInteractiveUserSignInLogs). Each shape is reduced to a `SigninView`;
 * one mapper turns it into an SsprEvent. Service-principal and managed-identity sign-ins are skipped.
 */

type Principal = 'user' | 'servicePrincipal' | 'managedIdentity';

/** A sign-in record reduced to the fields we map, whatever the export shape. */
interface SigninView {
  principal: Principal;
  id?: string;
  time?: string;
  upn?: string;
  userId?: string;
  app?: string;
  ip?: string;
  location?: unknown;
  country?: string;
  status?: Rec;
  resultType?: string;
  resultDescription?: string;
  authDetails: unknown[];
  mfaDetail?: Rec;
  deviceDetail?: Rec;
  correlationId?: string;
  originalRequestId?: string;
  interactive: boolean;
  /** Field names of this shape, for rejection messages. */
  fields: { id: string; time: string; user: string; result: string };
}

/**
 * Result codes of a failed MFA challenge (learn.microsoft.com/entra/identity-platform/reference-error-codes):
 * 500121 "Authentication failed during strong authentication request" (also what a fraud report returns,
 * github.com/MicrosoftDocs/entra-docs/issues/72), 50088 "Limit on telecom MFA calls reached", 50158
 * "External security challenge not satisfied".
 */
const MFA_FAILURE_CODES: ReadonlySet<string> = new Set(['500121', '50088', '50158']);

/**
 * Interrupts: the sign-in stopped to ask for more, not a wrong credential (reference-error-codes): 50072
 * UserStrongAuthEnrollmentRequiredInterrupt, 50074 UserStrongAuthClientAuthNRequiredInterrupt, 50076
 * UserStrongAuthClientAuthNRequired, 50079 UserStrongAuthEnrollmentRequired, 50125
 * PasswordResetRegistrationRequiredInterrupt, 50140 KmsiInterrupt, 50199 CmsiInterrupt.
 */
const INTERRUPT_CODES: ReadonlySet<string> = new Set(['50072', '50074', '50076', '50079', '50125', '50140', '50199']);

function steps(view: SigninView): Rec[] {
  return view.authDetails.map(asRecord).filter((s): s is Rec => s !== undefined);
}

/** The method of an MFA step actually performed and passed in this sign-in, if any. */
function performedMfa(view: SigninView): AuthMethod | undefined {
  for (const step of steps(view)) {
    const method = text(step.authenticationMethod);
    const detail = `${method ?? ''} ${text(step.authenticationStepResultDetail) ?? ''}`;
    if (bool(step.succeeded) !== true || MFA_NOT_PERFORMED.test(detail)) continue;
    const classified = classifyAuthMethod(method);
    if (classified !== undefined) return classified;
  }
  const method = text(view.mfaDetail?.authMethod);
  if (method === undefined || MFA_NOT_PERFORMED.test(`${method} ${text(view.mfaDetail?.authDetail) ?? ''}`)) return undefined;
  return classifyAuthMethod(method) ?? 'other';
}

/** The method of the failed MFA step, from authenticationDetails or MfaDetail. */
function failedMfaMethod(view: SigninView): AuthMethod | undefined {
  const failed = steps(view).filter((s) => bool(s.succeeded) === false);
  for (const step of failed) {
    const method = classifyAuthMethod(text(step.authenticationMethod));
    if (method !== undefined) return method;
  }
  return classifyAuthMethod(text(view.mfaDetail?.authMethod));
}

/** Maps one sign-in view to an event, a skip, or a rejection. */
function mapSignin(view: SigninView, format: string, ctx: ParseContext): ParseResult {
  if (view.principal !== 'user') return skipped(`${view.principal} sign-in: only user sign-ins are used`);
  if (view.id === undefined) return rejected('missing-field', `missing field ${view.fields.id}`);
  if (view.time === undefined) return rejected('missing-field', `missing or unparseable field ${view.fields.time}`);
  const user = userRef(view.upn, view.userId);
  if (user === undefined) return rejected('missing-field', `missing field ${view.fields.user}`);
  const code = view.resultType ?? text(view.status?.errorCode);
  if (code === undefined) return rejected('missing-field', `missing field ${view.fields.result}`);

  const additional = text(view.status?.additionalDetails);
  const failureReason = text(view.status?.failureReason) ?? view.resultDescription;
  const stepTexts = steps(view)
    .filter((s) => bool(s.succeeded) === false)
    .map((s) => text(s.authenticationStepResultDetail));
  const mfaTexts = [additional, text(view.mfaDetail?.authDetail), ...stepTexts];
  const isMfaFailure =
    MFA_FAILURE_CODES.has(code) || (code !== '0' && !INTERRUPT_CODES.has(code) && mfaTexts.some((t) => t !== undefined && MFA_DENIAL_TEXT.test(t)));

  let action: Action = 'signin';
  let mfaResult: MfaResult | undefined;
  let authMethod: AuthMethod | undefined;
  let reason: string | undefined;
  if (code === '0') {
    authMethod = performedMfa(view);
    mfaResult = authMethod !== undefined ? 'approved' : undefined;
  } else if (isMfaFailure) {
    action = 'mfa.challenge';
    mfaResult = classifyMfaResult([...mfaTexts, failureReason]);
    authMethod = failedMfaMethod(view);
    reason = additional ?? mfaTexts.find((t) => t !== undefined) ?? failureReason;
  } else {
    reason = failureReason;
  }

  const geo = geoFrom(view.location, view.country);
  const tags = [view.interactive ? 'interactive' : 'noninteractive'];
  if (INTERRUPT_CODES.has(code)) tags.push('interrupt');
  const event: SsprEvent = defined({
    id: `entra.signin:${view.id}`,
    timestamp: view.time,
    dataset: 'entra.signin' as const,
    action,
    outcome: code === '0' ? ('success' as const) : ('failure' as const),
    reason,
    resultCode: code,
    user,
    actor: defined({ kind: 'self' as const, name: user.name, id: user.id }),
    source: view.ip !== undefined || geo !== undefined ? defined({ ip: view.ip, geo }) : undefined,
    authMethod,
    mfaResult,
    correlationId: view.correlationId,
    // The first request of the flow: every retry of the same push shares it; a lone request is its own id.
    requestId: view.originalRequestId ?? view.id,
    device: text(view.deviceDetail?.displayName),
    app: view.app,
    tags,
    raw: { format, ref: ctx.ref },
  });
  return { kind: 'event', event };
}

/** Which principal a table, diagnostic category or signInEventTypes entry is about. */
function principalOf(...labels: ReadonlyArray<string | undefined>): Principal {
  const joined = labels.join(' ').toLowerCase();
  if (joined.includes('serviceprincipal')) return 'servicePrincipal';
  if (joined.includes('managedidentity')) return 'managedIdentity';
  return 'user';
}

const NESTED_LA = ['Status', 'LocationDetails', 'AuthenticationDetails', 'MfaDetail', 'DeviceDetail'] as const;
const NESTED_GRAPH = ['status', 'location', 'authenticationDetails', 'mfaDetail', 'deviceDetail'] as const;

function laView(r: Rec): SigninView | ParseResult {
  const n = nestedColumns(r, NESTED_LA);
  if (!n.ok) return n.result;
  const table = text(r.Type) ?? text(r.Category);
  return {
    principal: principalOf(table),
    id: text(r.Id),
    time: firstTime(r.CreatedDateTime, r.TimeGenerated),
    upn: text(r.UserPrincipalName),
    userId: text(r.UserId),
    app: text(r.AppDisplayName),
    ip: text(r.IPAddress),
    location: n.values.LocationDetails,
    country: text(r.Location),
    status: asRecord(n.values.Status),
    resultType: text(r.ResultType),
    resultDescription: text(r.ResultDescription),
    authDetails: asArray(n.values.AuthenticationDetails),
    mfaDetail: asRecord(n.values.MfaDetail),
    deviceDetail: asRecord(n.values.DeviceDetail),
    correlationId: text(r.CorrelationId),
    originalRequestId: text(r.OriginalRequestId),
    interactive: bool(r.IsInteractive) ?? !/noninteractive/i.test(table ?? ''),
    fields: { id: 'Id', time: 'CreatedDateTime/TimeGenerated', user: 'UserPrincipalName', result: 'ResultType' },
  };
}

function graphView(r: Rec): SigninView | ParseResult {
  const n = nestedColumns(r, NESTED_GRAPH);
  if (!n.ok) return n.result;
  const eventTypes = asArray(r.signInEventTypes).map(text);
  return {
    principal: principalOf(...eventTypes),
    id: text(r.id),
    time: firstTime(r.createdDateTime),
    upn: text(r.userPrincipalName),
    userId: text(r.userId),
    app: text(r.appDisplayName),
    ip: text(r.ipAddress),
    location: n.values.location,
    status: asRecord(n.values.status),
    authDetails: asArray(n.values.authenticationDetails),
    mfaDetail: asRecord(n.values.mfaDetail),
    deviceDetail: asRecord(n.values.deviceDetail),
    correlationId: text(r.correlationId),
    originalRequestId: text(r.originalRequestId),
    // v1.0 /auditLogs/signIns lists interactive user sign-ins only; beta adds isInteractive / signInEventTypes.
    interactive: bool(r.isInteractive) ?? !eventTypes.includes('nonInteractiveUser'),
    fields: { id: 'id', time: 'createdDateTime', user: 'userPrincipalName', result: 'status.errorCode' },
  };
}

function diagView(r: Rec): SigninView | ParseResult {
  const outer = nestedColumns(r, ['properties']);
  if (!outer.ok) return outer.result;
  const p = asRecord(outer.values.properties);
  if (p === undefined) return rejected('missing-field', 'missing field properties');
  const inner = graphView(p);
  if (isParseResult(inner)) return inner;
  const category = text(r.category);
  return {
    ...inner,
    principal: principalOf(category),
    time: inner.time ?? firstTime(r.time),
    ip: inner.ip ?? text(r.callerIpAddress),
    country: text(r.location),
    resultType: text(inner.status?.errorCode) ?? text(r.resultType),
    resultDescription: text(r.resultDescription),
    correlationId: inner.correlationId ?? text(r.correlationId),
    interactive: bool(p.isInteractive) ?? category !== 'NonInteractiveUserSignInLogs',
    fields: { id: 'properties.id', time: 'properties.createdDateTime/time', user: 'properties.userPrincipalName', result: 'properties.status.errorCode/resultType' },
  };
}

/** Log Analytics sign-in tables and their diagnostic-settings categories. */
const LA_TABLES = /^(SigninLogs|AAD(NonInteractiveUser|ServicePrincipal|ManagedIdentity)SignInLogs)$/;
const DIAG_CATEGORIES: ReadonlySet<string> = new Set([
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
]);

/** Builds a RecordFormat from a cheap shape test and a view builder. */
function signinFormat(id: string, matches: (r: Rec) => boolean, view: (r: Rec) => SigninView | ParseResult): RecordFormat {
  return {
    id,
    dataset: 'entra.signin',
    matches,
    parse(record, ctx) {
      const v = view(record);
      return isParseResult(v) ? v : mapSignin(v, id, ctx);
    },
  };
}

/**
 * The three Entra sign-in shapes, ids `entra-signin-la` (SigninLogs / AADNonInteractiveUserSignInLogs rows,
 * ResultType as text or number, nested columns as objects or JSON text), `entra-signin-graph` (Graph signIn)
 * and `entra-signin-diag` (diagnostic-settings record, envelope already unwrapped). `matches` tests keys only;
 * the three are mutually exclusive and exclusive with the audit formats. Successes become `signin` (with
 * `mfaResult: approved` when an MFA step was performed), MFA denials `mfa.challenge`, other failures `signin`
 * failures; service-principal and managed-identity sign-ins are `skipped`.
 */
export const entraSigninFormats: RecordFormat[] = [
  signinFormat(
    'entra-signin-la',
    (r) =>
      // An empty Type (a CSV export's blank column) says nothing: judge by the columns then.
      typeof r.Type === 'string' && r.Type !== ''
        ? LA_TABLES.test(r.Type)
        : 'ResultType' in r && 'UserPrincipalName' in r && !('InitiatedBy' in r) && !('properties' in r),
    laView,
  ),
  signinFormat(
    'entra-signin-graph',
    (r) => 'createdDateTime' in r && 'status' in r && !('properties' in r) && !('activityDisplayName' in r),
    graphView,
  ),
  signinFormat('entra-signin-diag', (r) => typeof r.category === 'string' && DIAG_CATEGORIES.has(r.category) && 'properties' in r, diagView),
];
