import { z } from 'zod';

/**
 * The KPI report: one object per KPI with its value, unit, period and a one-sentence method. Ids are the
 * API scripts rely on (`adoption.rate`, `resets.selfService`, ...); labels and method sentences are for
 * people. A KPI whose input is missing has `value: null`, `available: false` and `why: "not available: ..."`.
 */

/** The interval a KPI describes: `[from, to)` in UTC ISO; null when there was nothing to bound it. */
export const kpiPeriodSchema = z.object({ from: z.string().nullable(), to: z.string().nullable() });
export type KpiPeriod = z.infer<typeof kpiPeriodSchema>;

export const kpiFamilySchema = z.enum(['adoption', 'channels', 'ttr', 'cost', 'posture']);
export type KpiFamily = z.infer<typeof kpiFamilySchema>;

/** A breakdown cell: text, a number, or null (not applicable). */
export const breakdownCellSchema = z.union([z.string(), z.number(), z.null()]);
/** Named tables of rows (per week, per department, lists of users, inputs of a formula). */
export const breakdownSchema = z.record(z.string(), z.array(z.record(z.string(), breakdownCellSchema)));
export type Breakdown = z.infer<typeof breakdownSchema>;
export type BreakdownRow = Breakdown[string][number];

export const kpiSchema = z
  .object({
    id: z.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/),
    family: kpiFamilySchema,
    label: z.string().min(1),
    value: z.number().nullable(),
    /** `ratio` (0..1), `users`, `resets`, `unlocks`, `tickets`, `flows`, `events`, `minutes`, or an ISO 4217 currency. */
    unit: z.string().min(1),
    period: kpiPeriodSchema,
    /** One sentence: how the value is computed, with its inputs. */
    method: z.string().min(1),
    available: z.boolean(),
    why: z.string().startsWith('not available: ').optional(),
    breakdown: breakdownSchema.optional(),
  })
  .refine((k) => k.available === (k.value !== null), { message: 'available must be true exactly when value is a number' })
  .refine((k) => k.available || k.why !== undefined, { message: 'an unavailable KPI says why' });
export type Kpi = z.infer<typeof kpiSchema>;

export const kpiReportSchema = z.object({
  /** The reporting period. */
  period: kpiPeriodSchema,
  /** The instant point-in-time KPIs (adoption, method state) describe. */
  asOf: z.string().nullable(),
  kpis: z.array(kpiSchema),
});
export type KpiReport = z.infer<typeof kpiReportSchema>;

/** What every KPI of one computation shares. */
export interface KpiScope {
  period: KpiPeriod;
}

interface KpiFields {
  id: string;
  family: KpiFamily;
  label: string;
  unit: string;
  method: string;
  period?: KpiPeriod;
  breakdown?: Breakdown;
}

/** A KPI with a value. */
export function kpiValue(scope: KpiScope, fields: KpiFields, value: number): Kpi {
  const { breakdown, period, ...rest } = fields;
  return { ...rest, period: period ?? scope.period, value, available: true, ...(breakdown ? { breakdown } : {}) };
}

/** A KPI whose input is missing: `why` is completed to "not available: <reason>". */
export function kpiUnavailable(scope: KpiScope, fields: KpiFields, reason: string): Kpi {
  const { breakdown, period, ...rest } = fields;
  return {
    ...rest,
    period: period ?? scope.period,
    value: null,
    available: false,
    why: `not available: ${reason}`,
    ...(breakdown ? { breakdown } : {}),
  };
}

/** A value or the reason it cannot be computed; KPI modules pass these between families. */
export type Maybe<T> = { ok: true; value: T } | { ok: false; why: string };

export const some = <T>(value: T): Maybe<T> => ({ ok: true, value });
export const none = <T>(why: string): Maybe<T> => ({ ok: false, why });

/** Builds the KPI from a Maybe: its value, or unavailable with its reason. */
export function kpiFrom(scope: KpiScope, fields: KpiFields, value: Maybe<number>): Kpi {
  return value.ok ? kpiValue(scope, fields, value.value) : kpiUnavailable(scope, fields, value.why);
}

/** The KPI ids scripts rely on (issue 4 §7): never renamed, only added to. */
export const stableKpiIds = [
  'adoption.rate',
  'adoption.registered',
  'adoption.eligible',
  'resets.selfService',
  'unlocks.selfService',
  'resets.helpdesk',
  'ticketReduction.rate',
  'ttr.selfService.medianMinutes',
  'ttr.helpdesk.medianMinutes',
  'cost.savedPerMonth',
  'methods.weakShare',
  'funnel.completionRate',
] as const;
