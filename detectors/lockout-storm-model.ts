import { z } from 'zod';
import { actionSchema } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import { buildFinding, listText } from './lib/build-finding.ts';
import { cloneLog, emptyLog, type CaseFile, type EvidenceLog } from './lib/case-file.ts';
import type { RobustBaseline } from './lib/stats.ts';
import { DAY_MS, windowText } from './lib/time.ts';

/**
 * Params and state shapes of lockout-storm, and how a storm or a helpdesk digest reads as a finding.
 *
 * Defaults (defaults/lockout-storm.json) and why: 10 distinct users in a 15-minute window, evaluated every 5 min
 * (a spray locks users within minutes; one person's lockout is rarely repeated within 15 min for others);
 * above that the threshold is max(4 × median, median + 6 × spread) of the same window at the same time of day
 * ± 60 min over 7 days, once 50 samples exist, so a 50 000-user tenant's 9 a.m. (several lockouts per quarter
 * hour) needs ~25; post-reset grace 240 min ("the hours right after" a reset, when phones and mapped drives
 * retry the old password); storms merge across quiet gaps up to 60 min; evidence capped at 200 ids.
 */

export const LOCKOUT_STORM_ID = 'lockout-storm';
/** T1110 brute force (the usual cause of mass lockouts); T1531 account access removal (their effect). */
export const LOCKOUT_STORM_ATTACK = ['T1110', 'T1531'] as const;

/** Thresholds of lockout-storm; the defaults are defaults/lockout-storm.json. */
export const lockoutStormParamsSchema = z
  .strictObject({
    bucketMinutes: z.number().int().min(1).max(60),
    windowMinutes: z.number().int().min(1).max(1440),
    minDistinctUsers: z.number().int().min(2),
    lockoutResultCodes: z.array(z.string()),
    resetActions: z.array(actionSchema),
    postResetGraceMinutes: z.number().int().min(0),
    baselineDays: z.number().int().min(1).max(28),
    /** Baseline samples: the same window at the same time of day on each previous day, ± this many minutes. */
    neighborMinutes: z.number().int().min(0).max(720),
    minBaselineSamples: z.number().int().min(1),
    minRatio: z.number().min(1),
    madMultiplier: z.number().min(0),
    mergeGapMinutes: z.number().int().min(0),
    helpdeskDigest: z.boolean(),
    maxEvidence: z.number().int().min(1).max(10_000),
  })
  .refine((p) => p.windowMinutes % p.bucketMinutes === 0 && 1440 % p.bucketMinutes === 0, {
    message: 'bucketMinutes must divide windowMinutes and a day',
    path: ['bucketMinutes'],
  });
export type LockoutStormParams = z.infer<typeof lockoutStormParamsSchema>;

/** One `bucketMinutes` slice of time (index `b`): counted lockouts, unlocks and stale-password lockouts. */
export interface Bucket {
  b: number;
  /** Account keys counted (not down-ranked) in this bucket. */
  users: Record<string, 1>;
  log: EvidenceLog;
  /** Account key → [unlock event id, who unlocked], for correlating unlocks with the storm's users. */
  unlocks: Record<string, [string, string]>;
  downRanked: number;
}
/** The busiest window of a storm and what it was judged against. */
export interface Peak {
  users: number;
  threshold: number;
  baseline: RobustBaseline;
  start: number;
}
/** One storm, from its first window over threshold until `mergeGapMinutes` pass without one. */
export interface Episode {
  start: number;
  lastHitEnd: number;
  users: Record<string, 1>;
  unlocked: Record<string, 1>;
  unlockers: string[];
  downRanked: number;
  c: CaseFile;
  peak: Peak;
}
/** The day's stale-password lockouts after users' own resets, for the helpdesk. */
export interface Digest {
  day: string;
  users: Record<string, number>;
  c: CaseFile;
  changed: boolean;
}
/** Detector state: buckets of the window, a sparse history of window counts, recent resets, the open storm and digest. */
export interface LockoutStormState {
  version: 1;
  through: number | null;
  since: number | null;
  open: Bucket | null;
  closed: Bucket[];
  /** `[bucket index, distinct users in the window ending there]`, non-zero only, last `baselineDays`. */
  history: [number, number][];
  /** Account key → epoch ms of the latest successful reset or change. */
  resets: Record<string, number>;
  episode: Episode | null;
  digest: Digest | null;
}

/** An empty bucket. */
export const newBucket = (b: number): Bucket => ({ b, users: {}, log: emptyLog(), unlocks: {}, downRanked: 0 });
/** A copy the caller may mutate. */
export const cloneBucket = (x: Bucket): Bucket => ({ ...x, users: { ...x.users }, log: cloneLog(x.log), unlocks: { ...x.unlocks } });

/** The storm finding as it stands. */
export function stormFinding(ep: Episode, p: LockoutStormParams): Finding {
  const users = Object.keys(ep.users);
  const unlocked = Object.keys(ep.unlocked).length;
  const end = Math.max(ep.lastHitEnd, ep.c.last);
  const b = ep.peak.baseline;
  const base = b.samples > 0 ? `baseline median ${b.median}, MAD ${b.mad}` : 'no baseline yet';
  const unlockText = unlocked > 0 ? `; ${unlocked} unlocked (4767) by ${listText(ep.unlockers)}` : '';
  return buildFinding({
    detector: LOCKOUT_STORM_ID,
    key: 'tenant',
    windowStart: ep.start,
    windowEnd: end,
    severity: 'high',
    caseFile: ep.c,
    attack: LOCKOUT_STORM_ATTACK,
    summary:
      `Lockout storm: ${users.length} users locked out ${windowText(ep.start, end)} (peak ${ep.peak.users} in ${p.windowMinutes} min, ` +
      `threshold ${ep.peak.threshold}, ${base})${unlockText}; ${ep.downRanked} post-reset lockouts excluded`,
    threshold: { minDistinctUsers: p.minDistinctUsers, windowMinutes: p.windowMinutes, judgedThreshold: ep.peak.threshold, madMultiplier: p.madMultiplier, minRatio: p.minRatio },
    baseline: b.samples > 0 ? { median: b.median, mad: b.mad, samples: b.samples, baselineDays: p.baselineDays } : { median: null, mad: null, samples: 0 },
    observed: { distinctUsers: users.length, peakUsers: ep.peak.users, unlockedUsers: unlocked, downRankedLockouts: ep.downRanked, ips: ep.c.ips.length },
    text:
      `${users.length} distinct users (${listText(users)}) were locked out (4740 or Entra 50053); the busiest ${p.windowMinutes} min had ${ep.peak.users} ` +
      `against a threshold of ${ep.peak.threshold} (${base}). ${unlocked} of them were unlocked afterwards. ${ep.downRanked} lockouts ` +
      `within ${p.postResetGraceMinutes} min after the user's own reset were excluded as stale-password retries.`,
  });
}

/** The daily helpdesk digest: severity low, does not page. */
export function digestFinding(d: Digest, p: LockoutStormParams): Finding {
  const users = Object.keys(d.users);
  const start = Date.parse(`${d.day}T00:00:00.000Z`);
  return buildFinding({
    detector: LOCKOUT_STORM_ID,
    key: 'helpdesk:post-reset-lockouts',
    windowStart: start,
    windowEnd: start + DAY_MS,
    severity: 'low',
    caseFile: d.c,
    attack: [],
    summary: `Helpdesk: ${users.length} user${users.length === 1 ? '' : 's'} locked out by an old password within ${p.postResetGraceMinutes} min of their own reset on ${d.day} (${d.c.idCount} lockout${d.c.idCount === 1 ? '' : 's'}; not a storm)`,
    threshold: { postResetGraceMinutes: p.postResetGraceMinutes },
    baseline: {},
    observed: { users: users.length, lockouts: d.c.idCount, page: false },
    text: `Lockouts right after the same user's own successful reset usually come from a phone or mapped drive still using the old password. Tell ${listText(users)} to update their devices; no security action needed.`,
  });
}
