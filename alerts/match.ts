import { BlockList, isIP } from 'node:net';
import type { Finding } from '../core/finding.ts';
import type { RouteMatch } from './config.ts';
import { inWindow } from './time.ts';

/** What matching needs beyond the finding: the users' groups (from the users CSV) and the default time zone. */
export interface MatchContext {
  groupsOf?: (user: string) => readonly string[];
  timeZone: string;
}

const globs = new Map<string, RegExp>();

/** `*` matches any run of characters; case-insensitive, whole string. */
function glob(pattern: string): RegExp {
  let re = globs.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'i');
    globs.set(pattern, re);
  }
  return re;
}

const networks = new Map<string, BlockList | undefined>();

/** An address or CIDR range as a BlockList, or undefined when the pattern is not one. */
function network(pattern: string): BlockList | undefined {
  if (networks.has(pattern)) return networks.get(pattern);
  const [addr, bits, extra] = pattern.split('/');
  const family = addr !== undefined ? isIP(addr) : 0;
  let list: BlockList | undefined;
  if (family !== 0 && extra === undefined) {
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)) {
      list = new BlockList();
      list.addSubnet(addr as string, prefix, type);
    }
  }
  networks.set(pattern, list);
  return list;
}

function inNetwork(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function usersOf(finding: Finding): string[] {
  return finding.user !== undefined && !finding.entities.users.includes(finding.user) ? [finding.user, ...finding.entities.users] : finding.entities.users;
}

function entityMatches(pattern: string, finding: Finding): boolean {
  const list = network(pattern);
  if (list) return [...finding.ips, ...finding.entities.ips].some((ip) => inNetwork(list, ip));
  const re = glob(pattern);
  return re.test(finding.key) || usersOf(finding).some((u) => re.test(u)) || finding.entities.locations.some((l) => re.test(l));
}

/** Whether a route's `match` selects this finding: every field present must match; `{}` matches all. */
export function matchesRoute(match: RouteMatch, finding: Finding, ctx: MatchContext): boolean {
  if (match.severity && !match.severity.includes(finding.severity)) return false;
  if (match.detector && !match.detector.includes(finding.detector)) return false;
  if (match.user) {
    const users = usersOf(finding);
    if (!match.user.some((p) => users.some((u) => glob(p).test(u)))) return false;
  }
  if (match.group) {
    const groups = new Set(usersOf(finding).flatMap((u) => (ctx.groupsOf?.(u) ?? []).map((g) => g.toLowerCase())));
    if (!match.group.some((g) => groups.has(g.toLowerCase()))) return false;
  }
  if (match.entity && !match.entity.some((p) => entityMatches(p, finding))) return false;
  if (match.timeOfDay && !inWindow(Date.parse(finding.lastSeen), match.timeOfDay, match.timeOfDay.timeZone ?? ctx.timeZone)) return false;
  return true;
}
