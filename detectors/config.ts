import { SsprError } from '../core/errors.ts';
import { detectors as registered } from './registry.ts';
import type { Detector } from './types.ts';

/**
 * The detector part of the user config: `{ detectors: { '<id>': { enabled?: boolean, ...params } } }`.
 * Params override the detector's defaults field by field (nested objects merge, arrays and scalars replace),
 * and the merged result is validated with the detector's `paramsSchema`.
 */
export interface DetectorsConfig {
  detectors?: Record<string, Record<string, unknown>>;
}

/** What `createEngine` takes: the enabled detectors and their validated params by id. */
export interface ResolvedDetectors {
  detectors: Detector[];
  params: Record<string, unknown>;
}

/** One bad field, with its path from the config root (`detectors.reset-spray.minDistinctUsers`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Defaults overridden by `override`: plain objects merge key by key, anything else replaces. Inputs are not mutated. */
export function mergeParams(defaults: unknown, override: unknown): unknown {
  if (!isPlain(defaults) || !isPlain(override)) return override === undefined ? defaults : override;
  const out: Plain = { ...defaults };
  for (const [k, v] of Object.entries(override)) out[k] = mergeParams(defaults[k], v);
  return out;
}

/** Paths of override keys the defaults do not have (a typo would otherwise be dropped by a lenient schema). */
function unknownKeys(defaults: unknown, override: unknown, path: string): string[] {
  if (!isPlain(defaults) || !isPlain(override)) return [];
  return Object.keys(override).flatMap((k) => (k in defaults ? unknownKeys(defaults[k], override[k], `${path}.${k}`) : [`${path}.${k}`]));
}

/**
 * Resolves the detector config against a registry (the full one by default). Unknown detector ids, unknown
 * parameters, a non-boolean `enabled` and params failing a detector's schema are all collected, then thrown as one
 * SsprError('DETECTOR_PARAMS_INVALID') whose message and `details` (ConfigIssue[]) name each bad field's path.
 */
export function resolveDetectors(config: unknown = {}, registry: readonly Detector[] = registered): ResolvedDetectors {
  const issues: ConfigIssue[] = [];
  const section = isPlain(config) ? config.detectors : undefined;
  if (config !== undefined && !isPlain(config)) issues.push({ path: '(root)', message: 'expected an object' });
  if (section !== undefined && !isPlain(section)) issues.push({ path: 'detectors', message: 'expected an object keyed by detector id' });
  const overrides: Plain = isPlain(section) ? section : {};
  const known = new Set(registry.map((d) => d.id));
  for (const id of Object.keys(overrides)) {
    if (!known.has(id)) issues.push({ path: `detectors.${id}`, message: `unknown detector (known: ${[...known].join(', ')})` });
    else if (!isPlain(overrides[id])) issues.push({ path: `detectors.${id}`, message: 'expected an object' });
  }
  const out: ResolvedDetectors = { detectors: [], params: {} };
  for (const d of registry) {
    const raw = overrides[d.id];
    const { enabled, ...params } = isPlain(raw) ? raw : {};
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      issues.push({ path: `detectors.${d.id}.enabled`, message: 'expected a boolean' });
    }
    for (const path of unknownKeys(d.defaults, params, `detectors.${d.id}`)) issues.push({ path, message: 'unknown parameter' });
    const parsed = d.paramsSchema.safeParse(mergeParams(d.defaults, params));
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        // Unknown keys are already reported one by one above, with their own paths.
        if (i.code !== 'unrecognized_keys') issues.push({ path: ['detectors', d.id, ...i.path.map(String)].join('.'), message: i.message });
      }
      continue;
    }
    if (enabled === false) continue;
    out.detectors.push(d);
    out.params[d.id] = parsed.data;
  }
  if (issues.length > 0) {
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new SsprError('DETECTOR_PARAMS_INVALID', `invalid detector config: ${text}`, { details: issues });
  }
  return out;
}
