import { z } from 'zod';
import { SsprError } from '../../../core/errors.ts';

/** The Entra tables `sspr pull log-analytics` reads when `--tables` is not given. */
export const DEFAULT_TABLES = ['AuditLogs', 'SigninLogs', 'AADNonInteractiveUserSignInLogs'] as const;

/** The public-cloud query endpoint, with the API version as the client's `endpoint` option wants it. */
export const DEFAULT_ENDPOINT = 'https://api.loganalytics.io/v1';

/**
 * The `logAnalytics` section of the config file. Every field has a default; flags override the config.
 * Limits: the query API returns at most 500,000 rows and about 64 MB per query
 * (learn.microsoft.com/azure/azure-monitor/service-limits, "Log queries API"), and a query may run up to
 * 10 minutes (`Prefer: wait=600`, the client's `serverTimeoutInSeconds`).
 */
export const logAnalyticsSettingsSchema = z.strictObject({
  workspace: z.string().min(1).optional(),
  tables: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table name')).min(1).optional(),
  endpoint: z.url({ protocol: /^https$/ }).optional(),
  /** Workspaces queried together with the main one (names, ids or resource ids: the client's `additionalWorkspaces`). */
  additionalWorkspaces: z.array(z.string().min(1)).default([]),
  /** How far before the checkpoint every pull starts again: Entra records reach Log Analytics late. */
  overlapMinutes: z.number().min(0).max(7 * 24 * 60).default(30),
  /** Where a table with no checkpoint starts when `--since` is not given. */
  firstPullHours: z.number().positive().default(24),
  /** `--follow` interval. */
  everySeconds: z.number().positive().default(60),
  serverTimeoutSeconds: z.number().int().min(1).max(600).default(180),
  slice: z
    .strictObject({
      initialMinutes: z.number().positive().default(60),
      minSeconds: z.number().positive().default(1),
      maxHours: z.number().positive().default(24),
      /** A slice is resized so it returns about this many rows ... */
      targetRows: z.number().int().positive().default(50_000),
      /** ... and about this much JSON (a quarter of the 64 MB cap). */
      targetMegabytes: z.number().positive().default(16),
      /** A complete answer with this many rows is treated as truncated (the API's row cap). */
      rowLimit: z.number().int().positive().default(500_000),
    })
    .prefault({}),
  retry: z
    .strictObject({
      /** Tries per request, the first included. */
      maxAttempts: z.number().int().min(1).max(20).default(6),
      /** First backoff without Retry-After; doubles per try, with jitter. */
      baseDelayMs: z.number().int().min(0).default(1000),
      /** No wait is longer, whatever Retry-After says. */
      maxDelaySeconds: z.number().min(0).default(120),
    })
    .prefault({}),
});
export type LogAnalyticsSettings = z.infer<typeof logAnalyticsSettingsSchema>;

/** Validates the config section (absent means defaults); a bad field fails with its path (exit 2). */
export function parseLogAnalyticsSettings(section: unknown): LogAnalyticsSettings {
  const parsed = logAnalyticsSettingsSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `logAnalytics.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SsprError('CONFIG_INVALID', `config is invalid: ${text}`, { details: parsed.error.issues });
  }
  return parsed.data;
}

/** Slicing limits in the units the puller works in. */
export interface SlicePolicy {
  initialMs: number;
  minMs: number;
  maxMs: number;
  targetRows: number;
  targetBytes: number;
  rowLimit: number;
}

export function slicePolicy(settings: LogAnalyticsSettings): SlicePolicy {
  const s = settings.slice;
  return {
    initialMs: s.initialMinutes * 60_000,
    minMs: s.minSeconds * 1000,
    maxMs: s.maxHours * 3_600_000,
    targetRows: s.targetRows,
    targetBytes: s.targetMegabytes * 1024 * 1024,
    rowLimit: s.rowLimit,
  };
}
