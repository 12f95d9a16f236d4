import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { SsprError } from '../core/errors.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/contract.ts';

/** Exit codes are a contract: 0 clean, 3 partial (something quarantined), 1 fatal, 2 usage. */
export const EXIT = { ok: 0, fatal: 1, usage: 2, partial: 3 } as const;

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars). */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: ParseArgsOptionsConfig;
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }, io: CommandIo): Promise<number>;
}

/** Options every command takes. */
export const commonOptions = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { ...commonOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new SsprError('USAGE', `${(cause as Error).message}\nusage: ${command.usage}`, { cause });
  }
}

/** The store path: `--db`, else SSPR_DB, else ./data/sspr.db. */
export function dbPath(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const flag = values.db;
  return typeof flag === 'string' && flag !== '' ? flag : (env.SSPR_DB ?? './data/sspr.db');
}

export function openStore(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Store {
  return new SqliteStore(dbPath(values, env));
}

export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** An ISO time from a flag, or a usage error naming the flag. */
export function timeOption(values: Record<string, unknown>, name: string): string | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SsprError('USAGE', `--${name} must be a date or ISO 8601 time, got "${text}"`);
  return new Date(ms).toISOString();
}
