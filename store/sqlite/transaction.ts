import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` in one SQLite transaction, rolled back if it throws. `immediate` takes the write lock at BEGIN, so
 * two processes cannot both read rows one of them is about to change (the outbox's claims).
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T, immediate = false): T {
  db.exec(immediate ? 'BEGIN IMMEDIATE' : 'BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
