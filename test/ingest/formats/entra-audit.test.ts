import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ssprEventSchema, type SsprEvent } from '../../../core/event.ts';
import { classifySsprStep, entraAuditFormats } from '../../../ingest/formats/entra-audit.ts';
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

const la = sample('auditlogs-la.json');
const graph = sample('auditlogs-graph.json');
const diag = sample('auditlogs-diag.json');

/** Parses with the one format whose `matches` accepts the record (and fails if not exactly one does). */
function parse(record: Rec, ref = 'sample:1'): ParseResult & { format?: string } {
  const matching = ALL_FORMATS.filter((f) => f.matches(record));
  expect(matching.map((f) => f.id)).toHaveLength(1);
  const format = matching[0]!;
  return { ...format.parse(record, { ref }), format: format.id };
}

function event(record: Rec, ref = 'sample:1'): SsprEvent {
  const result = parse(record, ref);
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** The events a list of records produces, skips and rejections left out. */
function events(records: Rec[]): SsprEvent[] {
  return records.map((r) => parse(r)).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
}

const byId = (rows: Rec[], key: string, id: string): Rec => {
  const found = rows.find((r) => (key === 'properties.id' ? (r.properties as Rec).id : r[key]) === id);
  if (found === undefined) throw new Error(`no sample record ${id}`);
  return found;
};
const laRow = (id: string): Rec => byId(la, 'Id', id);
const withoutRaw = ({ raw: _raw, ...rest }: SsprEvent): Omit<SsprEvent, 'raw'> => rest;

const RESET_ID = 'SSPR_3f6e1b2a9c474d85b0e37a1c5d9f2e64_PWRST_1';
const PHS_ECHO_ID = 'Directory_7f2c9b14-3e6a-4d01-b8c5-a94e2d6f1b37_N4K2P_88231417';

describe('Entra audit formats', () => {
  it('maps a self-service reset from a Log Analytics row with nested JSON strings', () => {
    const row = laRow(RESET_ID);
    expect(typeof row.InitiatedBy).toBe('string');
    expect(event(row, 'auditlogs-la.json:1')).toEqual({
      id: `entra.audit:${RESET_ID}`,
      timestamp: '2026-03-02T09:16:41.512Z',
      dataset: 'entra.audit',
      action: 'sspr.reset',
      outcome: 'success',
      reason: 'User successfully reset password',
      user: { name: 'alice.wong@contoso.com', upn: 'alice.wong@contoso.com', id: '5c1f1a52-7b3e-4d2a-9f61-0e8b2c4d6a10' },
      actor: { kind: 'self', name: 'alice.wong@contoso.com', id: '5c1f1a52-7b3e-4d2a-9f61-0e8b2c4d6a10' },
      source: { ip: '203.0.113.24' },
      correlationId: '3f6e1b2a-9c47-4d85-b0e3-7a1c5d9f2e64',
      host: 'Self-service Password Management',
      raw: { format: 'entra-audit-la', ref: 'auditlogs-la.json:1' },
    });
  });

  it('yields the same event for the same record in the Log Analytics, Graph and diagnostic shapes', () => {
    for (const id of [RESET_ID, PHS_ECHO_ID]) {
      const fromLa = event(laRow(id));
      const fromGraph = event(byId(graph, 'id', id));
      const fromDiag = event(byId(diag, 'properties.id', id));
      expect(fromLa.id).toBe(`entra.audit:${id}`);
      expect([fromGraph.id, fromDiag.id]).toEqual([fromLa.id, fromLa.id]);
      expect(withoutRaw(fromGraph)).toEqual(withoutRaw(fromLa));
      expect(withoutRaw(fromDiag)).toEqual(withoutRaw(fromLa));
      expect([fromLa.raw.format, fromGraph.raw.format, fromDiag.raw.format]).toEqual([
        'entra-audit-la',
        'entra-audit-graph',
        'entra-audit-diag',
      ]);
    }
  });

  it('classifies every SSPR flow step in the samples from its ResultReason, with the method it names', () => {
    const progress = events(la)
      .filter((e) => e.action === 'sspr.progress')
      .map((e) => [e.reason, e.ssprStep, e.authMethod, e.outcome]);
    expect(progress).toEqual([
      ['User submitted their user ID', 'userIdSubmitted', undefined, 'success'],
      ['User was presented with verification options', 'verificationStarted', undefined, 'success'],
      ['User started the mobile SMS verification', 'verificationStarted', 'sms', 'success'],
      ['User completed the mobile SMS verification', 'verified', 'sms', 'success'],
      ['User started the mobile app notification verification option', 'verificationStarted', 'authenticatorPush', 'success'],
      ['User completed all verification steps required', 'verified', undefined, 'success'],
      ['User submitted a new password', 'passwordSubmitted', undefined, 'success'],
      ['User successfully reset password', 'succeeded', undefined, 'success'],
      ['Password reset is not enabled for this user', 'failed', undefined, 'failure'],
      ['User abandoned after starting the email verification option', 'abandoned', 'email', 'failure'],
      ['User abandoned after starting the office voice call verification option', 'abandoned', 'voice', 'failure'],
      ['User tried to answer security questions too many times and is blocked for 24 hours', 'blocked', 'securityQuestions', 'failure'],
      ['User submitted their user ID', 'userIdSubmitted', undefined, 'success'],
    ]);
  });

  it('classifies SSPR step texts in other wordings and cases', () => {
    expect(classifySsprStep('User started the password reset process')).toBe('started');
    expect(classifySsprStep('USER SUBMITTED THEIR USER ID')).toBe('userIdSubmitted');
    expect(classifySsprStep('User entered an incorrect verification code')).toBe('verificationFailed');
    expect(classifySsprStep('User completed the security questions verification option')).toBe('verified');
    expect(classifySsprStep('User cancelled before passing the required authentication methods')).toBe('abandoned');
    expect(classifySsprStep('User contacted an admin after trying the mobile SMS verification option')).toBe('abandoned');
    expect(classifySsprStep('User entered too many invalid SMS verification codes and is blocked for 24 hours')).toBe('blocked');
    expect(classifySsprStep("User's account has insufficient authentication methods defined")).toBe('failed');
    expect(classifySsprStep('Something Entra has not said before')).toBe('other');
    expect(classifySsprStep(undefined)).toBe('other');
  });

  it('maps the unlock, change and blocked self-service activities', () => {
    const unlock = event(laRow('SSPR_4d7a0e92c15b4f63a8e1b0d6c9f27e53_UNLCK_1'));
    expect([unlock.action, unlock.outcome, unlock.actor.kind, unlock.user.name]).toEqual(['sspr.unlock', 'success', 'self', 'dave.patel@contoso.com']);
    expect(unlock.reason).toBeUndefined();

    const change = event(laRow('SSPR_91e3c7a04b2d4f5e8a6c0d1b7e9f3a25_CHGPW_1'));
    expect([change.action, change.outcome, change.reason]).toEqual(['sspr.change', 'failure', 'PasswordDoesnotComplyFuzzyPolicy']);
    expect(change.user).toEqual({ name: 'bob.ruiz@contoso.com', upn: 'bob.ruiz@contoso.com', id: 'a7d2e9c4-3f18-4b6a-8e05-91c7d2b4f3e2' });

    const blocked = event(laRow('SSPR_b81d4f0c6a2e49378c15e2f9a7b3d406_BLOCK_1'));
    expect([blocked.action, blocked.outcome, blocked.actor.kind]).toEqual(['sspr.reset', 'blocked', 'self']);
  });

  it('maps security-info registration activities with the method the text names', () => {
    const registration = events(la)
      .filter((e) => e.action.startsWith('registration.'))
      .map((e) => [e.action, e.authMethod, e.user.name, e.actor.kind]);
    expect(registration).toEqual([
      ['registration.started', undefined, 'bob.ruiz@contoso.com', 'self'],
      ['registration.added', 'sms', 'bob.ruiz@contoso.com', 'self'],
      ['registration.added', 'authenticatorPush', 'bob.ruiz@contoso.com', 'self'],
      ['registration.added', 'fido2', 'bob.ruiz@contoso.com', 'self'],
      ['registration.completed', undefined, 'bob.ruiz@contoso.com', 'self'],
      ['registration.changed', 'authenticatorPush', 'bob.ruiz@contoso.com', 'self'],
      ['registration.removed', 'sms', 'bob.ruiz@contoso.com', 'self'],
    ]);
  });

  it('names the helpdesk admin as the actor of an admin reset', () => {
    for (const id of ['SSPR_d2c7f4a19e6b4083b5a1e7c0f8d39b46_ADMRS_1', 'Directory_d2c7f4a1-9e6b-4083-b5a1-e7c0f8d39b46_Q7V3L_90114522']) {
      const reset = event(laRow(id));
      expect(reset.action).toBe('password.reset');
      expect(reset.user.name).toBe('carol.nguyen@contoso.com');
      expect(reset.actor).toEqual({ kind: 'admin', name: 'helpdesk.admin@contoso.com', id: '2b9e6f3a-81c4-4d57-9e2a-c6f0b1d8e374' });
      expect(reset.source).toEqual({ ip: '192.0.2.200' });
    }
  });

  it('marks a Reset user password initiated by an application as a service reset', () => {
    const reset = event(byId(graph, 'id', 'Directory_c4a91e07-3d5f-4b28-8e6a-0f2d7b9c1e53_K9P4D_90140391'));
    expect(reset.actor).toEqual({ kind: 'service', id: '7e3b0c2d-91a4-4f56-b8e1-2c5d9a0f6b47', app: 'Contoso Helpdesk Automation' });
    expect(reset.app).toBe('Contoso Helpdesk Automation');
    expect(reset.source).toBeUndefined();
  });

  it('tags a password change written by the sync account or the Entra Connect app as a phs-echo', () => {
    const byAccount = event(laRow(PHS_ECHO_ID));
    expect(byAccount.action).toBe('password.change');
    expect(byAccount.actor).toEqual({ kind: 'sync', name: 'sync_dc01_2f6c3b9a1e44@contoso.onmicrosoft.com', id: '9c0d4e7f-2a61-4b38-8f15-d3e7a2c6b901' });
    expect(byAccount.tags).toEqual(['phs-echo']);
    expect(byAccount.user.name).toBe('dave.patel@contoso.com');

    const byApp = event(byId(graph, 'id', 'Directory_8a1d5f3b-0c7e-4a92-b6d4-e9f2c0a7b318_W3J6N_90152268'));
    expect(byApp.actor).toEqual({ kind: 'sync', app: 'Microsoft Azure AD Connect' });
    expect(byApp.tags).toEqual(['phs-echo']);
  });

  it('treats a Change user password by the user as a self change without the echo tag', () => {
    const change = event(laRow('Directory_5b8e2d0f-a4c3-4e71-9d26-f1b0c7a3e845_T2M8R_90120077'));
    expect([change.action, change.actor.kind, change.tags]).toEqual(['password.change', 'self', undefined]);
  });

  it('skips other audit activities with a why naming the activity', () => {
    expect(parse(laRow('Directory_1e4f7a2c-8b05-4d39-a6c1-e3b9d0f2c758_H5W1X_90131846'))).toMatchObject({
      kind: 'skipped',
      why: expect.stringContaining('"Update user"'),
    });
  });

  it('reads nested columns that arrive as objects rather than JSON strings', () => {
    const row = laRow('SSPR_3f6e1b2a9c474d85b0e37a1c5d9f2e64_UIDSB_1');
    expect(typeof row.InitiatedBy).toBe('object');
    expect(event(row)).toMatchObject({ ssprStep: 'userIdSubmitted', source: { ip: '203.0.113.24' }, user: { name: 'alice.wong@contoso.com' } });
  });

  it('maps a row missing optional columns and fields', () => {
    const e = event(laRow('SSPR_7e0b3c58d1a24f96b2c8e4a0d6f1c739_UIDSB_1'));
    expect(e).toMatchObject({ action: 'sspr.progress', ssprStep: 'userIdSubmitted', timestamp: '2026-03-02T16:01:12.000Z' });
    expect(e.correlationId).toBeUndefined();
    expect(e.source).toBeUndefined();
  });

  it('falls back to callerIpAddress and reads the result ordinal in the diagnostic shape', () => {
    const e = event(byId(diag, 'properties.id', 'SSPR_2f9d6b0e4a8c4e17b3d5c1a7e0f86b24_SMSST_1'));
    expect(e).toMatchObject({ outcome: 'success', ssprStep: 'verificationStarted', authMethod: 'sms', source: { ip: '198.51.100.77' } });
  });

  it('rejects a nested column that is not valid JSON as bad-value', () => {
    const row = { ...laRow(RESET_ID), TargetResources: '[{"type":"User","userPrincipalName":' };
    expect(parse(row)).toMatchObject({ kind: 'rejected', code: 'bad-value', message: expect.stringContaining('TargetResources') });
  });

  it('rejects a record without a time or without a target user as missing-field naming the field', () => {
    const noTime = { ...laRow(RESET_ID), ActivityDateTime: '', TimeGenerated: undefined };
    expect(parse(noTime)).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('ActivityDateTime') });

    const adminReset = laRow('SSPR_d2c7f4a19e6b4083b5a1e7c0f8d39b46_ADMRS_1');
    const noUser = { ...adminReset, TargetResources: '[]' };
    expect(parse(noUser)).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('userPrincipalName') });

    const graphNoTime = { ...byId(graph, 'id', RESET_ID), activityDateTime: 'yesterday-ish' };
    expect(parse(graphNoTime)).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('activityDateTime') });
  });

  it('never throws on junk that matches an audit shape', () => {
    const junk: Rec[] = [
      { Type: 'AuditLogs' },
      { Type: 'AuditLogs', OperationName: 'Reset password (self-service)', InitiatedBy: 7, TargetResources: { not: 'an array' } },
      { Type: 'AuditLogs', OperationName: 'Reset user password', Id: 'x', ActivityDateTime: '2026-03-02T00:00:00Z', TargetResources: '"just text"' },
      { category: 'AuditLogs', properties: 'not json' },
      { category: 'AuditLogs', properties: null },
      { activityDisplayName: 'Change user password', activityDateTime: 12, initiatedBy: null, targetResources: [null, 3] },
    ];
    for (const record of junk) {
      const result = parse(record);
      expect(['rejected', 'skipped']).toContain(result.kind);
    }
  });

  it('produces events valid against ssprEventSchema for every audit sample', () => {
    const files: Array<[string, Rec[]]> = [
      ['auditlogs-la.json', la],
      ['auditlogs-graph.json', graph],
      ['auditlogs-diag.json', diag],
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
});
