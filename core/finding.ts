import { z } from 'zod';

export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

/** Triage state an analyst moves a finding through; a replay never resets it. */
export const findingStatusSchema = z.enum(['open', 'acknowledged', 'resolved', 'false_positive']);
export type FindingStatus = z.infer<typeof findingStatusSchema>;

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

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
