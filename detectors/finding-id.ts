import { createHash } from 'node:crypto';

/**
 * A finding's id: hash of (detector, key, window start), so replaying the same events updates the finding
 * instead of adding a second one. `windowStart` is an ISO time or epoch ms.
 */
export function findingId(detector: string, key: string, windowStart: string | number): string {
  const start = typeof windowStart === 'number' ? new Date(windowStart).toISOString() : windowStart;
  return createHash('sha256').update(`${detector}\u0000${key}\u0000${start}`).digest('hex').slice(0, 24);
}
