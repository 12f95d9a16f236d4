import { z } from 'zod';

/**
 * IP addresses for the location-aware detectors, parsed without regular expressions (one pass per address):
 * canonical text, network key (/24 for IPv4, /48 for IPv6, a site prefix) and CIDR lists.
 */

/** A parsed address: four octets (v4) or eight 16-bit groups (v6). IPv4-mapped IPv6 is returned as v4. */
export interface ParsedIp {
  v: 4 | 6;
  parts: number[];
}

/** Parses decimal digits only (no sign, exponent or spaces); NaN otherwise. */
function digits(text: string, radix: 10 | 16, maxLength: number): number {
  if (text.length === 0 || text.length > maxLength) return Number.NaN;
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (radix === 16 && c >= 97 && c <= 102) d = c - 87;
    else if (radix === 16 && c >= 65 && c <= 70) d = c - 55;
    if (d < 0) return Number.NaN;
    n = n * radix + d;
  }
  return n;
}

/** Parses a dotted quad in one pass (no split); undefined unless four decimal octets 0-255. */
function parseV4(text: string): number[] | undefined {
  const out = [0, 0, 0, 0];
  let part = 0;
  let len = 0;
  let n = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || n > 255 || part > 3) return undefined;
      out[part] = n;
      part += 1;
      len = 0;
      n = 0;
    } else if (c >= 48 && c <= 57 && len < 3 && !(len > 0 && n === 0)) {
      // Leading zeros are refused (as net.isIPv4 does): `010` is octal to some parsers.
      n = n * 10 + (c - 48);
      len += 1;
    } else {
      return undefined;
    }
  }
  return part === 4 ? out : undefined;
}

function parseV6(text: string): number[] | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let v4Tail: number[] | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    v4Tail = parseV4(s.slice(lastColon + 1));
    if (!v4Tail) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap < 0 ? s.split(':') : gap === 0 ? [] : s.slice(0, gap).split(':');
  const rest = gap < 0 ? '' : s.slice(gap + 2);
  const tail = rest === '' ? [] : rest.split(':');
  const missing = 8 - head.length - tail.length;
  if (gap < 0 ? missing !== 0 : missing < 1) return undefined;
  const groups: number[] = [];
  for (const g of head) groups.push(digits(g, 16, 4));
  for (let i = 0; i < missing; i += 1) groups.push(0);
  for (const g of tail) groups.push(digits(g, 16, 4));
  if (groups.some((g) => Number.isNaN(g))) return undefined;
  if (v4Tail) {
    groups[6] = ((v4Tail[0] ?? 0) << 8) | (v4Tail[1] ?? 0);
    groups[7] = ((v4Tail[2] ?? 0) << 8) | (v4Tail[3] ?? 0);
  }
  return groups;
}

/** Parses an IPv4 or IPv6 address (zone ids dropped); undefined when it is neither. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(':')) {
    const g = parseV6(text);
    if (!g) return undefined;
    const mapped = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
    if (mapped) return { v: 4, parts: [(g[6] ?? 0) >> 8, (g[6] ?? 0) & 255, (g[7] ?? 0) >> 8, (g[7] ?? 0) & 255] };
    return { v: 6, parts: g };
  }
  const p = parseV4(text);
  return p ? { v: 4, parts: p } : undefined;
}

/** An address with its canonical text and its network key. */
export interface NetworkInfo {
  ip: ParsedIp;
  /** Canonical address text: dotted quad, or eight lower-case hex groups. */
  addr: string;
  /** The network an address belongs to for learning: `a.b.c.0/24`, or `x:y:z::/48` (a site prefix). */
  prefix: string;
}

/** Canonical address and network key of an IP text; undefined when it does not parse. */
export function networkOf(text: string): NetworkInfo | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  const p = ip.parts;
  if (ip.v === 4) {
    // A dotted quad is already canonical (leading zeros are refused): reuse the text unless IPv4-mapped IPv6.
    const addr = text.includes(':') ? p.join('.') : text;
    return { ip, addr, prefix: `${addr.slice(0, addr.lastIndexOf('.'))}.0/24` };
  }
  const hex = p.map((g) => g.toString(16));
  return { ip, addr: hex.join(':'), prefix: `${hex[0]}:${hex[1]}:${hex[2]}::/48` };
}

/** A parsed CIDR block. */
export interface Cidr {
  v: 4 | 6;
  parts: number[];
  bits: number;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (a host block); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.v === 4 ? 32 : 128;
  const bits = slash < 0 ? max : digits(text.slice(slash + 1), 10, 3);
  if (!(bits <= max)) return undefined;
  return { v: ip.v, parts: ip.parts, bits };
}

/** True when the address lies inside the block. */
export function cidrContains(block: Cidr, ip: ParsedIp): boolean {
  if (block.v !== ip.v) return false;
  const width = ip.v === 4 ? 8 : 16;
  let left = block.bits;
  for (let i = 0; left > 0; i += 1, left -= width) {
    const shift = left >= width ? 0 : width - left;
    if ((block.parts[i] ?? 0) >> shift !== (ip.parts[i] ?? 0) >> shift) return false;
  }
  return true;
}

/** Parses a list of CIDR texts once per step; invalid entries were already rejected by the params schema. */
export function compileCidrs(list: readonly string[]): Cidr[] {
  return list.map(parseCidr).filter((c): c is Cidr => c !== undefined);
}

/** True when the address lies in any block of the list. */
export function inAnyCidr(blocks: readonly Cidr[], ip: ParsedIp): boolean {
  for (const b of blocks) if (cidrContains(b, ip)) return true;
  return false;
}

/** A zod string that must be an IPv4/IPv6 address or CIDR block. */
export const cidrSchema = z.string().refine((s) => parseCidr(s) !== undefined, { message: 'not an IPv4/IPv6 address or CIDR block' });
