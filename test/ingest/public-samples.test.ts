import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { detectFormat } from '../../ingest/formats/index.ts';
import type { ParseResult } from '../../ingest/formats/types.ts';
import { ingestPaths } from '../../ingest/ingest.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/**
 * One test per class of issue 8, each on the verbatim public samples in fixtures/samples/ (see PROVENANCE.md).
 * Where no public record of a class was found (a text resultType on a sign-in) the record is derived from a
 * verbatim one, and the test says so.
 */
const S = 'fixtures/samples';
const noGeo = { geo: () => undefined };
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`${S}/${path}`, 'utf8')) as Record<string, unknown>;
const lines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(`${S}/${path}`, 'utf8').split(/\r?\n/).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const parse = (record: Record<string, unknown>): ParseResult | undefined => detectFormat(record)?.parse(record, { ref: 'test' });
function eventOf(record: Record<string, unknown>): SsprEvent {
  const r = parse(record);
  if (r?.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe('issue 8 classes, on public samples', () => {
  let store: SqliteStore;
  let dir: string;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
    dir = mkdtempSync(join(tmpdir(), 'sspr-public-'));
  });
  afterEach(async () => store.close());

  it('1. reads Event Viewer XML-view copies (collapse markers, trailing spaces), detected or forced, whatever the file is called', async () => {
    const copy = readFileSync(`${S}/event-viewer/event-4724.xml`, 'utf8');
    writeFileSync(join(dir, 'pasted.txt'), copy);
    writeFileSync(join(dir, 'two.log'), `${copy}${readFileSync(`${S}/event-viewer/event-4767.xml`, 'utf8')}`);
    const detected = await ingestPaths(store, [join(dir, 'pasted.txt')], noGeo);
    expect(detected).toMatchObject({ read: 1, accepted: 1, quarantined: 0 });
    const forced = await ingestPaths(store, [join(dir, 'two.log')], { ...noGeo, format: 'event-xml' });
    expect(forced).toMatchObject({ read: 2, accepted: 1, duplicates: 1, quarantined: 0 });
    const events: SsprEvent[] = [];
    for await (const e of store.queryEvents({})) events.push(e);
    expect(events.map((e) => [e.id, e.action, e.actor.kind, e.actor.name, e.user.name])).toEqual([
      ['ad.security:dc01.contoso.local:175705', 'account.unlock', 'helpdesk', 'dadmin', 'auditor'],
      ['ad.security:dc01.contoso.local:175740', 'password.reset', 'helpdesk', 'dadmin', 'user1'],
    ]);
  });

  it('1b. applies a forced format to every framing: JSON records forced onto an XML file are refused line by line, naming it', async () => {
    writeFileSync(join(dir, 'events.xml'), readFileSync(`${S}/event-viewer/event-4740.xml`, 'utf8'));
    const summary = await ingestPaths(store, [join(dir, 'events.xml')], { ...noGeo, format: 'entra-signin-graph' });
    expect(summary.accepted).toBe(0);
    expect(summary.quarantineReasons).toEqual({ 'invalid-json': summary.quarantined });
    expect(summary.bySource['entra-signin-graph']?.quarantined).toBe(summary.quarantined);
  });

  it('2. maps NXLog JSON through the Windows Security mapping, dating local EventTime by the shipper’s UTC stamp', () => {
    const [failedLogon, , ntlm] = lines('nxlog/security-datasets-purplesharp-ad-playbook-i.ndjson').slice(1);
    expect(eventOf(failedLogon!)).toMatchObject({
      id: 'ad.security:workstation5.theshire.local:134058',
      timestamp: '2020-10-22T08:29:53.000Z', // EventTime 04:29:53 on a UTC-4 collector
      action: 'signin',
      outcome: 'failure',
      resultCode: '0xC000006A',
      reason: 'bad password',
      user: { name: 'lrodriguez', domain: 'theshire.local' },
      device: 'WORKSTATION5',
      tags: ['logonType:2', 'time-offset-inferred'],
    });
    expect(eventOf(ntlm!)).toMatchObject({ id: 'ad.security:mordordc.theshire.local:537223', action: 'signin', outcome: 'failure' });
    const [, reset] = lines('nxlog/security-datasets-empire-wmic-add-user-backdoor.ndjson');
    expect(eventOf(reset!)).toMatchObject({ action: 'password.reset', outcome: 'failure', actor: { kind: 'helpdesk', name: 'pgustavo' }, user: { id: 'S-1-5-21-1969843730-2406867588-1543852148-1000' } });
    const { '@timestamp': _stamp, ...bare } = failedLogon!;
    expect(eventOf(bare)).toMatchObject({ timestamp: '2020-10-22T04:29:53.000Z', tags: ['logonType:2', 'time-zone-assumed-utc'] });
  });

  it('3. keeps AD FS sign-ins with the others, tagged adfs', () => {
    const [record] = lines('entra-public/elastic-adfs-signin-diag.ndjson');
    expect(eventOf(record!)).toMatchObject({ dataset: 'entra.signin', action: 'signin', outcome: 'success', resultCode: '0', user: { name: 'april.oniel@turtles.com' }, source: { ip: '10.205.19.37' }, tags: ['interactive', 'adfs'] });
    const row = { Type: 'ADFSSignInLogs', Id: 'adfs-1', CreatedDateTime: '2026-03-02T09:00:00Z', UserPrincipalName: 'april.oniel@turtles.com', ResultType: '0', IPAddress: '10.205.19.37', Status: '{}', TokenIssuerType: 'ADFederationServices' };
    expect(eventOf(row)).toMatchObject({ id: 'entra.signin:adfs-1', outcome: 'success', tags: ['interactive', 'adfs'] });
  });

  it('4. reads a Graph sign-in with "status": {} as a success', () => {
    const page = json('entra-public/graph-beta-signin-list-example-2-status-empty.json');
    const [signin] = page.value as Array<Record<string, unknown>>;
    expect(eventOf(signin!)).toMatchObject({ id: 'entra.signin:b01b1726-0147-425e-a7f7-21f252050400', action: 'signin', outcome: 'success', resultCode: '0' });
    const { status: _status, ...noStatus } = signin!;
    expect(parse({ ...noStatus, status: undefined })).toMatchObject({ kind: 'rejected', code: 'missing-field' });
  });

  it('5. reads a result written as a word (derived: the Elastic diagnostic sign-in with resultType "Success" / "Failure")', () => {
    const [record] = lines('entra-public/elastic-signinlogs-raw-diag.ndjson');
    const properties = { ...(record!.properties as Record<string, unknown>) };
    delete properties.status;
    const ok = eventOf({ ...record, properties, resultType: 'Success' });
    expect(ok).toMatchObject({ outcome: 'success', resultCode: '0' });
    const failed = eventOf({ ...record, properties, resultType: 'Failure' });
    expect(failed.outcome).toBe('failure');
    expect(failed.resultCode).toBeUndefined();
  });

  it('6. recognises Log Analytics AuditLogs rows by their columns when a query overwrote Type', () => {
    const rows = lines('entra-public/security-datasets-golden-saml-aad-audit.ndjson');
    expect(rows.map((r) => r.Type)).toEqual(['AuditLogs', 'AuditLogs', 'Application', 'ServicePrincipal']);
    expect(rows.map((r) => [detectFormat(r)?.id, parse(r)?.kind])).toEqual(Array(4).fill(['entra-audit-la', 'skipped']));
    const reset = { ...rows[2], Id: 'projected-1', OperationName: 'Reset user password', ActivityDisplayName: 'Reset user password', TargetResources: '[{"type":"User","userPrincipalName":"pgustavo@simulandlabs.com"}]' };
    expect(eventOf(reset)).toMatchObject({ action: 'password.reset', actor: { kind: 'admin' }, user: { name: 'pgustavo@simulandlabs.com' } });
    // Sign-in rows likewise (derived: a SigninLogs row of this project's samples with Type overwritten), while
    // another table that merely has a ResultType and a UPN is not taken for a sign-in.
    const [signin] = JSON.parse(readFileSync(`${S}/entra/signinlogs-la.json`, 'utf8')) as Array<Record<string, unknown>>;
    expect(detectFormat({ ...signin, Type: 'Interactive' })?.id).toBe('entra-signin-la');
    expect(detectFormat({ Type: 'AADProvisioningLogs', Id: 'p-1', ResultType: '0', UserPrincipalName: 'a@contoso.com' })).toBeUndefined();
  });

  it('7. reads an admin changing MFA methods ("Update user" of StrongAuthenticationMethod) as a method added by an operator', () => {
    const change = eventOf(json('entra-public/graph-beta-directoryaudit-get-update-user-mfa.json'));
    expect(change).toMatchObject({
      action: 'registration.added',
      outcome: 'success',
      authMethod: 'voice',
      reason: 'StrongAuthenticationMethod: added TwoWayVoiceMobile, OneWaySms',
      actor: { kind: 'admin', name: 'tadmin@contoso.com' },
      user: { name: 'tuser@contoso.com' },
      tags: ['operator-method-change'],
    });
  });

  it('8. refuses placeholders: a placeholder UPN quarantines the record, a placeholder IP is dropped with a tag', () => {
    const schema = json('entra-public/azure-monitor-signin-schema-example.json');
    expect(parse(schema)).toEqual({ kind: 'rejected', code: 'bad-value', message: 'properties.userPrincipalName "<USER PRINCIPAL NAME>" is a documentation placeholder' });
    const properties = { ...(schema.properties as Record<string, unknown>), userPrincipalName: 'timothy.perkins@contoso.com' };
    const event = eventOf({ ...schema, properties });
    expect(event.source?.ip).toBeUndefined();
    expect(event.user).toEqual({ name: 'timothy.perkins@contoso.com', upn: 'timothy.perkins@contoso.com' });
    expect(event.tags).toEqual(expect.arrayContaining(['invalid-user-id', 'invalid-ip']));
    const [, guidUpn] = lines('entra-public/elastic-signinlogs-raw-diag.ndjson');
    expect(parse(guidUpn!)).toMatchObject({ kind: 'rejected', code: 'bad-value', message: expect.stringContaining('an object id, not a UPN') });
  });
});
