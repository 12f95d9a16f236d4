import { describe, expect, it } from 'vitest';
import {
  directoryFormats,
  graphMethodsToAuthMethods,
  parsePrivilegedLine,
  registrationDetailsFormat,
  ticketsCsvFormat,
  usersCsvFormat,
} from '../../../ingest/formats/directory.ts';
import { registrationRowSchema, ticketRowSchema, userRowSchema } from '../../../core/directory.ts';
import type { ParseResult, RecordFormat } from '../../../ingest/formats/types.ts';

const ctx = { ref: 'test:1' };

/** The first directory format whose shape test accepts the record. */
function detect(record: Record<string, unknown>): RecordFormat | undefined {
  return directoryFormats.find((f) => f.matches(record));
}

function row(result: ParseResult): Record<string, unknown> {
  if (result.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(result)}`);
  return result.row;
}

describe('graph-registration-details', () => {
  const graphUser = {
    id: '86462606-fde0-4fc4-9e0c-a20eb73e54c6',
    userPrincipalName: 'AdeleV@Contoso.com',
    userDisplayName: 'Adele Vance',
    userType: 'member',
    isAdmin: false,
    isSsprRegistered: true,
    isSsprEnabled: true,
    isSsprCapable: true,
    isMfaRegistered: true,
    isMfaCapable: true,
    isPasswordlessCapable: false,
    methodsRegistered: ['microsoftAuthenticatorPush', 'mobilePhone', 'fido2SecurityKey'],
    lastUpdatedDateTime: '2026-03-01T10:00:00Z',
  };

  it('turns a Graph userRegistrationDetails object into a registration row with a lower-case UPN and mapped methods', () => {
    expect(detect(graphUser)?.id).toBe('graph-registration-details');
    const result = registrationDetailsFormat.parse(graphUser, ctx);
    expect(result).toEqual({
      kind: 'row',
      snapshot: 'registration',
      row: {
        upn: 'adelev@contoso.com',
        id: '86462606-fde0-4fc4-9e0c-a20eb73e54c6',
        displayName: 'Adele Vance',
        isSsprRegistered: true,
        isSsprCapable: true,
        isSsprEnabled: true,
        isMfaRegistered: true,
        isMfaCapable: true,
        isPasswordlessCapable: false,
        isAdmin: false,
        userType: 'member',
        methodsRegistered: ['microsoftAuthenticatorPush', 'mobilePhone', 'fido2SecurityKey'],
        methods: ['authenticatorPush', 'sms', 'fido2'],
        lastUpdatedDateTime: '2026-03-01T10:00:00.000Z',
      },
    });
    expect(registrationRowSchema.safeParse(row(result)).success).toBe(true);
  });

  it('reads the CSV form of the export, with True/False text and a bracketed method list', () => {
    const csv = { 'User principal name': 'bob@contoso.com', isSsprRegistered: 'False', methodsRegistered: '[email; securityQuestion]' };
    expect(detect(csv)?.id).toBe('graph-registration-details');
    expect(row(registrationDetailsFormat.parse(csv, ctx))).toMatchObject({
      upn: 'bob@contoso.com',
      isSsprRegistered: false,
      methodsRegistered: ['email', 'securityQuestion'],
      methods: ['email', 'securityQuestions'],
    });
  });

  it('rejects a row whose isSsprRegistered is not a boolean', () => {
    const result = registrationDetailsFormat.parse({ userPrincipalName: 'a@b.c', isSsprRegistered: 'maybe' }, ctx);
    expect(result).toMatchObject({ kind: 'rejected', code: 'bad-value' });
  });

  it('rejects a row with an empty userPrincipalName', () => {
    expect(registrationDetailsFormat.parse({ userPrincipalName: '', methodsRegistered: [] }, ctx)).toMatchObject({ kind: 'rejected', code: 'missing-field' });
  });

  it('maps every passkey, Windows Hello and phone spelling, drops none and keeps unknown future values as other', () => {
    expect(
      graphMethodsToAuthMethods([
        'passKeyDeviceBound',
        'passKeyDeviceBoundAuthenticator',
        'passKeyDeviceBoundWindowsHello',
        'windowsHelloForBusiness',
        'officePhone',
        'alternateMobilePhone',
        'softwareOneTimePasscode',
        'hardwareOneTimePasscode',
        'temporaryAccessPass',
        'microsoftAuthenticatorPasswordless',
        'none',
        'qrCode',
      ]),
    ).toEqual(['passkey', 'windowsHello', 'voice', 'sms', 'authenticatorOtp', 'hardwareOath', 'temporaryAccessPass', 'authenticatorNumberMatch', 'other']);
  });
});

describe('users-csv', () => {
  it('turns a users CSV row into a users row with department and group', () => {
    const csv = { userPrincipalName: 'Carol@Contoso.com', displayName: 'Carol', department: 'Finance', group: 'SSPR-Pilot' };
    expect(detect(csv)?.id).toBe('users-csv');
    const result = usersCsvFormat.parse(csv, ctx);
    expect(result).toEqual({ kind: 'row', snapshot: 'users', row: { upn: 'carol@contoso.com', displayName: 'Carol', department: 'Finance', group: 'SSPR-Pilot' } });
    expect(userRowSchema.safeParse(row(result)).success).toBe(true);
  });

  it('leaves out empty optional columns', () => {
    expect(row(usersCsvFormat.parse({ userPrincipalName: 'dan@contoso.com', department: '' }, ctx))).toEqual({ upn: 'dan@contoso.com' });
  });

  it('does not claim registration rows, ticket rows, or event records that carry a UPN', () => {
    expect(usersCsvFormat.matches({ userPrincipalName: 'a@b.c', isSsprRegistered: 'true' })).toBe(false);
    expect(usersCsvFormat.matches({ userPrincipalName: 'a@b.c', created: '2026-01-01', category: 'Password' })).toBe(false);
    expect(usersCsvFormat.matches({ UserPrincipalName: 'a@b.c', TimeGenerated: '2026-01-01T00:00:00Z', ResultType: '0' })).toBe(false);
    expect(usersCsvFormat.matches({ userPrincipalName: 'a@b.c', status: { errorCode: 0 } })).toBe(false);
  });

  it('rejects a row whose userPrincipalName is blank', () => {
    expect(usersCsvFormat.parse({ userPrincipalName: '  ' }, ctx)).toMatchObject({ kind: 'rejected', code: 'missing-field' });
  });
});

describe('tickets-csv', () => {
  it('turns a ticket row into a tickets row with ISO times', () => {
    const csv = { Number: 'INC0012', 'Opened at': '2026-01-05 08:00:00', 'Resolved at': '2026-01-05 12:30', Category: 'Password reset', Caller: 'CONTOSO\\Alice' };
    expect(detect(csv)?.id).toBe('tickets-csv');
    const result = ticketsCsvFormat.parse(csv, ctx);
    expect(result).toEqual({
      kind: 'row',
      snapshot: 'tickets',
      row: { id: 'INC0012', created: '2026-01-05T08:00:00.000Z', resolved: '2026-01-05T12:30:00.000Z', category: 'Password reset', user: 'alice' },
    });
    expect(ticketRowSchema.safeParse(row(result)).success).toBe(true);
  });

  it('keeps an open ticket without a resolved time', () => {
    expect(row(ticketsCsvFormat.parse({ created: '2026-01-05T08:00:00Z', resolved: '', category: 'Unlock' }, ctx))).toEqual({
      created: '2026-01-05T08:00:00.000Z',
      category: 'Unlock',
    });
  });

  it('rejects a bad created time with the reason', () => {
    expect(ticketsCsvFormat.parse({ created: 'yesterday-ish', category: 'Password' }, ctx)).toEqual({
      kind: 'rejected',
      code: 'bad-value',
      message: 'created is not a time: "yesterday-ish"',
    });
  });

  it('rejects a bad resolved time and a resolution before creation', () => {
    expect(ticketsCsvFormat.parse({ created: '2026-01-05T08:00:00Z', resolved: 'soon' }, ctx)).toMatchObject({ kind: 'rejected', code: 'bad-value' });
    expect(ticketsCsvFormat.parse({ created: '2026-01-05T08:00:00Z', resolved: '2026-01-04T08:00:00Z' }, ctx)).toMatchObject({ kind: 'rejected', code: 'bad-value' });
  });

  it('needs a created column and a resolved or category column', () => {
    expect(ticketsCsvFormat.matches({ created: '2026-01-05' })).toBe(false);
    expect(ticketsCsvFormat.matches({ created: '2026-01-05', resolved: '2026-01-06' })).toBe(true);
    expect(ticketsCsvFormat.matches({ createdAt: '2026-01-05', type: 'Password' })).toBe(true);
  });
});

describe('privileged list lines', () => {
  it('turns UPN, sAMAccountName and DOMAIN\\sam lines into lower-case privileged rows', () => {
    expect(parsePrivilegedLine('Admin.Alice@Contoso.com')).toEqual({ kind: 'row', snapshot: 'privileged', row: { account: 'admin.alice@contoso.com' } });
    expect(parsePrivilegedLine('  adm-bob ')).toEqual({ kind: 'row', snapshot: 'privileged', row: { account: 'adm-bob' } });
    expect(parsePrivilegedLine('CONTOSO\\adm-carol')).toEqual({ kind: 'row', snapshot: 'privileged', row: { account: 'adm-carol', domain: 'contoso' } });
  });

  it('skips blank and comment lines', () => {
    expect(parsePrivilegedLine('   ')).toMatchObject({ kind: 'skipped' });
    expect(parsePrivilegedLine('# tier 0')).toMatchObject({ kind: 'skipped' });
  });

  it('rejects a line with spaces or braces', () => {
    expect(parsePrivilegedLine('Alice Admin')).toMatchObject({ kind: 'rejected', code: 'bad-value' });
    expect(parsePrivilegedLine('{"user":"a"}')).toMatchObject({ kind: 'rejected', code: 'bad-value' });
  });
});
