import type { DatabaseSync } from 'node:sqlite';
import type { CheckpointEntry } from '../contract.ts';

/**
 * Checkpoints whose key starts with `prefix`, in key order. A range scan on the primary key
 * (`prefix` ≤ key < `prefix` + U+FFFF) rather than LIKE, so `%` and `_` in a prefix are plain characters.
 */
export function listCheckpoints(db: DatabaseSync, prefix: string): CheckpointEntry[] {
  const rows = db
    .prepare('SELECT key, value FROM checkpoints WHERE key >= ? AND key < ? ORDER BY key')
    .all(prefix, `${prefix}\uffff`) as Array<{ key: string; value: string }>;
  return rows.map((r) => ({ key: r.key, value: r.value }));
}
