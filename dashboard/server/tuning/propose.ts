import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Finding } from '../../../core/finding.ts';
import type { TuningChange, TuningProposal } from '../../../store/contract.ts';
import type { BenignCause } from '../triage/actions.ts';
import { causeLabels, tuningRules } from './rules.ts';

/** A proposal before it is stored: the store fills createdAt/status on first sight. */
export type Proposed = Pick<TuningProposal, 'id' | 'change' | 'cause' | 'findings' | 'summary'>;

/** The network an address belongs to for trusting: its IPv4 /24 or IPv6 /64 (what an egress pool spans). */
export function networkOf(ip: string): string | undefined {
  if (isIP(ip) === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(ip) !== 6) return undefined;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}

const proposalId = (change: TuningChange): string =>
  createHash('sha256').update(JSON.stringify(change.kind === 'trusted-network' ? [change.detector, change.kind, change.network] : [change.detector, change.kind, change.key])).digest('hex').slice(0, 16);

/** Config already in force, so a change it already makes is not proposed again. */
export interface InForce {
  trustedNetworks(detector: string): readonly string[];
  keyFloor(detector: string, key: string): number | undefined;
}

/**
 * Proposals from one detector's benign closures (findings resolved `benign` with a cause): for every rule whose
 * cause recurs, the target (a network, a key) shared by at least `minClosures` distinct findings. Trusted network:
 * the /24 or /64 that an address of each finding falls in. Key floor: one more than the highest peak the closed
 * findings of the key reached (`observed.peakAttempts`, else `observed.attempts`), so that volume no longer fires.
 */
export function proposeTuning(detector: string, closures: readonly Finding[], minClosures: number, inForce: InForce): Proposed[] {
  const out: Proposed[] = [];
  for (const rule of tuningRules) {
    if (!rule.detectors.includes(detector)) continue;
    const matching = closures.filter((f) => f.detector === detector && f.resolution === 'benign' && f.cause === rule.cause);
    const groups = new Map<string, Finding[]>();
    for (const f of matching) {
      const targets =
        rule.change === 'trusted-network'
          ? new Set([...f.ips, ...f.entities.ips].map(networkOf).filter((n) => n !== undefined))
          : new Set(f.key.startsWith('user:') || f.key.startsWith('ip:') ? [f.key] : []);
      for (const t of targets) groups.set(t, [...(groups.get(t) ?? []), f]);
    }
    for (const [target, found] of groups) {
      if (found.length < minClosures) continue;
      const ids = found.map((f) => f.id).sort();
      const cause = causeLabels[rule.cause as BenignCause];
      if (rule.change === 'trusted-network') {
        if (inForce.trustedNetworks(detector).includes(target)) continue;
        const change: TuningChange = { kind: 'trusted-network', detector, network: target };
        out.push({ id: proposalId(change), change, cause: rule.cause, findings: ids, summary: `Trust ${target} in ${detector}: ${found.length} findings closed as benign (${cause}) came from it` });
      } else {
        const peak = Math.max(...found.map((f) => Number(f.explanation.observed.peakAttempts ?? f.explanation.observed.attempts ?? 0)));
        const minCount = peak + 1;
        if ((inForce.keyFloor(detector, target) ?? 0) >= minCount) continue;
        const change: TuningChange = { kind: 'key-floor', detector, key: target, minCount };
        out.push({ id: proposalId(change), change, cause: rule.cause, findings: ids, summary: `Raise ${detector}'s floor for ${target} to ${minCount}: ${found.length} findings closed as benign (${cause}) peaked at ${peak}` });
      }
    }
  }
  return out;
}
