import { z } from 'zod';
import { ssprStepSchema } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import { buildFinding, listText } from './lib/build-finding.ts';
import type { CaseFile, EvidenceLog } from './lib/case-file.ts';
import { round1 } from './lib/stats.ts';
import { windowText } from './lib/time.ts';

/**
 * Params and state shapes of reset-spray, and how an episode reads as a finding (see reset-spray.ts).
 *
 * Defaults (defaults/reset-spray.json) and why: 8 unsuccessful users in 60 min (Sentinel's 5 in 20 min fires on
 * office NATs; SSPR enumeration tries dozens), with ≥ 60 % of the network's SSPR users unsuccessful both in the
 * window and over the last 24 h (life: ~80 % of registered users' flows succeed, so an egress stays far below);
 * 10 users in 24 h at ≥ 80 % unsuccessful for low-and-slow (20 missed sprays of 10-19 accounts spaced 7-20 min
 * apart, too slow for the 60-minute window; ten mostly-failing SSPR users of one /24 in a day is still far above
 * a household or a NAT, whose flows mostly succeed); 10-minute evaluation steps; /24 and /64 networks
 * (one customer allocation); episodes merge across gaps up to 120 min; severity high at 3× the user floor or
 * when a sprayed user then resets from the network.
 */

export const RESET_SPRAY_ID = 'reset-spray';
/** T1110.003 password spraying; T1589.002 the SSPR portal confirms which submitted names are accounts. */
export const RESET_SPRAY_ATTACK = ['T1110.003', 'T1589.002'] as const;

/** Thresholds of reset-spray; the defaults are defaults/reset-spray.json. */
export const resetSprayParamsSchema = z
  .strictObject({
    bucketMinutes: z.number().int().min(1).max(60),
    windowMinutes: z.number().int().min(1),
    minDistinctUsers: z.number().int().min(2),
    slowWindowMinutes: z.number().int().min(1).max(10_080),
    slowMinDistinctUsers: z.number().int().min(2),
    minUnsuccessfulShare: z.number().min(0).max(1),
    slowMinUnsuccessfulShare: z.number().min(0).max(1),
    failingSteps: z.array(ssprStepSchema),
    successSteps: z.array(ssprStepSchema),
    ipv4PrefixLength: z.number().int().min(8).max(32),
    ipv6PrefixLength: z.number().int().min(16).max(128),
    mergeGapMinutes: z.number().int().min(0),
    highSeverityUserMultiple: z.number().min(1),
    maxEvidence: z.number().int().min(1).max(10_000),
  })
  .refine((p) => p.windowMinutes % p.bucketMinutes === 0 && p.slowWindowMinutes % p.bucketMinutes === 0, {
    message: 'windowMinutes and slowWindowMinutes must be multiples of bucketMinutes',
    path: ['windowMinutes'],
  });
export type ResetSprayParams = z.infer<typeof resetSprayParamsSchema>;

/** Per user in a window: bit 1 attempted, 2 failed the gate, 4 reset/unlocked successfully. */
export const ATTEMPTED = 1;
export const FAILED = 2;
export const SUCCEEDED = 4;

/** One network's SSPR activity in one bucket: user → flags, and evidence rows. */
export interface NetSlice {
  users: Record<string, number>;
  log: EvidenceLog;
}
/** A `bucketMinutes` slice of time (index `b` since the epoch) by network. */
export interface Bucket {
  b: number;
  nets: Record<string, NetSlice>;
}
/** A judged window: its length, start (epoch ms) and user counts. */
export interface WindowView {
  minutes: number;
  start: number;
  distinct: number;
  unsuccessful: number;
}
/** One network's spray from its first qualifying window until `mergeGapMinutes` pass without one. */
export interface Episode {
  start: number;
  lastHitEnd: number;
  users: Record<string, number>;
  c: CaseFile;
  peak: WindowView;
}
/** Detector state: the open bucket, closed buckets of the slow window, and open episodes by network. */
export interface ResetSprayState {
  version: 1;
  /** Index of the last bucket closed (judged); events for it or earlier are late. */
  through: number | null;
  open: Bucket | null;
  closed: Bucket[];
  episodes: Record<string, Episode>;
}

/** Distinct users and those without a successful reset. */
export function countUsers(users: Record<string, number>): { distinct: number; unsuccessful: number } {
  let distinct = 0;
  let unsuccessful = 0;
  for (const name in users) {
    distinct += 1;
    if (((users[name] ?? 0) & SUCCEEDED) === 0) unsuccessful += 1;
  }
  return { distinct, unsuccessful };
}

/** The finding for a network's episode as it stands. */
export function toFinding(net: string, ep: Episode, p: ResetSprayParams): Finding {
  const { distinct, unsuccessful } = countUsers(ep.users);
  let failed = 0;
  let hijackSuspects = 0;
  for (const name in ep.users) {
    const flags = ep.users[name] ?? 0;
    if (flags & FAILED) failed += 1;
    if (flags & SUCCEEDED) hijackSuspects += 1;
  }
  const severity = unsuccessful >= p.highSeverityUserMultiple * p.minDistinctUsers || hijackSuspects > 0 ? 'high' : 'medium';
  const share = distinct === 0 ? 0 : unsuccessful / distinct;
  const ips = ep.c.ips.length === 1 ? `1 IP (${ep.c.ips[0] ?? ''})` : `${ep.c.ips.length} IPs`;
  const end = Math.max(ep.lastHitEnd, ep.c.last);
  const success = hijackSuspects > 0 ? `; ${hijackSuspects} of them then reset successfully from the same network` : '';
  return buildFinding({
    detector: RESET_SPRAY_ID,
    key: `net:${net}`,
    windowStart: ep.start,
    windowEnd: end,
    severity,
    caseFile: ep.c,
    attack: RESET_SPRAY_ATTACK,
    summary: `Reset spray: ${unsuccessful} users with unsuccessful SSPR attempts from ${net} (${ips}) ${windowText(ep.start, end)}, ${Math.round(share * 100)}% of ${distinct} users tried${success}`,
    threshold: {
      minDistinctUsers: p.minDistinctUsers,
      windowMinutes: p.windowMinutes,
      slowMinDistinctUsers: p.slowMinDistinctUsers,
      slowWindowMinutes: p.slowWindowMinutes,
      minUnsuccessfulShare: p.minUnsuccessfulShare,
      slowMinUnsuccessfulShare: p.slowMinUnsuccessfulShare,
    },
    baseline: {},
    observed: {
      distinctUsers: distinct,
      unsuccessfulUsers: unsuccessful,
      failedGateUsers: failed,
      succeededUsers: hijackSuspects,
      unsuccessfulShare: round1(share * 100) / 100,
      ips: ep.c.ips.length,
      peakUnsuccessfulUsers: ep.peak.unsuccessful,
      peakWindowMinutes: ep.peak.minutes,
    },
    text:
      `${unsuccessful} distinct users (${listText(Object.keys(ep.users).filter((u) => ((ep.users[u] ?? 0) & SUCCEEDED) === 0))}) ` +
      `started SSPR from ${net} without resetting; the peak window had ${ep.peak.unsuccessful} in ${ep.peak.minutes} min, ` +
      `against a threshold of ${p.minDistinctUsers} in ${p.windowMinutes} min (or ${p.slowMinDistinctUsers} in ${p.slowWindowMinutes} min) ` +
      `with at least ${Math.round(p.minUnsuccessfulShare * 100)}% of the network's SSPR users unsuccessful in the window and over ${p.slowWindowMinutes} min.`,
  });
}
