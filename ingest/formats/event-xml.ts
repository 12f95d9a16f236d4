import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { rejected, type ParseContext, type ParseResult } from './types.ts';
import { classifyWindowsSecurity, type FieldNames, type WindowsSecurityRecord } from './windows-security.ts';

/**
 * One Windows `<Event>` element as `wevtutil qe Security /f:xml` and Windows Event Forwarding (ForwardedEvents,
 * with `<RenderingInfo>`) write it. Schema: http://schemas.microsoft.com/win/2004/08/events/event
 * (https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-schema). The Event XML samples on the
 * Microsoft Learn security auditing event pages (e.g. event-4724) show the System and EventData layout.
 */

/** Format id written to `event.raw.format` for events read from Event XML. */
export const EVENT_XML_FORMAT_ID = 'event-xml';

const FIELD_NAMES: FieldNames = {
  time: 'System/TimeCreated/@SystemTime',
  computer: 'System/Computer',
  recordId: 'System/EventRecordID',
  data: 'EventData/Data/@Name=',
};

/**
 * Audit keyword bits of System/Keywords (winmeta.h: WINEVENT_KEYWORD_AUDIT_FAILURE 0x10000000000000,
 * WINEVENT_KEYWORD_AUDIT_SUCCESS 0x20000000000000): 0x8020000000000000 = Audit Success,
 * 0x8010000000000000 = Audit Failure.
 */
const AUDIT_SUCCESS_BIT = 0x20000000000000n;
const AUDIT_FAILURE_BIT = 0x10000000000000n;

const ATTR = '@_';
const TEXT = '#text';

// Values stay text (record ids, hex codes and SIDs must not become numbers); Data and Keyword are always lists
// so a single `<Data>` reads like many. `removeNSPrefix` drops the xmlns declarations and any `e:` prefixes, so
// `<Event xmlns="…/events/event">` and a prefixed `<e:Event>` read the same.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name: string) => name === 'Data' || name === 'Keyword',
});

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: unknown, name: string): Node | undefined {
  if (!isNode(node)) return undefined;
  const value = node[name];
  return isNode(value) ? value : undefined;
}

/** Text content of an element that may be a bare string or an object with attributes and `#text`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value[TEXT] === 'string') return value[TEXT];
  return undefined;
}

function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node[`${ATTR}${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** EventData/Data[@Name] → value; an empty `<Data Name="X" />` reads as "". Unnamed Data items are ignored. */
function eventData(eventNode: Node): Record<string, string> {
  const data: Record<string, string> = {};
  const items = child(eventNode, 'EventData')?.Data;
  if (!Array.isArray(items)) return data;
  for (const item of items) {
    const name = attr(item, 'Name');
    if (name !== undefined) data[name] = textOf(item) ?? '';
  }
  return data;
}

/** Audit outcome from System/Keywords bits, else from the forwarded RenderingInfo/Keywords/Keyword text. */
function auditOf(system: Node | undefined, rendering: Node | undefined): WindowsSecurityRecord['audit'] {
  const hex = textOf(system?.Keywords)?.trim();
  if (hex !== undefined && /^0x[0-9a-f]{1,16}$/i.test(hex)) {
    const bits = BigInt(hex);
    if ((bits & AUDIT_SUCCESS_BIT) !== 0n) return 'success';
    if ((bits & AUDIT_FAILURE_BIT) !== 0n) return 'failure';
  }
  const words = child(rendering, 'Keywords')?.Keyword;
  for (const word of Array.isArray(words) ? words : []) {
    const value = textOf(word)?.toLowerCase();
    if (value === 'audit success') return 'success';
    if (value === 'audit failure') return 'failure';
  }
  return undefined;
}

/**
 * Event Viewer's "XML View" (and every Microsoft Learn event page that copies it) prefixes each expandable element
 * with a collapse marker: `- <Event xmlns=…>`, `- <System>`, `- <EventData>`. A `-` and spaces before a tag at the
 * start of a line can be nothing else in Event XML (text holding `<` is escaped), so they are dropped.
 */
const COLLAPSE_MARKER = /^([ \t]*)-[ \t]+(?=<)/gm;

/**
 * Parses one `<Event>` element (with or without an XML declaration, as `wevtutil` writes it or as copied from
 * Event Viewer's XML view with its collapse markers) into a `ParseResult`. Malformed XML →
 * `rejected` `invalid-xml` with the validator's message and position; a root other than `<Event>` →
 * `unknown-shape`; otherwise the shared Security-log classification (`classifyWindowsSecurity`). Never throws.
 */
export function parseEventXml(xml: string, ctx: ParseContext): ParseResult {
  const source = xml.replace(/^\uFEFF/, '').replace(COLLAPSE_MARKER, '$1').trim();
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return rejected('invalid-xml', `invalid Event XML at line ${line}${col === undefined ? '' : `, column ${col}`}: ${msg}`);
  }
  let root: unknown;
  try {
    root = parser.parse(source);
  } catch (error) {
    // The validator accepted it, so this is a parser limit (entity expansion, nesting depth): still bad input.
    return rejected('invalid-xml', `invalid Event XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rawEvent = isNode(root) ? root.Event : undefined;
  if (rawEvent === undefined) return rejected('unknown-shape', 'root element is not <Event>');
  // `<Event/>` or `<Event></Event>` parses to "": an event with no System, rejected below for its missing id.
  const eventNode: Node = isNode(rawEvent) ? rawEvent : {};

  const system = child(eventNode, 'System');
  const eventIdText = textOf(system?.EventID)?.trim();
  if (eventIdText === undefined || !/^\d+$/.test(eventIdText)) {
    return rejected('missing-field', 'missing or non-numeric event id (System/EventID)');
  }
  const rec: WindowsSecurityRecord = {
    eventId: Number(eventIdText),
    channel: textOf(system?.Channel),
    provider: attr(child(system, 'Provider'), 'Name'),
    computer: textOf(system?.Computer),
    recordId: textOf(system?.EventRecordID),
    time: attr(child(system, 'TimeCreated'), 'SystemTime'),
    audit: auditOf(system, child(eventNode, 'RenderingInfo')),
    data: eventData(eventNode),
  };
  return classifyWindowsSecurity(rec, ctx, EVENT_XML_FORMAT_ID, FIELD_NAMES);
}
