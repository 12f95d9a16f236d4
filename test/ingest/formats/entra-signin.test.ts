import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ssprEventSchema, type SsprEvent } from '../../../core/event.ts';
import { entraAuditFormats } from '../../../ingest/formats/entra-audit.ts';
import { classifyMfaResult } from '../../../ingest/formats/entra-common.ts';
import { entraSigninFormats } from '../../../ingest/formats/entra-signin.ts';
import type { ParseResult } from '../../../ingest/formats/types.ts';

type Rec = Record<string, unknown>;
const ALL_FORMATS = [...entraAuditFormats, ...entraSigninFormats];

/** Reads a sample and unwraps it the way the ingest shell does: LA row arrays, Graph `value`, diag `records`. */
function sample(name: string): Rec[] {
  const parsed = JSON.parse(readFileSync(new URL(`../../../fixtures/samples/entra/${name}`, import.meta.url), 'utf8')) as unknown;
  if (Array.isArray(parsed)) return parsed as Rec[];
  const envelope = parsed as { value?: Rec[]; records?: Rec[] };
  return envelope.value ?? envelope.records ?? [];
}

const la = sample('signinlogs-la.json');
const graph = sample('signinlogs-graph.json');
const diag = sample('signinlogs-diag.json');

/** Parses with the one format whose `matches` accepts the record (and fails if not exactly one does). */
function parse(record: Rec, ref = 'sample:1'): ParseResult {
  const matching = ALL_FORMATS.filter((f) => f.matches(record));
  expect(matching.map((f) => f.id)).toHaveLength(1);
  return matching[0]!.parse(record, { ref });
}

function event(record: Rec, ref = 'sample:1'): SsprEvent {
  const result = parse(record, ref);
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

const idOf = (r: Rec): unknown => r.Id ?? r.id ?? (r.properties as Rec | undefined)?.id;
function byId(rows: Rec[], id: string): Rec {
  const found = rows.find((r) => idOf(r) === id);
  if (found === undefined) throw new Error(`no sample record ${id}`);
  return found;
}
const withoutRaw = ({ raw: _raw, ...rest }: SsprEvent): Omit<SsprEvent, 'raw'> => rest;

const PUSH_OK = '2e5c8a41-7d3f-4b96-a0e2-5f1c9b7d3e00';
const DECLINED = '4c8d2f6a-1e93-4b57-8a0c-f3e6b9d1c301';
const PUSH_FLOW = '7a3e9c1d-42b6-4f08-8d5e-c0b9a2f6e314';

describe('Entra sign-in formats', () => {
  it('maps an interactive sign-in with a push MFA performed in the sign-in', () => {
    const row = byId(la, PUSH_OK);
    expect(typeof row.AuthenticationDetails).toBe('string');
    expect(event(row, 'signinlogs-la.json:1')).toEqual({
      id: `entra.signin:${PUSH_OK}`,
      timestamp: '2026-03-02T08:55:12.000Z',
      dataset: 'entra.signin',
      action: 'signin',
      outcome: 'success',
      resultCode: '0',
      user: { name: 'alice.wong@contoso.com', upn: 'alice.wong@contoso.com', id: '5c1f1a52-7b3e-4d2a-9f61-0e8b2c4d6a10' },
      actor: { kind: 'self', name: 'alice.wong@contoso.com', id: '5c1f1a52-7b3e-4d2a-9f61-0e8b2c4d6a10' },
      source: {
        ip: '203.0.113.24',
        geo: { country: 'US', region: 'Washington', city: 'Seattle', lat: 47.6062, lon: -122.3321, origin: 'log' },
      },
      authMethod: 'authenticatorPush',
      mfaResult: 'approved',
      correlationId: 'b3f0d6a2-9c18-4e57-a4d1-2e7c5b8f9a60',
      requestId: PUSH_OK,
      device: 'CONTOSO-LT-0417',
      app: 'Azure Portal',
      tags: ['interactive'],
      raw: { format: 'entra-signin-la', ref: 'signinlogs-la.json:1' },
    });
  });

  it('yields the same event for the same record in the Log Analytics, Graph and diagnostic shapes', () => {
    const fromLa = event(byId(la, PUSH_OK));
    const fromGraph = event(byId(graph, PUSH_OK));
    const fromDiag = event(byId(diag, PUSH_OK));
    expect([fromGraph.id, fromDiag.id]).toEqual([fromLa.id, fromLa.id]);
    expect(withoutRaw(fromGraph)).toEqual(withoutRaw(fromLa));
    expect(withoutRaw(fromDiag)).toEqual(withoutRaw(fromLa));
    expect([fromLa.raw.format, fromGraph.raw.format, fromDiag.raw.format]).toEqual(['entra-signin-la', 'entra-signin-graph', 'entra-signin-diag']);

    expect(withoutRaw(event(byId(graph, DECLINED)))).toEqual(withoutRaw(event(byId(la, DECLINED))));
  });

  it('does not count MFA satisfied by a claim in the token as performed, with a numeric ResultType', () => {
    const row = byId(la, '9b1f4e7c-2a6d-4c85-b3e0-d7a1f9c2e500');
    expect(row.ResultType).toBe(0);
    const e = event(row);
    expect([e.action, e.outcome, e.resultCode, e.mfaResult, e.authMethod]).toEqual(['signin', 'success', '0', undefined, undefined]);
    expect(e.device).toBeUndefined();
  });

  it('classifies each MFA denial from Status.additionalDetails', () => {
    const denials = la
      .map((r) => parse(r))
      .flatMap((r) => (r.kind === 'event' && r.event.action === 'mfa.challenge' ? [r.event] : []))
      .map((e) => [e.reason, e.mfaResult, e.authMethod, e.outcome, e.resultCode]);
    expect(denials).toEqual([
      ['MFA denied; user declined the authentication', 'denied', 'authenticatorPush', 'failure', '500121'],
      ['MFA denied; user did not respond to mobile app notification', 'timeout', 'authenticatorPush', 'failure', '500121'],
      ['MFA denied; user did not select the correct number', 'wrongNumber', 'authenticatorPush', 'failure', '500121'],
      ['MFA denied; duplicate authentication attempt', 'duplicate', 'authenticatorPush', 'failure', '500121'],
      ['MFA denied; Phone App Reported Fraud', 'fraud', 'authenticatorPush', 'failure', '500121'],
      ['MFA denied; user entered incorrect code', 'other', 'sms', 'failure', '500121'],
    ]);
  });

  it('classifies MFA result texts in other cases and wordings', () => {
    expect(classifyMfaResult(['MFA Denied; User Declined The Authentication'])).toBe('denied');
    expect(classifyMfaResult(['MFA denied; user reported fraud'])).toBe('fraud');
    expect(classifyMfaResult([undefined, 'Fraud reported - user is blocked for MFA'])).toBe('fraud');
    expect(classifyMfaResult(['MFA denied; fraud code entered'])).toBe('fraud');
    expect(classifyMfaResult(["MFA denied; user didn't respond to the mobile app notification"])).toBe('timeout');
    expect(classifyMfaResult(['MFA denied; user selected the wrong number'])).toBe('wrongNumber');
    expect(classifyMfaResult(['MFA denied; phone call went to voicemail'])).toBe('other');
  });

  it('shares the request id across retried pushes of one flow and falls back to the sign-in id', () => {
    const ids = ['301', '302', '303', '304', '305'].map((n) => event(byId(la, `4c8d2f6a-1e93-4b57-8a0c-f3e6b9d1c${n}`)).requestId);
    expect(new Set(ids)).toEqual(new Set([PUSH_FLOW]));
    const lone = '4c8d2f6a-1e93-4b57-8a0c-f3e6b9d1c306';
    expect(byId(la, lone).OriginalRequestId).toBe('');
    expect(event(byId(la, lone)).requestId).toBe(lone);
  });

  it('maps fraud reported on a phone call in the Graph shape', () => {
    const e = event(byId(graph, '5b0e8d3f-6a24-4c17-9e82-b4f1d7a0c501'));
    expect([e.action, e.mfaResult, e.authMethod]).toEqual(['mfa.challenge', 'fraud', 'voice']);
  });

  it('counts a passed OATH code as an approved MFA', () => {
    const e = event(byId(graph, '5b0e8d3f-6a24-4c17-9e82-b4f1d7a0c500'));
    expect([e.mfaResult, e.authMethod]).toEqual(['approved', 'authenticatorOtp']);
  });

  it('marks strong-auth interrupts as failed sign-ins tagged interrupt', () => {
    const required = event(byId(la, '8f3a6d1c-5b29-4e74-a0d8-c2e9f7b4a100'));
    expect([required.action, required.outcome, required.resultCode, required.tags]).toEqual(['signin', 'failure', '50074', ['interactive', 'interrupt']]);
    expect(required.reason).toBe('Strong Authentication is required.');

    const nonInteractive = event(byId(la, '8f3a6d1c-5b29-4e74-a0d8-c2e9f7b4a101'));
    expect([nonInteractive.action, nonInteractive.resultCode, nonInteractive.tags]).toEqual(['signin', '50076', ['noninteractive', 'interrupt']]);
    expect(withoutRaw(event(byId(diag, '8f3a6d1c-5b29-4e74-a0d8-c2e9f7b4a101')))).toEqual(withoutRaw(nonInteractive));
  });

  it('maps password, lockout, expiry and disabled failures with their code and reason', () => {
    const failures = [
      '6d0e2b9f-3c71-4a58-b4e6-a9f1c3d7e200',
      '6d0e2b9f-3c71-4a58-b4e6-a9f1c3d7e201',
      '6d0e2b9f-3c71-4a58-b4e6-a9f1c3d7e202',
      '6d0e2b9f-3c71-4a58-b4e6-a9f1c3d7e203',
    ].map((id) => event(byId(la, id)));
    expect(failures.map((e) => [e.action, e.outcome, e.resultCode, e.mfaResult, e.tags])).toEqual([
      ['signin', 'failure', '50126', undefined, ['interactive']],
      ['signin', 'failure', '50053', undefined, ['interactive']],
      ['signin', 'failure', '50055', undefined, ['interactive']],
      ['signin', 'failure', '50057', undefined, ['interactive']],
    ]);
    expect(failures[1]!.reason).toBe('Account is locked because user tried to sign in too many times with an incorrect user ID or password.');
  });

  it('omits empty location fields and placeholder or out-of-range coordinates', () => {
    const nowhere = event(byId(la, '1a7c4e0b-8d26-4f93-b5c1-e0f4a8d2b300'));
    expect(nowhere.source).toEqual({ ip: '2001:db8:4f1e::23' });

    const outOfRange = event(byId(graph, '5b0e8d3f-6a24-4c17-9e82-b4f1d7a0c500'));
    expect(outOfRange.source?.geo).toEqual({ country: 'US', region: 'Washington', city: 'Redmond', origin: 'log' });
  });

  it('maps a narrow projected row without Type or nested columns', () => {
    const e = event(byId(la, '3e9b7d2a-0c64-4f81-a7e5-d1b0c9f3e400'));
    expect(e).toMatchObject({ action: 'signin', outcome: 'failure', resultCode: '50126', user: { name: 'carol.nguyen@contoso.com' } });
    expect(e.source).toEqual({ ip: '198.51.100.77', geo: { country: 'US', origin: 'log' } });
    expect(e.tags).toEqual(['interactive']);
  });

  it('skips service-principal sign-ins in every shape', () => {
    const spRows = [...la, ...diag].filter((r) => idOf(r) === 'c1d9e3a7-4b08-4f62-95d1-7e0a2c8b4f00');
    expect(spRows).toHaveLength(2);
    for (const row of spRows) expect(parse(row)).toMatchObject({ kind: 'skipped', why: expect.stringContaining('servicePrincipal') });
    const graphSp = { ...byId(graph, PUSH_OK), signInEventTypes: ['managedIdentity'] };
    expect(parse(graphSp)).toMatchObject({ kind: 'skipped' });
  });

  it('treats an MFA denial under an unlisted result code as an MFA challenge', () => {
    const row = { ...byId(la, DECLINED), ResultType: '500999' };
    expect(event(row)).toMatchObject({ action: 'mfa.challenge', mfaResult: 'denied', resultCode: '500999' });
  });

  it('rejects records without a time, without a user, or with a nested column that is not JSON', () => {
    const row = byId(la, PUSH_OK);
    expect(parse({ ...row, CreatedDateTime: '', TimeGenerated: 'not a time' })).toMatchObject({
      kind: 'rejected',
      code: 'missing-field',
      message: expect.stringContaining('CreatedDateTime'),
    });
    expect(parse({ ...row, UserPrincipalName: '  ' })).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('UserPrincipalName') });
    expect(parse({ ...row, Status: '{"errorCode":0,' })).toMatchObject({ kind: 'rejected', code: 'bad-value', message: expect.stringContaining('Status') });
    const graphRow = byId(graph, PUSH_OK);
    expect(parse({ ...graphRow, userPrincipalName: null })).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('userPrincipalName') });
  });

  it('never throws on junk that matches a sign-in shape', () => {
    const junk: Rec[] = [
      { Type: 'SigninLogs' },
      { Type: 'SigninLogs', Id: 'x', CreatedDateTime: '2026-03-02T00:00:00Z', UserPrincipalName: 'a@b.c', AuthenticationDetails: 5, Status: [] },
      { createdDateTime: '2026-03-02T00:00:00Z', status: 'oops', id: 'y', userPrincipalName: 'a@b.c' },
      { category: 'SignInLogs', properties: '{broken' },
      { category: 'NonInteractiveUserSignInLogs', properties: { id: 'z', createdDateTime: 3, authenticationDetails: [null, 'x'] } },
    ];
    for (const record of junk) expect(['event', 'rejected', 'skipped']).toContain(parse(record).kind);
  });

  it('produces events valid against ssprEventSchema for every sign-in sample', () => {
    const files: Array<[string, Rec[]]> = [
      ['signinlogs-la.json', la],
      ['signinlogs-graph.json', graph],
      ['signinlogs-diag.json', diag],
    ];
    for (const [file, records] of files) {
      records.forEach((record, index) => {
        const result = parse(record, `${file}:${index + 1}`);
        expect(result.kind, `${file}:${index + 1}`).not.toBe('rejected');
        if (result.kind === 'event') {
          const check = ssprEventSchema.safeParse(result.event);
          expect(check.success, `${file}:${index + 1} ${JSON.stringify(check.error?.issues)}`).toBe(true);
        }
      });
    }
  });

  it('matches every Entra sample with exactly one format and a Winlogbeat document with none', () => {
    const files = ['auditlogs-la.json', 'auditlogs-graph.json', 'auditlogs-diag.json', 'signinlogs-la.json', 'signinlogs-graph.json', 'signinlogs-diag.json'];
    for (const file of files) {
      const expected = `entra-${file.startsWith('audit') ? 'audit' : 'signin'}-${file.split('-')[1]!.replace('.json', '')}`;
      for (const record of sample(file)) {
        expect(ALL_FORMATS.filter((f) => f.matches(record)).map((f) => f.id), file).toEqual([expected]);
      }
    }
    const winlogbeat: Rec = {
      '@timestamp': '2026-03-02T09:00:00.000Z',
      event: { code: '4724', provider: 'Microsoft-Windows-Security-Auditing', action: 'reset-password', outcome: 'success' },
      winlog: { channel: 'Security', event_id: '4724', computer_name: 'DC01.contoso.local', event_data: { TargetUserName: 'alice', SubjectUserName: 'helpdesk' } },
      host: { name: 'DC01' },
      agent: { type: 'winlogbeat' },
    };
    expect(ALL_FORMATS.filter((f) => f.matches(winlogbeat))).toEqual([]);
  });
  it('reads a row whose Type column is empty (a blank CSV column) by its columns, for sign-ins and audits', () => {
    const signin = { ...la.find((r) => r.Type === 'SigninLogs')!, Type: '' };
    expect(parse(signin)).toMatchObject({ kind: 'event', event: { dataset: 'entra.signin' } });
    const audit = { ...sample('auditlogs-la.json')[0]!, Type: '' };
    expect(parse(audit)).toMatchObject({ kind: 'event', event: { dataset: 'entra.audit' } });
  });
});
