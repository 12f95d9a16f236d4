import type { FindingChange } from '../core/finding.ts';
import type { AlertOutbox } from '../store/contract.ts';
import type { AlertsConfig } from './config.ts';
import { routeChanges, type RouterContext, type RouterResult } from './router.ts';

type RouterCounts = RouterResult['counts'];

export interface EnqueueReport extends RouterCounts {
  /** Alerts added to the outbox (an alert enqueued by an earlier run of the same change is not added again). */
  enqueued: number;
}

/**
 * Routes one detection run's changes and puts the alerts in the outbox: reads what the router needs (which
 * channels already heard about each finding, each throttled route's recent count), routes (pure), enqueues.
 */
export async function enqueueChanges(
  outbox: AlertOutbox,
  changes: readonly FindingChange[],
  config: AlertsConfig,
  options: Pick<RouterContext, 'now' | 'groupsOf' | 'context'>,
): Promise<EnqueueReport> {
  const alerted = new Map<string, Map<string, string>>();
  const retracting = changes.filter((c) => c.kind === 'retracted' || c.finding.retracted !== undefined).map((c) => c.finding.id);
  for (const row of await outbox.alertedChannels(retracting)) {
    const channels = alerted.get(row.findingId) ?? new Map<string, string>();
    if (!channels.has(row.channel)) channels.set(row.channel, row.route);
    alerted.set(row.findingId, channels);
  }
  const recent = new Map<string, number>();
  for (const route of config.routes) {
    if (!route.throttle) continue;
    const since = new Date(options.now - route.throttle.perMinutes * 60_000).toISOString();
    recent.set(route.name, await outbox.countRoutedAlerts(route.name, since));
  }
  const { items, counts } = routeChanges(changes, config, { ...options, alerted, recent });
  const { inserted } = items.length > 0 ? await outbox.enqueueAlerts(items) : { inserted: 0 };
  return { ...counts, enqueued: inserted };
}
