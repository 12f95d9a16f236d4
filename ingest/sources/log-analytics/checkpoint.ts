import { z } from 'zod';
import type { Store } from '../../../store/contract.ts';

/**
 * One checkpoint per (workspace, table) in the store: the end of the time range read completely, the newest
 * event time seen, when the last pull finished, and the slice length that worked last (so the next pull
 * starts at a good size). Stored as JSON under `source:log-analytics:<workspace>/<table>`.
 */

export const CHECKPOINT_PREFIX = 'source:log-analytics:';

export const tableCheckpointSchema = z.object({
  v: z.literal(1),
  workspace: z.string(),
  table: z.string(),
  /** Everything with TimeGenerated before this (ISO) has been read; the next pull starts here minus the overlap. */
  checkpoint: z.string(),
  /** The newest TimeGenerated read so far (ISO), if any row was. */
  newestEvent: z.string().optional(),
  /** When the last slice was stored (ISO). */
  pulledAt: z.string(),
  sliceMs: z.number().positive(),
});
export type TableCheckpoint = z.infer<typeof tableCheckpointSchema>;

/** The stream name events and quarantine entries of a table carry (`ingestUnits`' `source`). */
export function sourceName(workspace: string, table: string): string {
  return `log-analytics:${workspace}/${table}`;
}

export function checkpointKey(workspace: string, table: string): string {
  return `${CHECKPOINT_PREFIX}${workspace}/${table}`;
}

/** The stored checkpoint, or undefined when there is none or it is unreadable (then the table starts over). */
export async function readCheckpoint(store: Store, workspace: string, table: string): Promise<TableCheckpoint | undefined> {
  const text = await store.getCheckpoint(checkpointKey(workspace, table));
  return text === undefined ? undefined : parseCheckpoint(text);
}

export function parseCheckpoint(text: string): TableCheckpoint | undefined {
  try {
    const parsed = tableCheckpointSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: treated like a missing checkpoint; the overlap and dedupe make a re-read harmless.
    return undefined;
  }
}

export async function writeCheckpoint(store: Store, value: TableCheckpoint): Promise<void> {
  await store.setCheckpoint(checkpointKey(value.workspace, value.table), JSON.stringify(value));
}

/** Every Log Analytics table checkpoint in the store. */
export async function listTableCheckpoints(store: Store): Promise<TableCheckpoint[]> {
  const entries = await store.listCheckpoints(CHECKPOINT_PREFIX);
  return entries.map((e) => parseCheckpoint(e.value)).filter((c): c is TableCheckpoint => c !== undefined);
}
