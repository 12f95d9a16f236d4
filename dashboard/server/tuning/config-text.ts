import { extname } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { SsprError } from '../../../core/errors.ts';
import type { TuningChange } from '../../../store/contract.ts';
import type { Json } from './apply.ts';

const isYaml = (path: string): boolean => ['.yaml', '.yml'].includes(extname(path).toLowerCase());
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config file's text as an object (`{}` when there is no file yet): JSON, or YAML by its extension, as `loadConfig` reads it. */
export function parseConfigText(text: string | undefined, path: string): Json {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = isYaml(path) ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new SsprError('CONFLICT', `the config file ${path} cannot be read (${(cause as Error).message}); fix it before accepting changes`, { cause });
  }
  if (!isObject(parsed)) throw new SsprError('CONFLICT', `the config file ${path} is not an object`);
  return parsed;
}

/**
 * The new file text after a change: JSON re-serialized (two-space indent), or for YAML the same document with only
 * the changed detector's section replaced, so the file's comments and layout elsewhere stay as they were.
 */
export function renderConfigText(found: string | undefined, next: Json, change: TuningChange, path: string): string {
  if (!isYaml(path)) return `${JSON.stringify(next, null, 2)}\n`;
  const doc = parseDocument(found ?? '');
  const detectors = isObject(next.detectors) ? next.detectors : {};
  doc.setIn(['detectors', change.detector], doc.createNode(detectors[change.detector]));
  return doc.toString();
}
