import { createHash } from 'node:crypto';
import type { Finding } from '../core/finding.ts';

const digestOf = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 24);

/**
 * The `webhook-id` of a finding alert: a hash of (channel, finding id, alert type, the finding's content at
 * that revision), so one revision on one channel always has the same id (a retry or a re-run of the router
 * resends it under that id, and the outbox keeps it once) and every later revision a new one.
 */
export function findingAlertId(channel: string, type: string, finding: Finding): string {
  const { status: _status, ...content } = finding;
  return `msg_${digestOf(`${channel}\u0000${finding.id}\u0000${type}\u0000${JSON.stringify(content)}`)}`;
}

/** The id of a digest: its key and the held alerts it lists. */
export function digestAlertId(digestKey: string, heldIds: readonly string[]): string {
  return `msg_${digestOf(`${digestKey}\u0000${[...heldIds].sort().join(',')}`)}`;
}
