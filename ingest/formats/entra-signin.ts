import type { Action, AuthMethod, MfaResult, SsprEvent } from '../../core/event.ts';
import { rejected, skipped, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import {
  asRecord,
  bool,
  checkedIp,
  checkedUser,
  classifyAuthMethod,
  classifyMfaResult,
  defined,
  geoFrom,
  isParseResult,
  MFA_DENIAL_TEXT,
  MFA_NOT_PERFORMED,
  text,
  type Rec,
} from './entra-common.ts';
import { diagView, graphView, laView, type SigninView } from './entra-signin-views.ts';

/**
 * Parsers for Microsoft Entra user sign-in logs in their three export shapes: Log Analytics `SigninLogs` /
 * `AADNonInteractiveUserSignInLogs` rows, Microsoft Graph `/auditLogs/signIns` objects and diagnostic-settings
 * records (categories SignInLogs / NonInteractiveUserSignInLogs). Each shape is reduced to a `SigninView`;
 * one mapper turns it into an SsprEvent. Service-principal and managed-identity sign-ins are skipped.
 */

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

/**
 * The sign-in's result code as text, `"0"` for success. Graph omits `status.errorCode` on a success (its own
 * "List signIns" example 2 has `"status": {}`), so an absent code under a present status object is a success;
 * exporters that write the result as a word (`"Success"`, `"Failure"`) get `"0"` and no code. Undefined only
 * when the record says nothing about its result.
 */
function resultCode(view: SigninView): { code: string | undefined; failed: boolean } | undefined {
  const raw = view.resultType ?? text(view.status?.errorCode);
  if (raw === undefined) return view.status !== undefined ? { code: '0', failed: false } : undefined;
  if (/^succe(ss|eded)$/i.test(raw)) return { code: '0', failed: false };
  if (/^fail(ure|ed)$/i.test(raw)) return { code: undefined, failed: true };
  return { code: raw, failed: raw !== '0' };
}

/** Maps one sign-in view to an event, a skip, or a rejection. */
function mapSignin(view: SigninView, format: string, ctx: ParseContext): ParseResult {
  if (view.principal !== 'user') return skipped(`${view.principal} sign-in: only user sign-ins are used`);
  if (view.id === undefined) return rejected('missing-field', `missing field ${view.fields.id}`);
  if (view.time === undefined) return rejected('missing-field', `missing or unparseable field ${view.fields.time}`);
  const tags = [view.interactive ? 'interactive' : 'noninteractive'];
  const user = checkedUser(view.upn, view.userId, tags);
  if (user === undefined) return rejected('missing-field', `missing field ${view.fields.user}`);
  if ('problem' in user) return rejected('bad-value', `${view.fields.user} ${user.problem}`);
  const result = resultCode(view);
  if (result === undefined) return rejected('missing-field', `missing field ${view.fields.result}`);
  const code = result.code;

  const additional = text(view.status?.additionalDetails);
  const failureReason = text(view.status?.failureReason) ?? view.resultDescription;
  const stepTexts = steps(view)
    .filter((s) => bool(s.succeeded) === false)
    .map((s) => text(s.authenticationStepResultDetail));
  const mfaTexts = [additional, text(view.mfaDetail?.authDetail), ...stepTexts];
  const interrupt = code !== undefined && INTERRUPT_CODES.has(code);
  const isMfaFailure =
    (code !== undefined && MFA_FAILURE_CODES.has(code)) || (result.failed && !interrupt && mfaTexts.some((t) => t !== undefined && MFA_DENIAL_TEXT.test(t)));

  let action: Action = 'signin';
  let mfaResult: MfaResult | undefined;
  let authMethod: AuthMethod | undefined;
  let reason: string | undefined;
  if (!result.failed) {
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
  const ip = checkedIp(view.ips, tags);
  if (interrupt) tags.push('interrupt');
  if (view.adfs) tags.push('adfs');
  const event: SsprEvent = defined({
    id: `entra.signin:${view.id}`,
    timestamp: view.time,
    dataset: 'entra.signin' as const,
    action,
    outcome: result.failed ? ('failure' as const) : ('success' as const),
    reason,
    resultCode: code,
    user,
    actor: defined({ kind: 'self' as const, name: user.name, id: user.id }),
    source: ip !== undefined || geo !== undefined ? defined({ ip, geo }) : undefined,
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

/**
 * Log Analytics sign-in tables and their diagnostic-settings categories (Azure Monitor table reference; AD FS
 * sign-ins of hybrid users arrive as `ADFSSignInLogs`, Microsoft first-party service principals as
 * `MicrosoftServicePrincipalSignInLogs`).
 */
const LA_TABLES = /^(SigninLogs|ADFSSignInLogs|AAD(NonInteractiveUser|ServicePrincipal|ManagedIdentity)SignInLogs)$/;
const DIAG_CATEGORIES: ReadonlySet<string> = new Set([
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'MicrosoftServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
  'ADFSSignInLogs',
]);

const hasLaSigninColumns = (r: Rec): boolean => 'ResultType' in r && 'UserPrincipalName' in r && !('InitiatedBy' in r) && !('properties' in r);

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
    // By the table name, else by the columns: query output often projects or overwrites `Type`.
    (r) =>
      // An empty Type (a CSV export's blank column) says nothing: judge by the columns then. A Type naming
      // something else (a query's `extend Type = …`) needs the columns every sign-in row has, so another table
      // with a ResultType and a UPN is not taken for one.
      typeof r.Type === 'string' && r.Type !== ''
        ? LA_TABLES.test(r.Type) || (r.Type !== 'AuditLogs' && hasLaSigninColumns(r) && 'AppDisplayName' in r && 'IPAddress' in r && 'ConditionalAccessStatus' in r)
        : hasLaSigninColumns(r),
    laView,
  ),
  signinFormat(
    'entra-signin-graph',
    (r) => 'createdDateTime' in r && 'status' in r && !('properties' in r) && !('activityDisplayName' in r),
    graphView,
  ),
  signinFormat('entra-signin-diag', (r) => typeof r.category === 'string' && DIAG_CATEGORIES.has(r.category) && 'properties' in r, diagView),
];
