import type { Explanation, Finding, Severity } from '../../core/finding.ts';
import { findingId } from '../finding-id.ts';
import type { CaseFile } from './case-file.ts';
import { isoOf } from './time.ts';

/** Everything a detector decides about one finding; `buildFinding` turns it into the shared `Finding` shape. */
export interface FindingDraft {
  detector: string;
  /** Grouping key: `user:<name>`, `ip:<addr>`, `net:<cidr>`, `tenant`, `actor:<name>`. */
  key: string;
  /** Epoch ms of the window (episode) start: with detector and key it makes the id, so keep it stable as the episode grows. */
  windowStart: number;
  windowEnd: number;
  severity: Severity;
  user?: string;
  caseFile: CaseFile;
  /** Extra users to list as entities (e.g. the acting account), besides the case file's. */
  extraUsers?: readonly string[];
  attack: readonly string[];
  summary: string;
  threshold: Explanation['threshold'];
  baseline: Explanation['baseline'];
  observed: Explanation['observed'];
  text: string;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** A `Finding` with status `open`, id from (detector, key, window start), evidence and entities from the case file. */
export function buildFinding(d: FindingDraft): Finding {
  const c = d.caseFile;
  const first = c.idCount > 0 ? c.first : d.windowStart;
  const last = c.idCount > 0 ? c.last : d.windowStart;
  const ips = sorted(c.ips);
  return {
    id: findingId(d.detector, d.key, d.windowStart),
    detector: d.detector,
    key: d.key,
    severity: d.severity,
    status: 'open',
    ...(d.user !== undefined ? { user: d.user } : {}),
    ips,
    firstSeen: isoOf(first),
    lastSeen: isoOf(last),
    summary: d.summary,
    explanation: {
      window: { start: isoOf(d.windowStart), end: isoOf(Math.max(d.windowEnd, d.windowStart)) },
      threshold: d.threshold,
      baseline: d.baseline,
      observed: { ...d.observed, evidenceEvents: c.idCount },
      text: d.text,
    },
    evidence: [...c.ids],
    attack: [...d.attack],
    entities: { users: sorted([...c.users, ...(d.extraUsers ?? [])]), ips, locations: sorted(c.locations) },
  };
}

/** `a, b, c and 4 more` for summaries. */
export function listText(values: readonly string[], shown = 3): string {
  if (values.length <= shown) return values.join(', ');
  return `${values.slice(0, shown).join(', ')} and ${values.length - shown} more`;
}
