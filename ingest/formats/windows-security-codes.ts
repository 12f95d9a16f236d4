/** Result and attribute codes of the Windows Security events sspr-watch maps, with their Microsoft Learn sources. */

/**
 * NTSTATUS codes of 4625 Status/SubStatus and 4776 Error Code, with short reasons. Source: "Table 12. Windows
 * logon status codes" on the 4625 page and "Table 1. Winlogon Error Codes" on the 4776 page (Microsoft Learn).
 */
export const NTSTATUS_REASONS: Readonly<Record<string, string>> = {
  '0xC000005E': 'no logon servers available',
  '0xC0000064': 'no such user',
  '0xC000006A': 'bad password',
  '0xC000006D': 'bad user name or authentication information',
  '0xC000006E': 'unknown user name or bad password',
  '0xC000006F': 'logon outside authorized hours',
  '0xC0000070': 'logon from unauthorized workstation',
  '0xC0000071': 'password expired',
  '0xC0000072': 'account disabled',
  '0xC0000133': 'clock skew between DC and client',
  '0xC000015B': 'logon type not granted',
  '0xC0000193': 'account expired',
  '0xC0000224': 'password must change at next logon',
  '0xC0000234': 'account locked out',
  '0xC0000371': 'no secret for account in local store',
  '0xC0000413': 'blocked by authentication firewall',
};

/**
 * Kerberos failure codes of 4771 (Status). Source: the 4771 page ("most common error codes": 0x10, 0x17,
 * 0x18) and RFC 4120 §7.5.9 for the rest.
 */
export const KERBEROS_FAILURE_REASONS: Readonly<Record<string, string>> = {
  '0x6': 'no such user',
  '0x10': 'smart card logon not supported by KDC',
  '0x12': 'account disabled, expired or locked out',
  '0x17': 'password expired',
  '0x18': 'bad password',
  '0x25': 'clock skew between DC and client',
};

/**
 * Changed-attribute fields of 4738 ("Changed Attributes" on the 4738 page); "-" means not changed. Old/New UAC
 * values are left out: `UserAccountControl` carries a value exactly when the flags changed.
 */
export const CHANGED_ATTRIBUTE_FIELDS = [
  'SamAccountName', 'DisplayName', 'UserPrincipalName', 'HomeDirectory', 'HomePath', 'ScriptPath', 'ProfilePath',
  'UserWorkstations', 'PasswordLastSet', 'AccountExpires', 'PrimaryGroupId', 'AllowedToDelegateTo',
  'UserAccountControl', 'UserParameters', 'SidHistory', 'LogonHours',
] as const;

