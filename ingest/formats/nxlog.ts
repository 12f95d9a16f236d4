import { rejected, type ParseContext, type ParseResult, type RecordFormat } from './types.ts';
import { classifyWindowsSecurity, type FieldNames, type WindowsSecurityRecord } from './windows-security.ts';

/**
 * Windows Security events as NXLog's `im_msvistalog` input writes them through `to_json()`: one flat object a line,
 * the System fields under NXLog's names (`EventID`, `EventTime`, `Hostname`, `RecordNumber`, `SourceName`,
 * `Channel`, `EventType`, `Keywords`) and every EventData field at the top level beside them (`TargetUserName`,
 * `Status`, `SubStatus`, `IpAddress`, …). Field reference: NXLog's im_msvistalog documentation (fields
 * `$EventTime`, `$Hostname`, `$RecordNumber`, `$SourceName`, `$EventType`, `$Keywords`); samples: OTRF
 * Security-Datasets (Mordor), whose shipper added `@timestamp`. Mapped by the same Security-log classification as
 * Event XML and Winlogbeat, so the same event gets the same id in every shape.
 */

const FORMAT_ID = 'nxlog';

const FIELD_NAMES: FieldNames = { time: 'EventTime', computer: 'Hostname', recordId: 'RecordNumber', data: '' };

type Json = Record<string, unknown>;

/** Keys NXLog (and a Logstash hop) add beside the event's own fields; left out of the EventData view. */
const ENVELOPE_KEYS = new Set(['Message', 'EventReceivedTime', 'SourceModuleName', 'SourceModuleType', '@timestamp', '@version', 'tags', 'host', 'port']);

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Audit keyword bits (winmeta.h): 0x20000000000000 Audit Success, 0x10000000000000 Audit Failure. */
const AUDIT_SUCCESS_BIT = 0x20000000000000n;
const AUDIT_FAILURE_BIT = 0x10000000000000n;

/**
 * Audit Success / Audit Failure from `EventType` (`AUDIT_SUCCESS`, `AUDIT_FAILURE`), else from `Keywords`, which
 * NXLog writes as a signed 64-bit decimal (-9214364837600034816 is 0x8020000000000000).
 */
function auditOf(r: Json): WindowsSecurityRecord['audit'] {
  const type = text(r.EventType)?.toUpperCase();
  if (type === 'AUDIT_SUCCESS') return 'success';
  if (type === 'AUDIT_FAILURE') return 'failure';
  const keywords = text(r.Keywords)?.trim();
  if (keywords === undefined || !/^-?\d+$|^0x[0-9a-f]+$/i.test(keywords)) return undefined;
  const bits = BigInt.asUintN(64, BigInt(keywords));
  if ((bits & AUDIT_SUCCESS_BIT) !== 0n) return 'success';
  if ((bits & AUDIT_FAILURE_BIT) !== 0n) return 'failure';
  return undefined;
}

const ZONELESS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/;
const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_OFFSET_MS = 14 * 3_600_000;

/** Zoneless `YYYY-MM-DD hh:mm:ss` read as if it were UTC, in epoch ms (NaN when it is not that shape). */
function asUtc(value: string): number {
  const m = ZONELESS.exec(value.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}Z`) : Number.NaN;
}

/**
 * The event time. NXLog prints `EventTime` in the collector's local time with no zone ("2020-09-14 08:06:02"),
 * unless configured otherwise. When the record also carries a UTC `@timestamp` of its reception beside the local
 * `EventReceivedTime` (a shipper added it, as in the Mordor datasets), their difference, rounded to a quarter
 * hour, is the collector's UTC offset; the event is dated with it (tag `time-offset-inferred`). Without one the
 * local time is read as UTC (tag `time-zone-assumed-utc`). A time with a zone is taken as it is.
 */
function eventTime(r: Json): { time: unknown; tags: string[] } {
  const raw = text(r.EventTime);
  if (raw === undefined || !ZONELESS.test(raw.trim())) return { time: r.EventTime, tags: [] };
  const local = asUtc(raw);
  const received = text(r.EventReceivedTime);
  const stamp = text(r['@timestamp']);
  if (received !== undefined && stamp !== undefined && /(Z|[+-]\d{2}:?\d{2})$/i.test(stamp.trim())) {
    const offset = Math.round((Date.parse(stamp) - asUtc(received)) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    if (Number.isFinite(offset) && Math.abs(offset) <= MAX_OFFSET_MS) {
      return { time: new Date(local + offset).toISOString(), tags: ['time-offset-inferred'] };
    }
  }
  return { time: new Date(local).toISOString(), tags: ['time-zone-assumed-utc'] };
}

function eventData(r: Json): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(r)) {
    if (ENVELOPE_KEYS.has(name)) continue;
    const v = text(value);
    if (v !== undefined) data[name] = v;
  }
  return data;
}

/**
 * `RecordFormat` for NXLog JSON of the Windows event log. `matches` wants NXLog's own field names together
 * (`EventID` with `Hostname` and `EventTime` or `SourceName`) and no `winlog` object or Log Analytics `Type`, so it
 * claims neither Winlogbeat documents nor `SecurityEvent` rows (which name the machine `Computer`).
 */
export const nxlogFormat: RecordFormat = {
  id: FORMAT_ID,
  dataset: 'ad.security',
  matches(record: Record<string, unknown>): boolean {
    return 'EventID' in record && 'Hostname' in record && ('EventTime' in record || 'SourceName' in record) && !('winlog' in record) && !('Type' in record);
  },
  parse(record: Record<string, unknown>, ctx: ParseContext): ParseResult {
    const id = text(record.EventID)?.trim();
    if (id === undefined || !/^\d+$/.test(id)) return rejected('missing-field', 'missing or non-numeric event id (EventID)');
    const { time, tags } = eventTime(record);
    const rec: WindowsSecurityRecord = {
      eventId: Number(id),
      channel: text(record.Channel),
      provider: text(record.SourceName),
      computer: text(record.Hostname),
      recordId: text(record.RecordNumber),
      time,
      audit: auditOf(record),
      data: eventData(record),
      tags,
    };
    return classifyWindowsSecurity(rec, ctx, FORMAT_ID, FIELD_NAMES);
  },
};
