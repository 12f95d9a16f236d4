import { directoryFormats } from './directory.ts';
import { entraAuditFormats } from './entra-audit.ts';
import { entraSigninFormats } from './entra-signin.ts';
import { EVENT_XML_FORMAT_ID } from './event-xml.ts';
import { nxlogFormat } from './nxlog.ts';
import type { RecordFormat } from './types.ts';
import { winlogbeatFormat } from './winlogbeat.ts';

/** Every JSON record format, in detection order. Shapes are exclusive, so the order only affects speed. */
export const recordFormats: readonly RecordFormat[] = [
  ...entraSigninFormats,
  ...entraAuditFormats,
  winlogbeatFormat,
  nxlogFormat,
  ...directoryFormats,
];

/** Format id of the privileged-accounts list (one account a line), read by `parsePrivilegedLine`. */
export const PRIVILEGED_LIST_FORMAT_ID = 'privileged-list';

/** Ids accepted by `sspr ingest --format`. */
export const formatIds: readonly string[] = [...recordFormats.map((f) => f.id), EVENT_XML_FORMAT_ID, PRIVILEGED_LIST_FORMAT_ID];

/** The format whose shape this record has, if any. */
export function detectFormat(record: Record<string, unknown>): RecordFormat | undefined {
  for (const format of recordFormats) if (format.matches(record)) return format;
  return undefined;
}

export { parseEventXml, EVENT_XML_FORMAT_ID } from './event-xml.ts';
export { parsePrivilegedLine } from './directory.ts';
