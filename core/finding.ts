import { z } from 'zod';

export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Triage state an analyst moves a finding through; a replay never resets it. `suppressed` hides a finding
 * until `suppressedUntil`, when it is open again.
 */
export const findingStatusSchema = z.enum(['open', 'acknowledged', 'resolved', 'false_positive', 'suppressed']);
export type FindingStatus = z.infer<typeof findingStatusSchema>;

/** How a closed finding was judged: a real attack, legitimate activity (benign), or a detection mistake. */
export const resolutionSchema = z.enum(['true-positive', 'benign', 'false-positive']);
export type Resolution = z.infer<typeof resolutionSchema>;

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

/**
 * What triage sets on a finding beside its status. Kept apart from what detection writes, so a detector re-run
 * (an upsert of the same id) never changes it. `cause` is why a benign finding was benign (`corporate-vpn`,
 * `travel`, `own-script`, `other`): repeated causes become tuning proposals.
 */
export const triageFieldsSchema = z.object({
  assignee: z.string().min(1).optional(),
  resolution: resolutionSchema.optional(),
  cause: z.string().min(1).optional(),
  suppressedUntil: isoTime.optional(),
  /** The last triage change: when and by whom. */
  triagedAt: isoTime.optional(),
  triagedBy: z.string().min(1).optional(),
});
export type TriageFields = z.infer<typeof triageFieldsSchema>;

/** The triage fields' names: what detection never writes and a replay keeps. */
export const triageFieldNames = Object.keys(triageFieldsSchema.shape) as Array<keyof TriageFields>;

/** What a finding was judged against, so an analyst can see why it fired. */
export const explanationSchema = z.object({
  window: z.object({ start: isoTime, end: isoTime }),
  /** The limit that was crossed, e.g. `{ "denials": 5, "windowMinutes": 10 }`. */
  threshold: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** What normal looks like for this key, e.g. `{ "median": 2, "mad": 1 }`; empty when the rule is absolute. */
  baseline: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** The measured value(s) that crossed it. */
  observed: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** One or more sentences in plain words. */
  text: z.string(),
});
export type Explanation = z.infer<typeof explanationSchema>;

export const findingSchema = z.object({
  /** Hash of (detector, key, window start): a replay updates the same finding. */
  id: z.string(),
  detector: z.string(),
  /** The detector's grouping key, e.g. `user:alice@contoso.com` or `ip:203.0.113.7`. */
  key: z.string(),
  severity: severitySchema,
  status: findingStatusSchema,
  /** Primary user when the finding is about one user. */
  user: z.string().optional(),
  ips: z.array(z.string()),
  firstSeen: isoTime,
  lastSeen: isoTime,
  summary: z.string(),
  explanation: explanationSchema,
  /** Event ids (SsprEvent.id) that make the case. */
  evidence: z.array(z.string()),
  /** MITRE ATT&CK technique ids, e.g. `T1621`. */
  attack: z.array(z.string()),
  entities: z.object({
    users: z.array(z.string()),
    ips: z.array(z.string()),
    locations: z.array(z.string()),
  }),
  /**
   * Set when detection no longer produces this finding (late data explained it away, a rebuild no longer
   * finds it). The finding is kept, with its analyst status, so whoever saw or was paged about it can see why.
   */
  retracted: z.object({ at: isoTime, reason: z.string() }).optional(),
  ...triageFieldsSchema.shape,
});
export type Finding = z.infer<typeof findingSchema>;

/**
 * What one detection run did to one finding: the alert router turns these into messages. `finding` is as
 * stored after the run; `previous` as stored before it (absent when created). A finding that comes back after
 * a retraction is `updated` with a `previous` that carries `retracted`.
 */
export const findingChangeSchema = z.object({
  kind: z.enum(['created', 'updated', 'retracted']),
  finding: findingSchema,
  previous: findingSchema.optional(),
});
export type FindingChange = z.infer<typeof findingChangeSchema>;

/** A finding's analyst state: its status and triage fields. */
export const triageStateSchema = triageFieldsSchema.extend({ status: findingStatusSchema });
export type TriageState = z.infer<typeof triageStateSchema>;

/** The status and the triage fields that are set. */
export function triageStateOf(finding: Finding): TriageState {
  const state: TriageState = { status: finding.status };
  for (const name of triageFieldNames) if (finding[name] !== undefined) Object.assign(state, { [name]: finding[name] });
  return state;
}

/** `found` (as detection made it) with the analyst's status and triage fields of `stored`: what an upsert keeps. */
export function keepTriage(found: Finding, stored: Finding): Finding {
  const out: Finding = { ...found };
  for (const name of triageFieldNames) delete out[name];
  return { ...out, ...triageStateOf(stored) };
}
