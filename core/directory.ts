import { z } from 'zod';
import { authMethodSchema } from './event.ts';

/**
 * The directory inputs the KPIs read (issue 4): dated snapshots of a users CSV, a Graph
 * `userRegistrationDetails` export, a privileged-accounts list and a helpdesk ticket CSV. The row schemas are
 * the contract between the parsers (`ingest/formats/directory.ts`, which produce rows) and `kpi/` (which reads
 * them back from the store).
 */

/** Which directory input a snapshot holds. */
export type SnapshotKind = 'users' | 'registration' | 'privileged' | 'tickets';

/** One file of a directory input, stored as one dated snapshot. */
export interface DirectorySnapshot {
  kind: SnapshotKind;
  /** When the snapshot describes the directory (file time or the export's own date). */
  takenAt: string;
  source: string;
  rows: unknown[];
}

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

/** One user of a `userRegistrationDetails` export, normalized. `methods` maps `methodsRegistered` to the event model. */
export const registrationRowSchema = z.object({
  /** Lower-case UPN: the join key with Entra events. */
  upn: z.string().min(1),
  id: z.string().optional(),
  displayName: z.string().optional(),
  isSsprRegistered: z.boolean().optional(),
  isSsprCapable: z.boolean().optional(),
  isSsprEnabled: z.boolean().optional(),
  isMfaRegistered: z.boolean().optional(),
  isMfaCapable: z.boolean().optional(),
  isPasswordlessCapable: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  userType: z.string().optional(),
  /** Graph's own method names as exported (`mobilePhone`, `fido2SecurityKey`, ...). */
  methodsRegistered: z.array(z.string()),
  /** The same methods in the event model's vocabulary, deduplicated, in first-seen order. */
  methods: z.array(authMethodSchema),
  /** Graph's lastUpdatedDateTime as ISO; the ingest shell dates the snapshot by the latest one. */
  lastUpdatedDateTime: isoTime.optional(),
});
export type RegistrationRow = z.infer<typeof registrationRowSchema>;

/** One eligible user from a users CSV. */
export const userRowSchema = z.object({
  upn: z.string().min(1),
  displayName: z.string().optional(),
  department: z.string().optional(),
  group: z.string().optional(),
});
export type UserRow = z.infer<typeof userRowSchema>;

/** One helpdesk ticket; times are UTC ISO. A ticket without `resolved` is still open. */
export const ticketRowSchema = z.object({
  id: z.string().optional(),
  created: isoTime,
  resolved: isoTime.optional(),
  category: z.string().optional(),
  user: z.string().optional(),
});
export type TicketRow = z.infer<typeof ticketRowSchema>;

/** One line of a privileged-accounts list: a lower-case UPN or sAMAccountName (domain prefix split off). */
export const privilegedRowSchema = z.object({
  account: z.string().min(1),
  domain: z.string().optional(),
});
export type PrivilegedRow = z.infer<typeof privilegedRowSchema>;
