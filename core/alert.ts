import { z } from 'zod';
import { findingSchema, severitySchema } from './finding.ts';

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

/**
 * What an alert says happened; the `type` of a webhook body. `finding.created` and `finding.updated` are the
 * issue's contract; `finding.retracted` (detection withdrew a finding that was alerted) and `finding.digest`
 * (findings a route's throttle or quiet hours held back, listed in one message) extend it.
 */
export const alertTypeSchema = z.enum(['finding.created', 'finding.updated', 'finding.retracted', 'finding.digest']);
export type AlertType = z.infer<typeof alertTypeSchema>;

/** Why a finding alert fired: first seen, severity raised, a chain completed, back after a retraction, retracted. */
export const alertReasonSchema = z.enum(['new', 'severity-raised', 'chain-completed', 'returned', 'retracted']);
export type AlertReason = z.infer<typeof alertReasonSchema>;

/** One evidence event as a person reads it in a message's evidence table. */
export const evidenceRowSchema = z.object({
  id: z.string(),
  time: isoTime,
  action: z.string(),
  outcome: z.string(),
  user: z.string().optional(),
  ip: z.string().optional(),
  place: z.string().optional(),
  method: z.string().optional(),
});
export type EvidenceRow = z.infer<typeof evidenceRowSchema>;

/** One finding alert inside a digest. */
export const digestEntrySchema = z.object({
  type: z.enum(['finding.created', 'finding.updated']),
  finding: findingSchema,
  reasons: z.array(alertReasonSchema),
});
export type DigestEntry = z.infer<typeof digestEntrySchema>;

/**
 * An alert as the outbox keeps it: self-contained, so a channel renders it without reading the store or the
 * detector registry again, and a retry renders the same message.
 */
export const alertSchema = z.object({
  type: alertTypeSchema,
  /** When the router decided to send it: the body's `timestamp`, the same on every retry. */
  at: isoTime,
  /** The finding as stored when the alert was made (absent on a digest). */
  finding: findingSchema.optional(),
  reasons: z.array(alertReasonSchema),
  /** The severity before a `severity-raised` update. */
  previousSeverity: severitySchema.optional(),
  /** The detector's title and triage note, from its metadata. */
  detector: z.object({ title: z.string(), triage: z.string() }).optional(),
  /** The first few evidence events, for the message's table. */
  evidenceRows: z.array(evidenceRowSchema).optional(),
  digest: z
    .object({
      route: z.string(),
      why: z.enum(['throttle', 'quiet-hours']),
      from: isoTime,
      to: isoTime,
      entries: z.array(digestEntrySchema),
    })
    .optional(),
  /** Set on `sspr alerts test` samples. */
  test: z.boolean().optional(),
});
export type Alert = z.infer<typeof alertSchema>;
