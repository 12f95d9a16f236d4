import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ssprEventSchema, type SsprEvent } from '../../../core/event.ts';
import { EVENT_XML_FORMAT_ID, parseEventXml } from '../../../ingest/formats/event-xml.ts';
import type { ParseResult } from '../../../ingest/formats/types.ts';
import { winlogbeatFormat } from '../../../ingest/formats/winlogbeat.ts';

const SAMPLES = new URL('../../../fixtures/samples/windows/', import.meta.url);
const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** wevtutil writes Event elements one after another with no root; the streaming splitter is not under test here. */
function sampleEvents(): string[] {
  return readFileSync(new URL('security-events.xml', SAMPLES), 'utf8').match(/<Event[\s>][\s\S]*?<\/Event>/g) ?? [];
}

function parseSamples(): ParseResult[] {
  return sampleEvents().map((xml, i) => parseEventXml(xml, { ref: `security-events.xml#${i}` }));
}

function eventsOf(results: ParseResult[]): SsprEvent[] {
  return results.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
}

function eventById(id: string): SsprEvent {
  const event = eventsOf(parseSamples()).find((e) => e.id === id);
  if (!event) throw new Error(`no event ${id} in the sample`);
  return event;
}

function expectEvent(result: ParseResult): SsprEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

/** A small Event XML builder for the odd cases; the verbatim-shaped events live in the sample file. */
function eventXml(opts: { id?: number; data?: Record<string, string>; keywords?: string; time?: string | null; extra?: string } = {}): string {
  const data = opts.data ?? { TargetUserName: 'jdoe', TargetDomainName: 'CONTOSO', SubjectUserName: 'hd.bob', SubjectUserSid: 'S-1-5-21-1-2-3-1160' };
  const time = opts.time === null ? '' : `<TimeCreated SystemTime="${opts.time ?? '2024-05-14T11:00:00.1234567Z'}" />`;
  const items = Object.entries(data).map(([name, value]) => (value === '' ? `<Data Name="${name}" />` : `<Data Name="${name}">${value}</Data>`));
  return (
    `<Event xmlns="${NS}"><System><Provider Name="Microsoft-Windows-Security-Auditing" /><EventID>${opts.id ?? 4724}</EventID>` +
    `<Keywords>${opts.keywords ?? '0x8020000000000000'}</Keywords>${time}<EventRecordID>42</EventRecordID>` +
    `<Channel>Security</Channel><Computer>DC03.contoso.local</Computer></System><EventData>${items.join('')}</EventData>${opts.extra ?? ''}</Event>`
  );
}

describe('parseEventXml', () => {
  it('reads every Event of the wevtutil sample into an event or a skip, never a rejection', () => {
    const results = parseSamples();
    expect(results).toHaveLength(11);
    expect(results.filter((r) => r.kind === 'rejected')).toEqual([]);
    expect(eventsOf(results)).toHaveLength(9);
  });

  it('produces events that all pass the SsprEvent schema', () => {
    for (const event of eventsOf(parseSamples())) {
      expect(ssprEventSchema.safeParse(event).success, event.id).toBe(true);
      expect(event.raw.format).toBe(EVENT_XML_FORMAT_ID);
      expect(event.dataset).toBe('ad.security');
    }
  });

  it('maps a 4723 to a password change by the user themself, with milliseconds from the 7-digit SystemTime', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180001');
    expect(event).toMatchObject({
      timestamp: '2024-05-14T08:01:12.123Z',
      action: 'password.change',
      outcome: 'success',
      user: { name: 'jdoe', sam: 'jdoe', domain: 'contoso', id: 'S-1-5-21-3457937927-2839227994-823803824-1201' },
      actor: { kind: 'self', name: 'jdoe' },
      host: 'dc01.contoso.local',
      raw: { format: 'event-xml', ref: 'security-events.xml#0' },
    });
  });

  it('maps a 4724 by a person to a helpdesk password reset', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180002');
    expect(event).toMatchObject({
      action: 'password.reset',
      outcome: 'success',
      user: { name: 'bjones' },
      actor: { kind: 'helpdesk', name: 'hd.alice', id: 'S-1-5-21-3457937927-2839227994-823803824-1150' },
    });
    expect(event.tags).toBeUndefined();
  });

  it('tags a 4724 by the MSOL_ connector account as a sync writeback, read from a forwarded event with RenderingInfo', () => {
    const event = eventById('ad.security:dc02.contoso.local:552301');
    expect(event).toMatchObject({ action: 'password.reset', actor: { kind: 'sync', name: 'msol_3f2a9c1b7d4e' }, tags: ['writeback'] });
  });

  it('lists only the changed attributes of a 4738, treating "-" and an empty Data element as unchanged', () => {
    const event = eventById('ad.security:dc02.contoso.local:552302');
    expect(event).toMatchObject({ action: 'account.changed', reason: 'changed: PasswordLastSet', actor: { kind: 'sync' } });
  });

  it('takes the 4740 caller computer from TargetDomainName as the device, not as the user domain', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180010');
    expect(event).toMatchObject({ action: 'account.lockout', outcome: 'success', device: 'WKS-042', actor: { kind: 'system', id: 'S-1-5-18' } });
    expect(event.user).toEqual({ name: 'bjones', sam: 'bjones', id: 'S-1-5-21-3457937927-2839227994-823803824-1202' });
  });

  it('maps a 4767 by a person to a helpdesk unlock', () => {
    expect(eventById('ad.security:dc01.contoso.local:1180015')).toMatchObject({ action: 'account.unlock', actor: { kind: 'helpdesk', name: 'hd.alice' } });
  });

  it('maps a 4625 to a failed sign-in with the SubStatus code, its reason, the client IP, workstation and logon type', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180009');
    expect(event).toMatchObject({
      action: 'signin',
      outcome: 'failure',
      resultCode: '0xC000006A',
      reason: 'bad password',
      source: { ip: '203.0.113.25' },
      device: 'WKS-042',
      tags: ['logonType:3'],
    });
    expect(event.user.id).toBeUndefined();
  });

  it('strips ::ffff: from the 4771 client address and explains Kerberos code 0x18, with empty certificate Data elements', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180008');
    expect(event).toMatchObject({ action: 'signin', outcome: 'failure', resultCode: '0x18', reason: 'bad password', source: { ip: '198.51.100.7' } });
  });

  it('maps a 4776 with status 0x0 to a successful sign-in from the named workstation', () => {
    const event = eventById('ad.security:dc01.contoso.local:1180020');
    expect(event).toMatchObject({ action: 'signin', outcome: 'success', device: 'WKS-007', user: { name: 'jdoe' } });
    expect(event.resultCode).toBeUndefined();
  });

  it('skips sign-ins of computer accounts and event ids it does not use, naming them', () => {
    const skips = parseSamples().flatMap((r) => (r.kind === 'skipped' ? [r.why] : []));
    expect(skips).toEqual(['event 4776 for computer account WKS-007$', 'event id 4624 is not used']);
  });

  it('reads a single Data element, a prefixed Event and an XML declaration', () => {
    const single = eventXml({ id: 4776, data: { TargetUserName: 'jdoe' } });
    expect(expectEvent(parseEventXml(single, { ref: 'r' }))).toMatchObject({ action: 'signin', outcome: 'success', user: { name: 'jdoe' } });
    const prefixed =
      `<e:Event xmlns:e="${NS}"><e:System><e:EventID>4776</e:EventID><e:TimeCreated SystemTime="2024-05-14T11:00:00Z" />` +
      `<e:EventRecordID>43</e:EventRecordID><e:Computer>DC03</e:Computer></e:System>` +
      `<e:EventData><e:Data Name="TargetUserName">jdoe</e:Data></e:EventData></e:Event>`;
    expect(expectEvent(parseEventXml(prefixed, { ref: 'r' })).id).toBe('ad.security:dc03:43');
    expect(parseEventXml(`\uFEFF<?xml version="1.0" encoding="utf-8"?>\n${single}`, { ref: 'r' }).kind).toBe('event');
  });

  it('takes the outcome from the audit-failure keyword bit of a 4724', () => {
    expect(expectEvent(parseEventXml(eventXml({ keywords: '0x8010000000000000' }), { ref: 'r' })).outcome).toBe('failure');
  });

  it('falls back to the RenderingInfo keyword when System/Keywords is absent', () => {
    const xml = eventXml({ extra: '<RenderingInfo Culture="en-US"><Keywords><Keyword>Audit Failure</Keyword></Keywords></RenderingInfo>' }).replace(
      /<Keywords>0x[0-9a-f]+<\/Keywords>/i,
      '',
    );
    expect(expectEvent(parseEventXml(xml, { ref: 'r' })).outcome).toBe('failure');
  });

  it('rejects malformed XML with invalid-xml and a position, without throwing', () => {
    const broken = [sampleEvents()[0]!.slice(0, 200), 'not xml at all', `${eventXml()}${eventXml()}`, '', '<Event><System></Event>'];
    for (const input of broken) {
      const result = parseEventXml(input, { ref: 'r' });
      expect(result.kind, input).toBe('rejected');
      if (result.kind === 'rejected') {
        expect(result.code).toBe('invalid-xml');
        expect(result.message).toMatch(/^invalid Event XML at line \d+/);
      }
    }
  });

  it('rejects a root element other than Event as unknown-shape, and an empty Event for its missing id', () => {
    expect(parseEventXml('<Events><Event /></Events>', { ref: 'r' })).toMatchObject({ kind: 'rejected', code: 'unknown-shape' });
    expect(parseEventXml('<Event />', { ref: 'r' })).toMatchObject({ kind: 'rejected', code: 'missing-field', message: expect.stringContaining('System/EventID') });
  });

  it('rejects a missing time or target user as missing-field naming the field', () => {
    expect(parseEventXml(eventXml({ time: null }), { ref: 'r' })).toMatchObject({
      kind: 'rejected',
      code: 'missing-field',
      message: expect.stringContaining('System/TimeCreated/@SystemTime'),
    });
    expect(parseEventXml(eventXml({ data: { TargetUserName: '-', SubjectUserName: 'hd.bob' } }), { ref: 'r' })).toMatchObject({
      kind: 'rejected',
      code: 'missing-field',
      message: expect.stringContaining('TargetUserName'),
    });
  });

  it('gives the same event the same id and fields in Event XML and Winlogbeat form', () => {
    const fromXml = eventsOf(parseSamples());
    const lines = readFileSync(new URL('winlogbeat.ndjson', SAMPLES), 'utf8').split('\n').filter((line) => line.trim() !== '');
    const fromBeat = eventsOf(lines.map((line, i) => winlogbeatFormat.parse(JSON.parse(line) as Record<string, unknown>, { ref: `winlogbeat.ndjson:${i + 1}` })));
    const withoutRaw = ({ raw: _raw, ...rest }: SsprEvent) => rest;
    expect(fromBeat.map((e) => e.id).sort()).toEqual(fromXml.map((e) => e.id).sort());
    for (const xmlEvent of fromXml) {
      const beatEvent = fromBeat.find((e) => e.id === xmlEvent.id);
      expect(beatEvent && withoutRaw(beatEvent), xmlEvent.id).toEqual(withoutRaw(xmlEvent));
    }
  });
});
