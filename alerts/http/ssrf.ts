import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { SsprError } from '../../core/errors.ts';

/**
 * Where a webhook may not point unless its channel says `allowPrivateNetwork`: addresses that reach the host
 * itself, the internal network or a cloud metadata service (the SSRF targets of OWASP's SSRF prevention cheat
 * sheet), and ranges that are not unicast Internet. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is checked as IPv4
 * by BlockList; NAT64 and 6to4 addresses by the IPv4 address they embed.
 */
const ranges: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['169.254.169.254', 32, 'ipv4', 'metadata'], // AWS, Azure IMDS, GCP, OCI
  ['168.63.129.16', 32, 'ipv4', 'metadata'], // Azure WireServer / platform DNS (a public address)
  ['100.100.100.200', 32, 'ipv4', 'metadata'], // Alibaba Cloud
  ['fd00:ec2::254', 128, 'ipv6', 'metadata'], // AWS IMDS over IPv6
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private'], // carrier-grade NAT shared space (RFC 6598)
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'], // IETF protocol assignments
  ['198.18.0.0', 15, 'ipv4', 'reserved'], // benchmarking
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'], // incl. 255.255.255.255
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'], // unique local
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'private'], // deprecated site-local
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['100::', 64, 'ipv6', 'reserved'], // discard-only
];

const lists = new Map<string, BlockList>();
for (const [net, prefix, type, reason] of ranges) {
  const list = lists.get(reason) ?? new BlockList();
  list.addSubnet(net, prefix, type);
  lists.set(reason, list);
}

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, else undefined. */
function embeddedIpv4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const groups = expandIpv6(lower);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail), or undefined. */
function expandIpv6(ip: string): number[] | undefined {
  let text = ip.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** Why an address may not be a webhook target (`loopback`, `private`, `link-local`, `metadata`, …), or undefined. */
export function blockedReason(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [reason, list] of lists) if (list.check(ip, type)) return reason;
  const inner = family === 6 ? embeddedIpv4(ip) : undefined;
  return inner !== undefined ? blockedReason(inner) : undefined;
}

/** How names are resolved and which addresses are refused; tests swap the table, production uses DNS and the ranges above. */
export interface AddressPolicy {
  resolve(hostname: string): Promise<Array<{ address: string; family: number }>>;
  blocked(ip: string): string | undefined;
}

export const defaultAddressPolicy: AddressPolicy = {
  resolve: (hostname) =>
    new Promise((resolve, reject) => {
      dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
    }),
  blocked: blockedReason,
};

export function targetRefused(host: string, ip: string, reason: string): SsprError {
  return new SsprError('ALERT_TARGET_REFUSED', `${host} resolves to ${ip} (${reason}); set "allowPrivateNetwork": true on the channel to allow it`);
}

/**
 * A `lookup` for net/tls.connect that resolves the name, refuses it when any of its addresses is blocked (a
 * name that mixes public and private answers is a rebinding attempt), and hands the socket exactly the
 * addresses it checked, so the address connected to is the address vetted.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (addresses) => {
        for (const a of addresses) {
          const reason = policy.blocked(a.address);
          if (reason !== undefined) return callback(targetRefused(hostname, a.address, reason) as unknown as NodeJS.ErrnoException, '', 0);
        }
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
