import { z } from 'zod';
import { authMethodSchema } from '../core/event.ts';
import { SsprError } from '../core/errors.ts';

/**
 * KPI settings (issue 4). Everything a KPI multiplies by is data here, shown next to the number it produced.
 * Money and the helpdesk default resolution time have NO default on purpose: a built-in figure would be
 * reported as if it were the tenant's own, so the KPIs that need them say "not available: ..." until set.
 */

/** An ISO 8601 date or time (a bare date is midnight UTC), normalized to the event model's ISO form. */
const instantSchema = z
  .string()
  .refine((v) => Number.isFinite(Date.parse(v)), { message: 'expected an ISO 8601 date or time' })
  .transform((v) => new Date(Date.parse(v)).toISOString());

/** An amount of money in an ISO 4217 currency. */
export const moneySchema = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
  amount: z.number().nonnegative(),
});
export type Money = z.infer<typeof moneySchema>;

/** A half-open UTC interval `[from, to)`. */
export const intervalSchema = z
  .object({ from: instantSchema, to: instantSchema })
  .refine((p) => p.from < p.to, { message: 'from must be before to' });

/**
 * Method strength classes, from the issue: phishing-resistant (FIDO2, Windows Hello, passkeys, certificates,
 * Authenticator with number matching), moderate (other app/OTP factors), weak (SMS, voice, email — phone and
 * mailbox takeover), weakest (security questions — guessable, researchable). Methods in no class (`password`,
 * `other`) are "unclassified" and never make a user weak-only.
 */
export const methodClassesSchema = z.object({
  phishingResistant: z.array(authMethodSchema),
  moderate: z.array(authMethodSchema),
  weak: z.array(authMethodSchema),
  weakest: z.array(authMethodSchema),
});
export type MethodClasses = z.infer<typeof methodClassesSchema>;
export type MethodClass = keyof MethodClasses | 'unclassified';

const defaultMethodClasses: MethodClasses = {
  phishingResistant: ['fido2', 'windowsHello', 'passkey', 'certificate', 'authenticatorNumberMatch'],
  moderate: ['authenticatorPush', 'authenticatorOtp', 'hardwareOath', 'temporaryAccessPass'],
  weak: ['sms', 'voice', 'email'],
  weakest: ['securityQuestions'],
};

/**
 * When a registration-details row counts as "registered the required methods":
 * `isSsprRegistered` — Graph's own flag, which applies the tenant's SSPR policy (number of methods required);
 * a row without the flag falls back to "has at least one method".
 * `methods` — at least `minCount` registered methods, counting only `anyOf` when given.
 * Either way, a "User registered all required security info" event after the snapshot also counts.
 */
export const requiredMethodsSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('isSsprRegistered') }),
  z.object({ rule: z.literal('methods'), minCount: z.number().int().positive(), anyOf: z.array(authMethodSchema).optional() }),
]);
export type RequiredMethods = z.infer<typeof requiredMethodsSchema>;

export const kpiConfigSchema = z
  .object({
    /** Fully loaded cost of handling one password/unlock ticket. No default. */
    costPerTicket: moneySchema.optional(),
    /** Loaded hourly cost of an employee's time (salary + overhead). No default. */
    employeeHourlyCost: moneySchema.optional(),
    /** Helpdesk resolution time used when no ticket CSV was ingested. No default. */
    helpdeskDefaultResolutionMinutes: z.number().positive().optional(),
    /** Pre-launch baseline for ticket reduction; default: from the first ticket to the period start. */
    baseline: intervalSchema.optional(),
    methodClasses: methodClassesSchema.default(defaultMethodClasses),
    requiredMethods: requiredMethodsSchema.default({ rule: 'isSsprRegistered' }),
    /**
     * Max distance between the two planes' records of one reset: an Entra reset and its AD 4724 writeback
     * (seconds apart in practice), an Entra admin reset and its writeback. Generous so clock skew and
     * audit-log latency never split one reset into two; two real resets of one user this close are rare.
     */
    crossPlaneWindowMinutes: z.number().positive().default(30),
    /**
     * Entra admin-reset records of one user without a shared correlation id this close are one reset (Entra
     * logs "Reset password (by admin)" and "Reset user password" for the same reset, under a second apart).
     */
    cloudDuplicateWindowSeconds: z.number().positive().default(120),
    /** Ticket categories that are password work (case-insensitive substring). A ticket without a category counts. */
    passwordTicketCategories: z.array(z.string().min(1)).default(['password', 'unlock', 'lockout', 'locked out']),
    /** Flow-progress events of one user without a correlation id further apart than this start a new flow. */
    flowGapMinutes: z.number().positive().default(60),
    /** How many failure reasons to list. */
    topFailureReasons: z.number().int().positive().default(5),
    /** Days in the "month" of per-month figures: the mean Gregorian month (365.2425 / 12). */
    daysPerMonth: z.number().positive().default(30.436875),
  })
  .refine((c) => c.costPerTicket === undefined || c.employeeHourlyCost === undefined || c.costPerTicket.currency === c.employeeHourlyCost.currency, {
    message: 'costPerTicket and employeeHourlyCost must use the same currency',
    path: ['employeeHourlyCost', 'currency'],
  });

/** Validated KPI settings with defaults applied. */
export type KpiConfig = z.infer<typeof kpiConfigSchema>;
/** KPI settings as a user writes them (every field optional). */
export type KpiConfigInput = z.input<typeof kpiConfigSchema>;

/** The defaults alone. */
export const defaultKpiConfig: KpiConfig = kpiConfigSchema.parse({});

/** Validates user KPI settings once, at start-up; throws CONFIG_INVALID naming the bad field's path. */
export function parseKpiConfig(raw: unknown, source = 'kpi config'): KpiConfig {
  const result = kpiConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new SsprError('CONFIG_INVALID', `${source}: ${path}: ${issue?.message ?? 'invalid'}`, { cause: result.error });
}
