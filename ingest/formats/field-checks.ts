/**
 * Value checks shared by the parsers: is this text really an IP address, a user principal name, or a
 * documentation placeholder? Logs copied from documentation and half-configured exporters carry values such as
 * `<IP ADDRESS>` and `<USER PRINCIPAL NAME>` (the Azure Monitor sign-in schema page prints exactly those); they
 * must not become a `source.ip` or a user. Pure.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
/** IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), as Windows writes client addresses: `::ffff:10.0.0.12`. */
const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function isIpv6(text: string): boolean {
  let head = text;
  const lastColon = head.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = head.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 tail stands for the last two 16-bit groups.
    if (!IPV4.test(tail)) return false;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0] ?? '');
  const right = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (![...left, ...right].every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? left.length + right.length <= 7 : left.length === 8;
}

/**
 * The address in the event model's form, or undefined when `value` is not an IPv4 or IPv6 address: IPv4 as is,
 * IPv4-mapped IPv6 as the IPv4 address, other IPv6 lower-cased (a `%zone` suffix is dropped).
 */
export function normalizeIp(value: string): string | undefined {
  const text = value.trim();
  if (IPV4.test(text)) return text;
  const mapped = MAPPED_V4.exec(text);
  if (mapped) return IPV4.test(mapped[1]!) ? mapped[1] : undefined;
  const zoneless = text.split('%')[0]!;
  return isIpv6(zoneless) ? zoneless.toLowerCase() : undefined;
}

/** Characters a user principal name cannot hold (RFC 5322 specials and spaces; `<` `>` mark placeholders). */
const UPN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

/**
 * True when `value` has the shape of a user principal name: `local@domain.tld` with no spaces, angle brackets or
 * other specials. Guest UPNs (`alice_fabrikam.com#EXT#@contoso.onmicrosoft.com`) pass; `<USER PRINCIPAL NAME>` and
 * an object id written where the UPN should be do not.
 */
export function isUpn(value: string): boolean {
  return UPN.test(value.trim());
}

/** True for a documentation placeholder: the whole value in angle brackets (`<USER ID>`, `<TENANT ID>`). */
export function isPlaceholder(value: string): boolean {
  return /^<[^<>]*>$/.test(value.trim());
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a would-be UPN is refused, for a rejection message. */
export function upnProblem(value: string): string {
  if (isPlaceholder(value)) return 'a documentation placeholder';
  if (GUID.test(value.trim())) return 'an object id, not a UPN';
  return 'not of the form name@domain';
}
