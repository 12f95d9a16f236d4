import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SsprError } from './errors.ts';

/**
 * The user config file (JSON, or YAML by its `.yaml`/`.yml` extension):
 * `{ "detectors": { "<id>": { "enabled"?: bool, ...params } }, "kpi": {...}, "alerts": {...} }`.
 * Each section is validated in depth by its owner (the detector registry, the KPI config schema, the alert
 * router's schema); here only the outline, so a typo in a section name fails at start-up with its path.
 */
export const appConfigSchema = z.strictObject({
  /** Free text for the reader (where the figures come from). */
  description: z.string().optional(),
  detectors: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  kpi: z.record(z.string(), z.unknown()).optional(),
  /** `sspr serve`: sign-in (OIDC), public URL, tuning; validated by dashboard/server/config.ts. */
  dashboard: z.record(z.string(), z.unknown()).optional(),
  /** `sspr pull log-analytics` settings (slicing, retries, overlap); validated in ingest/sources/log-analytics. */
  logAnalytics: z.record(z.string(), z.unknown()).optional(),
  /** Alert channels and routes (alerts/config.ts validates them). */
  alerts: z.record(z.string(), z.unknown()).optional(),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

const defaultPaths = ['sspr.config.json', 'sspr.config.yaml', 'sspr.config.yml'];

/** Where the config comes from: the flag, else SSPR_CONFIG, else ./sspr.config.json (or .yaml, .yml) when it exists. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag) return flag;
  if (env.SSPR_CONFIG) return env.SSPR_CONFIG;
  return defaultPaths.find((p) => existsSync(p));
}

/** Reads and validates the config; no file means defaults everywhere. */
export function loadConfig(path: string | undefined): AppConfig {
  if (path === undefined) return {};
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    const ext = extname(path).toLowerCase();
    raw = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new SsprError('CONFIG_INVALID', `cannot read config ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, path);
}

/** Validates a config object (its outline; sections are validated by their owners); CONFIG_INVALID names each bad field. */
export function parseConfig(raw: unknown, path: string): AppConfig {
  const parsed = appConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SsprError('CONFIG_INVALID', `config ${path} is invalid: ${text}`, { details: parsed.error.issues });
  }
  return parsed.data;
}

/**
 * A short digest of a config's `detectors` section (keys sorted), logged with each detection run: the
 * dashboard matches it against config versions to show which run first used an accepted tuning change.
 */
export function detectorsConfigDigest(config: unknown): string {
  const section = typeof config === 'object' && config !== null ? (config as { detectors?: unknown }).detectors : undefined;
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(sorted(section ?? {}))).digest('hex').slice(0, 16);
}
