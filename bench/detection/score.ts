/**
 * Scoring of findings against the generator's ground truth (fixtures/generator/truth.ts), for the detection
 * benchmark. Pure: findings and truth in, counts out.
 *
 * Matching rules (MATCHING below is printed by the benchmark and copied into its JSON):
 * - A finding of detector D is compatible with an incident when the incident's `detector` is D or its
 *   `alsoDetectors` lists D, their times overlap ([firstSeen − tolerance, lastSeen + tolerance] meets
 *   [start, end], tolerance 60 min by default), and they share an entity:
 *   - user-keyed incident (`user` set): the finding's user or one of its entity users is that user;
 *   - IP / tenant-keyed incident (no `user`): one of the finding's IPs is the incident's `ip` or in its `ips`,
 *     or the finding's `net:` block contains one of them, or one of the finding's users is in the incident's
 *     `users`, or the finding is tenant-keyed (`key` = `tenant`): tenant-wide incidents match tenant findings.
 *   Users compare by the lower-case UPN local part, because AD records name `adm-x` where Entra names
 *   `adm-x@contoso.com` (the detectors key people the same way: detectors/lib/identity.ts).
 * - A compatible incident whose primary `detector` is D: the first such finding is a true positive, later ones
 *   on the same incident are duplicates (neither TP nor FP). An incident counts as recalled for D only if D is
 *   its primary detector.
 * - A finding compatible only through `alsoDetectors` is "allowed": not a TP, not an FP, not required.
 * - Findings whose key starts with `helpdesk:` (lockout-storm's daily non-paging helpdesk digest,
 *   `observed.page` false) are informational: not scored, only counted.
 * - Any other finding is a false positive; when it shares time and entity with a benign look-alike, the hit is
 *   reported with the look-alike's kind.
 */
import type { Finding } from '../../core/finding.ts';
import { cidrContains, parseCidr, parseIp } from '../../detectors/ip-net.ts';

/** The part of the generator's incident truth the matcher reads. */
export interface TruthIncident {
  id: string;
  detector: string;
  variant: string;
  user?: string;
  ip?: string;
  users?: string[];
  ips?: string[];
  start: string;
  end: string;
  note?: string;
  alsoDetectors: readonly string[];
}

/** The part of a benign look-alike the matcher reads. */
export interface TruthBenign {
  id: string;
  kind: string;
  user?: string;
  ip?: string;
  users?: string[];
  start: string;
  end: string;
}

/** What the matcher reads of a finding (a stored Finding, or a baseline alert of the same shape). */
export type ScoredFinding = Pick<Finding, 'detector' | 'key' | 'user' | 'ips' | 'firstSeen' | 'lastSeen'> & {
  entities: Pick<Finding['entities'], 'users' | 'ips'>;
};

export const DEFAULT_TOLERANCE_MINUTES = 60;
export const INFORMATIONAL_KEY_PREFIX = 'helpdesk:';

/** The matching rules as data, printed by the benchmark. */
export const MATCHING = {
  toleranceMinutes: DEFAULT_TOLERANCE_MINUTES,
  truePositive:
    "a finding of detector D overlapping in time (± tolerance) an incident whose detector is D and sharing its entity (user-keyed: the user; IP/tenant-keyed: the IP, the finding's net: block, any of its users, or a tenant-keyed finding)",
  duplicates: 'further findings on an already matched incident: neither TP nor FP',
  allowed: "findings matching an incident only through its alsoDetectors: neither TP nor FP, and such incidents are not required for D's recall",
  recall: 'an incident is recalled for D only if D is its primary detector',
  informational: "findings whose key starts with 'helpdesk:' (lockout-storm's non-paging helpdesk digest) are excluded from scoring",
  falsePositive: 'any other finding; benign look-alikes it touches are reported by kind',
  users: 'compared by lower-case UPN local part (AD names sAMAccountName, Entra the UPN)',
} as const;

/** Counts for one detector (or one baseline) over one or more tenants. */
export interface DetectorScore {
  tp: number;
  fp: number;
  fn: number;
  duplicates: number;
  allowed: number;
  informational: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  incident: string;
  detector: string;
  variant: string;
  note: string;
}

export interface FalsePositive {
  detector: string;
  key: string;
  firstSeen: string;
  lastSeen: string;
  /** Benign look-alikes the finding touches (`kind:id`), empty when none. */
  benign: string[];
}

export interface BenignHit {
  detector: string;
  kind: string;
  benign: string;
  key: string;
  firstSeen: string;
}

export interface ScoreResult {
  score: DetectorScore;
  misses: Miss[];
  falsePositives: FalsePositive[];
  benignHits: BenignHit[];
}

const person = (name: string): string => {
  const lower = name.trim().toLowerCase();
  const slash = lower.indexOf('\\');
  const bare = slash >= 0 ? lower.slice(slash + 1) : lower;
  const at = bare.indexOf('@');
  return at > 0 ? bare.slice(0, at) : bare;
};

function findingUsers(f: ScoredFinding): Set<string> {
  const out = new Set(f.entities.users.map(person));
  if (f.user !== undefined) out.add(person(f.user));
  return out;
}

function findingIpsMatch(f: ScoredFinding, ips: readonly string[]): boolean {
  if (ips.length === 0) return false;
  const own = new Set([...f.ips, ...f.entities.ips]);
  if (ips.some((ip) => own.has(ip))) return true;
  if (!f.key.startsWith('net:')) return false;
  const block = parseCidr(f.key.slice(4));
  if (block === undefined) return false;
  return ips.some((ip) => {
    const parsed = parseIp(ip);
    return parsed !== undefined && cidrContains(block, parsed);
  });
}

/** True when the finding and the truth entry overlap in time, tolerance included (minutes). */
export function overlaps(f: ScoredFinding, t: { start: string; end: string }, toleranceMinutes: number): boolean {
  const tol = toleranceMinutes * 60_000;
  return Date.parse(f.firstSeen) - tol <= Date.parse(t.end) && Date.parse(f.lastSeen) + tol >= Date.parse(t.start);
}

/** True when the finding shares the entity of an incident or look-alike (rules in the module comment). */
export function sharesEntity(f: ScoredFinding, t: { user?: string; ip?: string; users?: string[]; ips?: string[] }): boolean {
  const users = findingUsers(f);
  if (t.user !== undefined) return users.has(person(t.user));
  if (f.key === 'tenant') return true;
  if (findingIpsMatch(f, [...(t.ip !== undefined ? [t.ip] : []), ...(t.ips ?? [])])) return true;
  return (t.users ?? []).some((u) => users.has(person(u)));
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

/** Precision, recall and F1 from counts (an empty denominator scores 1: nothing to find, nothing wrong). */
export function withRates(c: Pick<DetectorScore, 'tp' | 'fp' | 'fn' | 'duplicates' | 'allowed' | 'informational'>): DetectorScore {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

/** Sums scores (of several tenants) and recomputes the rates. */
export function addScores(scores: readonly DetectorScore[]): DetectorScore {
  const sum = { tp: 0, fp: 0, fn: 0, duplicates: 0, allowed: 0, informational: 0 };
  for (const s of scores) {
    sum.tp += s.tp;
    sum.fp += s.fp;
    sum.fn += s.fn;
    sum.duplicates += s.duplicates;
    sum.allowed += s.allowed;
    sum.informational += s.informational;
  }
  return withRates(sum);
}

/**
 * Scores the findings of detector `detector` (others in the list are ignored) against one tenant's truth.
 * Findings are taken in firstSeen order; a finding compatible with several primary incidents takes the
 * first one not yet matched.
 */
export function scoreDetector(
  detector: string,
  findings: readonly ScoredFinding[],
  incidents: readonly TruthIncident[],
  benign: readonly TruthBenign[],
  toleranceMinutes = DEFAULT_TOLERANCE_MINUTES,
): ScoreResult {
  const mine = findings.filter((f) => f.detector === detector).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.key.localeCompare(b.key));
  const relevant = incidents.filter((i) => i.detector === detector || i.alsoDetectors.includes(detector));
  const matched = new Set<string>();
  const counts = { tp: 0, fp: 0, fn: 0, duplicates: 0, allowed: 0, informational: 0 };
  const falsePositives: FalsePositive[] = [];
  const benignHits: BenignHit[] = [];
  for (const f of mine) {
    if (f.key.startsWith(INFORMATIONAL_KEY_PREFIX)) {
      counts.informational += 1;
      continue;
    }
    const compatible = relevant.filter((i) => overlaps(f, i, toleranceMinutes) && sharesEntity(f, i));
    const primary = compatible.filter((i) => i.detector === detector);
    const fresh = primary.find((i) => !matched.has(i.id));
    if (fresh !== undefined) {
      matched.add(fresh.id);
      counts.tp += 1;
    } else if (primary.length > 0) counts.duplicates += 1;
    else if (compatible.length > 0) counts.allowed += 1;
    else {
      counts.fp += 1;
      const touched = benign.filter((b) => overlaps(f, b, toleranceMinutes) && sharesEntity(f, b));
      for (const b of touched) benignHits.push({ detector, kind: b.kind, benign: b.id, key: f.key, firstSeen: f.firstSeen });
      falsePositives.push({ detector, key: f.key, firstSeen: f.firstSeen, lastSeen: f.lastSeen, benign: touched.map((b) => `${b.kind}:${b.id}`) });
    }
  }
  const misses: Miss[] = [];
  for (const i of incidents) {
    if (i.detector !== detector || matched.has(i.id)) continue;
    counts.fn += 1;
    misses.push({ incident: i.id, detector, variant: i.variant, note: i.note ?? '' });
  }
  return { score: withRates(counts), misses, falsePositives, benignHits };
}
