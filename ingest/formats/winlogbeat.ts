import { rejected, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import { classifyWindowsSecurity, type FieldNames, type WindowsSecurityRecord } from './windows-security.ts';

/**
 * Winlogbeat / Elastic Agent (`system.security`) documents of the Windows Security log, in ECS shape:
 * `@timestamp`, `event.code`, `winlog.{event_id, channel, provider_name, computer_name, record_id, keywords,
 * event_data}`. Field reference: https://www.elastic.co/docs/reference/beats/winlogbeat/exported-fields-winlog
 * and the Security module's golden files (github.com/elastic/beats x-pack/winlogbeat/module/security/test/testdata),
 * which show `winlog.event_id` and `winlog.record_id` as strings or numbers and `keywords` as ["Audit Success"].
 */

const FORMAT_ID = 'winlogbeat';

const FIELD_NAMES: FieldNames = {
  time: '@timestamp',
  computer: 'winlog.computer_name',
  recordId: 'winlog.record_id',
  data: 'winlog.event_data.',
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ECS document itself: the record, or the `_source` of an Elasticsearch hit. */
function documentOf(record: Json): Json | undefined {
  if (isObject(record.winlog)) return record;
  if (isObject(record._source) && isObject(record._source.winlog)) return record._source;
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * EventData values as text. The Security module turns some fields into arrays (`PrivilegeList`,
 * `UserAccountControl` as ["2050", "2089"]); they are joined with a space as the raw event writes them.
 */
function eventData(value: unknown): Record<string, string> {
  const data: Record<string, string> = {};
  if (!isObject(value)) return data;
  for (const [name, raw] of Object.entries(value)) {
    const single = text(raw) ?? (typeof raw === 'boolean' ? String(raw) : undefined);
    if (single !== undefined) data[name] = single;
    else if (Array.isArray(raw)) data[name] = raw.map((item) => text(item) ?? '').filter((item) => item !== '').join(' ');
  }
  return data;
}

/** Audit Success / Audit Failure from `winlog.keywords`, else ECS `event.outcome`. */
function auditOf(winlog: Json, event: Json | undefined): WindowsSecurityRecord['audit'] {
  const keywords = Array.isArray(winlog.keywords) ? winlog.keywords : [winlog.keywords];
  for (const keyword of keywords) {
    const word = typeof keyword === 'string' ? keyword.toLowerCase() : '';
    if (word === 'audit success') return 'success';
    if (word === 'audit failure') return 'failure';
  }
  const outcome = event?.outcome;
  return outcome === 'success' || outcome === 'failure' ? outcome : undefined;
}

function eventIdOf(winlog: Json, event: Json | undefined): number | undefined {
  const raw = text(winlog.event_id) ?? text(event?.code);
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * `RecordFormat` for Winlogbeat / Elastic Agent Security-log documents, bare or wrapped as an Elasticsearch hit
 * (`{ _index, _id, _source }`). `matches` only looks for a `winlog` object, which Entra records never carry.
 * Other channels, providers and event ids are `skipped`; see `classifyWindowsSecurity` for the mapping.
 */
export const winlogbeatFormat: RecordFormat = {
  id: FORMAT_ID,
  dataset: 'ad.security',
  matches(record: Record<string, unknown>): boolean {
    return documentOf(record) !== undefined;
  },
  parse(record: Record<string, unknown>, ctx: ParseContext): ParseResult {
    const doc = documentOf(record);
    if (doc === undefined) return rejected('unknown-shape', 'not a Winlogbeat document: no winlog object');
    const winlog = doc.winlog as Json;
    const event = isObject(doc.event) ? doc.event : undefined;
    const host = isObject(doc.host) ? doc.host : undefined;
    const eventId = eventIdOf(winlog, event);
    if (eventId === undefined) return rejected('missing-field', 'missing or non-numeric event id (winlog.event_id)');
    const rec: WindowsSecurityRecord = {
      eventId,
      channel: text(winlog.channel),
      provider: text(winlog.provider_name),
      // winlog.computer_name is the machine that logged the event; host.name is the shipper (differs under WEF).
      computer: text(winlog.computer_name) ?? text(host?.name),
      recordId: text(winlog.record_id),
      time: doc['@timestamp'],
      audit: auditOf(winlog, event),
      data: eventData(winlog.event_data),
    };
    return classifyWindowsSecurity(rec, ctx, FORMAT_ID, FIELD_NAMES);
  },
};
