import { createHash } from 'node:crypto';
import type { QuarantinedRecord } from './contract.ts';

/**
 * The key of a quarantined record in every backend: SHA-256 (hex) of source, locator and raw text. The same bad
 * record from the same place gets the same key however often it is ingested, so it is kept once.
 */
export function quarantineKey(record: Pick<QuarantinedRecord, 'source' | 'locator' | 'raw'>): string {
  return createHash('sha256').update(`${record.source}\u0000${record.locator}\u0000${record.raw}`).digest('hex');
}
