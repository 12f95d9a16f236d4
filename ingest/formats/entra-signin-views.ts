import type { ParseResult } from './types.ts';
import { asArray, asRecord, bool, diagProperties, firstTime, isParseResult, nestedColumns, text, type Rec } from './entra-common.ts';

/**
 * The three export shapes of an Entra sign-in (Log Analytics row, Graph signIn, diagnostic-settings record),
 * each reduced to one `SigninView` that the sign-in mapper reads. Field names per shape: the SigninLogs table
 * reference (Azure Monitor), the Graph signIn resource, and the Azure Monitor sign-in log schema page.
 */

export type Principal = 'user' | 'servicePrincipal' | 'managedIdentity';

/** A sign-in record reduced to the fields we map, whatever the export shape. */
export interface SigninView {
  principal: Principal;
  id?: string;
  time?: string;
  upn?: string;
  userId?: string;
  app?: string;
  /** IP candidates, best first (the diagnostic export adds its top-level callerIpAddress). */
  ips: Array<string | undefined>;
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
  /** An AD FS sign-in (ADFSSignInLogs table or category, or a token issued by AD Federation Services). */
  adfs: boolean;
  /** Field names of this shape, for rejection messages. */
  fields: { id: string; time: string; user: string; result: string };
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

export function laView(r: Rec): SigninView | ParseResult {
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
    ips: [text(r.IPAddress)],
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
    adfs: table === 'ADFSSignInLogs' || text(r.TokenIssuerType) === ADFS_ISSUER,
    fields: { id: 'Id', time: 'CreatedDateTime/TimeGenerated', user: 'UserPrincipalName', result: 'ResultType' },
  };
}

export function graphView(r: Rec): SigninView | ParseResult {
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
    ips: [text(r.ipAddress)],
    location: n.values.location,
    status: asRecord(n.values.status),
    authDetails: asArray(n.values.authenticationDetails),
    mfaDetail: asRecord(n.values.mfaDetail),
    deviceDetail: asRecord(n.values.deviceDetail),
    correlationId: text(r.correlationId),
    originalRequestId: text(r.originalRequestId),
    // v1.0 /auditLogs/signIns lists interactive user sign-ins only; beta adds isInteractive / signInEventTypes.
    interactive: bool(r.isInteractive) ?? !eventTypes.includes('nonInteractiveUser'),
    adfs: text(r.tokenIssuerType) === ADFS_ISSUER,
    fields: { id: 'id', time: 'createdDateTime', user: 'userPrincipalName', result: 'status.errorCode' },
  };
}

export function diagView(r: Rec): SigninView | ParseResult {
  const props = diagProperties(r);
  if (!props.ok) return props.result;
  const p = props.properties;
  const inner = graphView(p);
  if (isParseResult(inner)) return inner;
  const category = text(r.category);
  return {
    ...inner,
    principal: principalOf(category),
    time: inner.time ?? firstTime(r.time),
    ips: [...inner.ips, text(r.callerIpAddress)],
    country: text(r.location),
    resultType: text(inner.status?.errorCode) ?? text(r.resultType),
    resultDescription: text(r.resultDescription),
    correlationId: inner.correlationId ?? text(r.correlationId),
    interactive: bool(p.isInteractive) ?? category !== 'NonInteractiveUserSignInLogs',
    adfs: inner.adfs || category === 'ADFSSignInLogs',
    fields: { id: 'properties.id', time: 'properties.createdDateTime/time', user: 'properties.userPrincipalName', result: 'properties.status.errorCode/resultType' },
  };
}

/** `tokenIssuerType` of a sign-in whose token AD FS issued (signIn resource, tokenIssuerType enum). */
const ADFS_ISSUER = 'ADFederationServices';
