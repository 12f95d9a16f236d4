/**
 * Column names and types of the Entra tables as the Log Analytics query API describes them, from the Azure
 * Monitor table reference (github.com/MicrosoftDocs/azure-reference-other, azure-monitor-ref/tables/includes/
 * auditlogs-include.md, signinlogs-include.md, aadnoninteractiveusersigninlogs-include.md; CC BY 4.0).
 * Note the differences the parsers must live with: SigninLogs has Status, LocationDetails, DeviceDetail and
 * MfaDetail as `dynamic` but AuthenticationDetails as `string`; AADNonInteractiveUserSignInLogs has all of
 * them as `string` (JSON text).
 */

export type LaColumnType = 'string' | 'datetime' | 'dynamic' | 'long' | 'int' | 'real' | 'bool';

function columns(spec: string): Array<{ name: string; type: LaColumnType }> {
  return spec
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [name, type] = pair.split(':') as [string, LaColumnType];
      return { name, type };
    });
}

const AUDIT = `
TenantId:string SourceSystem:string TimeGenerated:datetime ResourceId:string OperationName:string
OperationVersion:string Category:string ResultType:string ResultSignature:string ResultDescription:string
DurationMs:long CorrelationId:string Resource:string ResourceGroup:string ResourceProvider:string Identity:string
Level:string Location:string AdditionalDetails:dynamic Id:string InitiatedBy:dynamic LoggedByService:string
Result:string ResultReason:string TargetResources:dynamic AADTenantId:string ActivityDisplayName:string
ActivityDateTime:datetime AADOperationType:string Type:string`;

const SIGNIN_COMMON = `
TenantId:string SourceSystem:string TimeGenerated:datetime ResourceId:string OperationName:string
OperationVersion:string Category:string ResultType:string ResultSignature:string ResultDescription:string
DurationMs:long CorrelationId:string Resource:string ResourceGroup:string ResourceProvider:string Identity:string
Level:string Location:string AlternateSignInName:string AppDisplayName:string AppId:string
AuthenticationDetails:string AuthenticationProcessingDetails:string AuthenticationRequirement:string
ClientAppUsed:string ConditionalAccessStatus:string CreatedDateTime:datetime IsInteractive:bool Id:string
IPAddress:string IsRisky:bool NetworkLocationDetails:string OriginalRequestId:string ResourceDisplayName:string
ResourceIdentity:string RiskDetail:string RiskEventTypes:string RiskEventTypes_V2:string RiskLevelAggregated:string
RiskLevelDuringSignIn:string RiskState:string ServicePrincipalId:string ServicePrincipalName:string
TokenIssuerType:string UserAgent:string UserDisplayName:string UserId:string UserPrincipalName:string
UserType:string HomeTenantId:string ResourceTenantId:string CrossTenantAccessType:string AADTenantId:string`;

/** The schemas the test server answers with, per table name. */
export const laTables: Record<string, Array<{ name: string; type: LaColumnType }>> = {
  AuditLogs: columns(AUDIT),
  SigninLogs: columns(
    `${SIGNIN_COMMON} ConditionalAccessPolicies:dynamic DeviceDetail:dynamic LocationDetails:dynamic MfaDetail:dynamic
     Status:dynamic ProcessingTimeInMilliseconds:string Type:string`,
  ),
  AADNonInteractiveUserSignInLogs: columns(
    `${SIGNIN_COMMON} ConditionalAccessPolicies:string DeviceDetail:string LocationDetails:string MfaDetail:string
     Status:string ProcessingTimeInMs:string Type:string`,
  ),
};
