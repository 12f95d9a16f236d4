import type { DigestEntry } from '../core/alert.ts';
import type { NewOutboxItem, OutboxItem } from '../store/contract.ts';
import { digestAlertId } from './ids.ts';
import { parseDigestKey } from './router.ts';

/**
 * Pure: groups held alerts that are due by digest key and makes one digest alert per group, listing each
 * finding once (its latest held revision). Returns the digests with the held ids each one carries.
 */
export function buildDigests(held: readonly OutboxItem[], now: number): Array<{ digest: NewOutboxItem; heldIds: string[] }> {
  const groups = new Map<string, OutboxItem[]>();
  for (const item of held) {
    if (item.digestKey === undefined) continue;
    const group = groups.get(item.digestKey) ?? [];
    group.push(item);
    groups.set(item.digestKey, group);
  }
  const at = new Date(now).toISOString();
  const out: Array<{ digest: NewOutboxItem; heldIds: string[] }> = [];
  for (const [key, items] of groups) {
    const { route, channel, why, from, to } = parseDigestKey(key);
    const latest = new Map<string, DigestEntry>();
    for (const item of items) {
      const { finding, type, reasons } = item.alert;
      if (!finding || (type !== 'finding.created' && type !== 'finding.updated')) continue;
      const earlier = latest.get(finding.id);
      // A finding created and then updated inside one period is listed once, as new, with its latest content.
      latest.set(finding.id, { type: earlier?.type ?? type, finding, reasons: [...new Set([...(earlier?.reasons ?? []), ...reasons])] });
    }
    const heldIds = items.map((i) => i.id);
    const id = digestAlertId(key, heldIds);
    out.push({
      heldIds,
      digest: {
        id,
        channel,
        route,
        type: 'finding.digest',
        status: 'pending',
        createdAt: at,
        dueAt: at,
        alert: { type: 'finding.digest', at, reasons: [], digest: { route, why, from, to, entries: [...latest.values()] } },
      },
    });
  }
  return out;
}
