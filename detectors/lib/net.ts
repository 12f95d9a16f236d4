/**
 * The network an address belongs to, as CIDR text: `203.0.113.0/24`, `2001:db8:1:2::/64`. IPv4-mapped IPv6
 * (`::ffff:203.0.113.7`) counts as IPv4. Undefined for text that is not an address. Pure string work, no lookups.
 */
export function networkOf(ip: string, ipv4PrefixLength: number, ipv6PrefixLength: number): string | undefined {
  const text = ip.trim().toLowerCase();
  const v4 = parseIPv4(text.startsWith('::ffff:') ? text.slice(7) : text);
  if (v4 !== undefined) {
    const bits = clamp(ipv4PrefixLength, 0, 32);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const net = (v4 & mask) >>> 0;
    return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${bits}`;
  }
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  const bits = clamp(ipv6PrefixLength, 0, 128);
  const masked = v6.map((hextet, i) => {
    const keep = clamp(bits - i * 16, 0, 16);
    return keep === 0 ? 0 : hextet & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${compressIPv6(masked)}/${bits}`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  const bare = zone >= 0 ? text.slice(0, zone) : text;
  if (!/^[0-9a-f:.]+$/.test(bare) || !bare.includes(':')) return undefined;
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const expand = (groups: string[]): number[] | undefined => {
    const out: number[] = [];
    for (const g of groups) {
      if (g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const h = expand(head);
  const t = expand(tail);
  if (h === undefined || t === undefined) return undefined;
  const missing = 8 - h.length - t.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...h, ...new Array<number>(missing).fill(0), ...t];
}

/** RFC 5952 text: lower-case, leading zeros dropped, the longest run (2+) of zero groups as `::`. */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
