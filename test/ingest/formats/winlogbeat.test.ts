import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ssprEventSchema, type SsprEvent } from '../../../core/event.ts';
import type { ParseResult } from '../../../ingest/formats/types.ts';
import { isSyncAccount, SYNC_ACCOUNT_PATTERNS } from '../../../ingest/formats/windows-security.ts';
import { winlogbeatFormat } from '../../../ingest/formats/winlogbeat.ts';

type Doc = Record<string, unknown>;

function sampleDocs(): Doc[] {
  const text = readFileSync(new URL('../../../fixtures/samples/windows/winlogbeat.ndjson', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Doc);
}

function parseSamples(): ParseResult[] {
  return sampleDocs().map((doc, i) => winlogbeatFormat.parse(doc, { ref: `winlogbeat.ndjson:${i + 1}` }));
}

function expectEvent(result: ParseResult): SsprEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** A minimal Winlogbeat 8.x Security document; the verbatim-shaped ones live in the sample file. */
function beatDoc(opts: { id?: number | string; data?: Record<string, unknown>; keywords?: string; omit?: string[] } = {}): Doc {
  const winlog: Doc = {
    channel: 'Security',
    provider_name: 'Microsoft-Windows-Security-Auditing',
    computer_name: 'DC03.contoso.local',
    record_id: 77,
    event_id: opts.id ?? '4724',
    keywords: [opts.keywords ?? 'Audit Success'],
    event_data: opts.data ?? { TargetUserName: 'jdoe', TargetDomainName: 'CONTOSO', SubjectUserName: 'hd.bob', SubjectUserSid: 'S-1-5-21-1-2-3-1160' },
  };
  const doc: Doc = { '@timestamp': '2024-05-14T11:00:00.123Z', event: { code: String(opts.id ?? 4724) }, host: { name: 'dc03' }, winlog };
  for (const key of opts.omit ?? []) {
    delete doc[key];
    delete winlog[key];
  }
  return doc;
}

function parse(doc: Doc): ParseResult {
  return winlogbeatFormat.parse(doc, { ref: 'test' });
}

describe('winlogbeatFormat', () => {
  it('matches Winlogbeat documents and Elasticsearch hits of them, but not Entra records', () => {
    for (const doc of sampleDocs()) expect(winlogbeatFormat.matches(doc)).toBe(true);
    expect(winlogbeatFormat.matches({ OperationName: 'Reset password (self-service)', Category: 'UserManagement', Result: 'success' })).toBe(false);
    expect(winlogbeatFormat.matches({ activityDisplayName: 'Reset password (self-service)', category: 'UserManagement' })).toBe(false);
    expect(winlogbeatFormat.matches({ _index: 'entra', _id: '1', _source: { category: 'SignInLogs', properties: {} } })).toBe(false);
  });

  it('produces events from the sample that all pass the SsprEvent schema', () => {
    const results = parseSamples();
    expect(results.filter((r) => r.kind === 'rejected')).toEqual([]);
    const events = results.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
    expect(events).toHaveLength(9);
    for (const event of events) {
      expect(ssprEventSchema.safeParse(event).success, event.id).toBe(true);
      expect(event.raw.format).toBe('winlogbeat');
    }
  });

  it('reads winlog.event_id given as a string and as a number', () => {
    const [asString, , asNumber] = parseSamples();
    expect(expectEvent(asString!)).toMatchObject({ action: 'password.change', actor: { kind: 'self' } });
    expect(expectEvent(asNumber!)).toMatchObject({ action: 'password.reset', id: 'ad.security:dc02.contoso.local:552301' });
  });

  it('unwraps an Elasticsearch hit and keeps the ref the shell gave', () => {
    const event = expectEvent(parseSamples()[1]!);
    expect(event).toMatchObject({
      id: 'ad.security:dc01.contoso.local:1180002',
      action: 'password.reset',
      actor: { kind: 'helpdesk', name: 'hd.alice' },
      user: { name: 'bjones', domain: 'contoso' },
      raw: { format: 'winlogbeat', ref: 'winlogbeat.ndjson:2' },
    });
  });

  it('uses winlog.computer_name, not the forwarding collector in host.name, for host and id', () => {
    const event = expectEvent(parseSamples()[2]!);
    expect(event).toMatchObject({ host: 'dc02.contoso.local', actor: { kind: 'sync', name: 'msol_3f2a9c1b7d4e' }, tags: ['writeback'] });
  });

  it('skips records from another channel and event ids it does not use', () => {
    const skips = parseSamples().flatMap((r) => (r.kind === 'skipped' ? [r.why] : []));
    expect(skips).toEqual(['event id 4624 is not used', 'channel System is not Security']);
  });

  it('classifies every documented sync account name as a sync writeback and nothing else', () => {
    for (const name of ['MSOL_3f2a9c1b7d4e', 'AAD_0a1b2c3d4e5f', 'Sync_AADC01_9f8e7d6c5b4a', 'provAgentgMSA$', 'pGMSA_0f4c3b2a$']) {
      expect(isSyncAccount(name), name).toBe(true);
      const event = expectEvent(parse(beatDoc({ data: { TargetUserName: 'jdoe', SubjectUserName: name } })));
      expect(event.actor.kind, name).toBe('sync');
      expect(event.tags).toEqual(['writeback']);
    }
    expect(SYNC_ACCOUNT_PATTERNS.length).toBeGreaterThan(0);
    for (const name of ['msolve', 'MSOL_admin-not-hex', 'helpdesk.sync', 'gMSA_web$']) expect(isSyncAccount(name), name).toBe(false);
  });

  it('calls a 4724 by SYSTEM or another machine account a service, and one by the target itself self', () => {
    const kind = (data: Record<string, unknown>) => expectEvent(parse(beatDoc({ data: { TargetUserName: 'jdoe', ...data } }))).actor.kind;
    expect(kind({ SubjectUserName: 'SYSTEM', SubjectUserSid: 'S-1-5-18' })).toBe('service');
    expect(kind({ SubjectUserName: 'WEB01$' })).toBe('service');
    expect(kind({ SubjectUserName: 'gMSA_web$' })).toBe('service');
    expect(kind({ SubjectUserName: 'JDoe' })).toBe('self');
    expect(kind({ TargetSid: 'S-1-5-21-1-2-3-1201', SubjectUserSid: 'S-1-5-21-1-2-3-1201', SubjectUserName: 'jdoe' })).toBe('self');
  });

  it('calls a 4723 for someone else an admin change and takes a failure from the Audit Failure keyword', () => {
    const event = expectEvent(parse(beatDoc({ id: 4723, keywords: 'Audit Failure' })));
    expect(event).toMatchObject({ action: 'password.change', outcome: 'failure', actor: { kind: 'admin', name: 'hd.bob' } });
  });

  it('joins array-valued event_data and lists UserAccountControl as a changed 4738 attribute', () => {
    const data = { TargetUserName: 'jdoe', SubjectUserName: 'da.carol', PrivilegeList: ['-'], UserAccountControl: ['2050', '2089'], PasswordLastSet: '-' };
    expect(expectEvent(parse(beatDoc({ id: 4738, data })))).toMatchObject({ action: 'account.changed', reason: 'changed: UserAccountControl', actor: { kind: 'admin' } });
  });

  it('uses Status when the 4625 SubStatus is 0x0 and keeps only real client IPs', () => {
    const base = { TargetUserName: 'bjones', Status: '0xc0000234', SubStatus: '0x0', LogonType: '2', WorkstationName: 'DC01' };
    const locked = expectEvent(parse(beatDoc({ id: 4625, data: { ...base, IpAddress: '127.0.0.1' } })));
    expect(locked).toMatchObject({ resultCode: '0xC0000234', reason: 'account locked out', tags: ['logonType:2'] });
    expect(locked.source).toBeUndefined();
    for (const ip of ['-', '::1', '']) expect(expectEvent(parse(beatDoc({ id: 4625, data: { ...base, IpAddress: ip } }))).source).toBeUndefined();
  });

  it('maps a failed 4776 to a failed sign-in with the NTSTATUS reason', () => {
    const data = { TargetUserName: 'jdoe', Workstation: 'WKS-042', Status: '0xc0000064' };
    expect(expectEvent(parse(beatDoc({ id: 4776, data, keywords: 'Audit Failure' })))).toMatchObject({
      action: 'signin',
      outcome: 'failure',
      resultCode: '0xC0000064',
      reason: 'no such user',
      device: 'WKS-042',
    });
  });

  it('skips a 4771 for a computer account', () => {
    expect(parse(beatDoc({ id: 4771, data: { TargetUserName: 'WKS-042$', Status: '0x18' } }))).toEqual({ kind: 'skipped', why: 'event 4771 for computer account WKS-042$' });
  });

  it('rejects a missing time, record id, target user or event id as missing-field naming the field', () => {
    const cases: [Doc, string][] = [
      [beatDoc({ omit: ['@timestamp'] }), '@timestamp'],
      [beatDoc({ omit: ['record_id'] }), 'winlog.record_id'],
      [beatDoc({ data: { SubjectUserName: 'hd.bob' } }), 'winlog.event_data.TargetUserName'],
      [beatDoc({ id: 'abc' }), 'winlog.event_id'],
    ];
    for (const [doc, fieldName] of cases) {
      expect(parse(doc)).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining(fieldName) });
    }
  });
});
