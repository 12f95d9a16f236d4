import { z } from 'zod';

/**
 * The normalized event every source is turned into. Field names follow the Elastic Common Schema where
 * ECS has one (`timestamp` = `@timestamp`, `dataset` = `event.dataset`, `action` = `event.action`,
 * `outcome` = `event.outcome`, `reason` = `event.reason`, `user` = `user.target`, `actor` = `user` with its
 * kind, `source.ip` / `source.geo`, `host.name`), flattened one level to keep events cheap to build.
 */

/** Where a record came from: the log plane and table. */
export const datasetSchema = z.enum(['entra.audit', 'entra.signin', 'ad.security', 'directory']);
export type Dataset = z.infer<typeof datasetSchema>;

/**
 * What happened. `sspr.*` are the self-service flows; `registration.*` security-info (authentication
 * method) changes; `password.reset` a reset of someone else's password (admin, helpdesk, or the sync
 * account writing an SSPR reset back to AD); `password.change` a user changing their own password
 * (on-prem 4723, or the password-hash-sync echo in Entra).
 */
export const actionSchema = z.enum([
  'sspr.reset',
  'sspr.unlock',
  'sspr.change',
  'sspr.progress',
  'registration.started',
  'registration.added',
  'registration.changed',
  'registration.removed',
  'registration.completed',
  'password.reset',
  'password.change',
  'account.lockout',
  'account.unlock',
  'account.changed',
  'mfa.challenge',
  'signin',
]);
export type Action = z.infer<typeof actionSchema>;

/** ECS outcome, plus `blocked` for "Blocked from self-service password reset". */
export const outcomeSchema = z.enum(['success', 'failure', 'blocked', 'unknown']);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Who performed the action relative to the target user. `sync` is Entra Connect / cloud sync writing back. */
export const actorKindSchema = z.enum(['self', 'admin', 'helpdesk', 'sync', 'service', 'system', 'unknown']);
export type ActorKind = z.infer<typeof actorKindSchema>;

/** Authentication / verification method, from strongest to weakest family. */
export const authMethodSchema = z.enum([
  'fido2',
  'windowsHello',
  'passkey',
  'certificate',
  'authenticatorPush',
  'authenticatorNumberMatch',
  'authenticatorOtp',
  'hardwareOath',
  'temporaryAccessPass',
  'sms',
  'voice',
  'email',
  'securityQuestions',
  'password',
  'other',
]);
export type AuthMethod = z.infer<typeof authMethodSchema>;

/** Result of an MFA challenge as Entra words it in `Status.additionalDetails` / `authenticationDetails`. */
export const mfaResultSchema = z.enum(['approved', 'denied', 'timeout', 'wrongNumber', 'duplicate', 'fraud', 'other']);
export type MfaResult = z.infer<typeof mfaResultSchema>;

/** Steps of the SSPR flow as logged by "Self-service password reset flow activity progress". */
export const ssprStepSchema = z.enum([
  'started',
  'userIdSubmitted',
  'verificationStarted',
  'verified',
  'verificationFailed',
  'passwordSubmitted',
  'succeeded',
  'failed',
  'blocked',
  'abandoned',
  'other',
]);
export type SsprStep = z.infer<typeof ssprStepSchema>;

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

export const userRefSchema = z.object({
  /** Normalized lower-case identity: the UPN when known, else the sAMAccountName. The join key. */
  name: z.string().min(1),
  upn: z.string().optional(),
  sam: z.string().optional(),
  domain: z.string().optional(),
  /** Entra object id or AD SID. */
  id: z.string().optional(),
});
export type UserRef = z.infer<typeof userRefSchema>;

export const actorSchema = z.object({
  kind: actorKindSchema,
  name: z.string().optional(),
  id: z.string().optional(),
  /** Display name of an application actor (e.g. "Microsoft password reset service"). */
  app: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const geoSchema = z.object({
  /** ISO 3166-1 alpha-2. */
  country: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  /** `log` when the record carried it, `geoip` when looked up from the IP. */
  origin: z.enum(['log', 'geoip']),
});
export type Geo = z.infer<typeof geoSchema>;

export const ssprEventSchema = z.object({
  /** `${dataset}:${source record id}`: the dedupe key, equal for the same record in any export shape. */
  id: z.string().min(3),
  /** Event time, UTC, ISO 8601 with milliseconds. */
  timestamp: isoTime,
  dataset: datasetSchema,
  action: actionSchema,
  outcome: outcomeSchema,
  /** Free text reason as the log gives it (ResultReason, failure reason, status text). */
  reason: z.string().optional(),
  /** Numeric/result code as text: Entra ResultType (50126), Windows Status/SubStatus (0xC000006A). */
  resultCode: z.string().optional(),
  /** The account whose password, lock state or methods were acted on (ECS user.target). */
  user: userRefSchema,
  actor: actorSchema,
  source: z
    .object({
      ip: z.string().optional(),
      geo: geoSchema.optional(),
    })
    .optional(),
  authMethod: authMethodSchema.optional(),
  mfaResult: mfaResultSchema.optional(),
  ssprStep: ssprStepSchema.optional(),
  correlationId: z.string().optional(),
  /** Entra sign-in / MFA request id: the same push retried shares it. */
  requestId: z.string().optional(),
  /** The machine that logged the record (domain controller, Entra service). ECS host.name. */
  host: z.string().optional(),
  /** The client device the log names: 4740 CallerComputerName, 4625 WorkstationName, Entra DeviceDetail. */
  device: z.string().optional(),
  /** The application signed in to or used (Entra AppDisplayName). */
  app: z.string().optional(),
  /** Short labels: `phs-echo` (password-hash-sync echo of an on-prem reset), `writeback`, `interactive`. */
  tags: z.array(z.string()).optional(),
  raw: z.object({
    /** The parser that read it (see ingest/formats). */
    format: z.string(),
    /** Where the raw record is: `file:line`, `file#offset`, `index/_id`. */
    ref: z.string(),
  }),
});
export type SsprEvent = z.infer<typeof ssprEventSchema>;

/** Lower-cases and trims an identity; strips a `DOMAIN\` prefix into the domain part. */
export function normalizeIdentity(value: string): { name: string; domain?: string } {
  const trimmed = value.trim().toLowerCase();
  const slash = trimmed.indexOf('\\');
  if (slash > 0) return { name: trimmed.slice(slash + 1), domain: trimmed.slice(0, slash) };
  return { name: trimmed };
}

/** Formats any parseable time as the event model's ISO string, or undefined when it is not a time. */
export function toIsoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = typeof value === 'number' ? value : parseTimeText(value);
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

const isoLike = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses log time text. Times without a zone are UTC (Log Analytics and Windows write UTC). */
function parseTimeText(text: string): number {
  const m = isoLike.exec(text.trim());
  if (!m) return text.trim() === '' ? Number.NaN : Date.parse(text);
  // Windows writes 7 fractional digits (100 ns ticks); Date.parse wants at most 3.
  const fraction = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
  return Date.parse(`${m[1]}T${m[2]}${fraction}${m[4] ?? 'Z'}`);
}
