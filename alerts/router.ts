import type { Alert, AlertReason, AlertType } from '../core/alert.ts';
import type { Finding, FindingChange } from '../core/finding.ts';
import type { NewOutboxItem } from '../store/contract.ts';
import type { AlertsConfig, Route } from './config.ts';
import { findingAlertId } from './ids.ts';
import { matchesRoute } from './match.ts';
import { alertReasons, severityRank } from './materiality.ts';
import { clockMinutes, digestPeriod, inWindow, nextLocalTime } from './time.ts';

/** What the router knows besides the changes; the shell reads it from the outbox and the store. */
export interface RouterContext {
  /** Routing time (epoch ms): quiet hours, throttle windows and digest periods are judged at it. */
  now: number;
  /** For each finding already alerted: channel → route that sent it. Retractions go exactly there. */
  alerted: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Findings each throttled route sent within its window before now. */
  recent: ReadonlyMap<string, number>;
  groupsOf?: (user: string) => readonly string[];
  /** The detector's title and triage note and the evidence table for a finding's messages. */
  context?: (finding: Finding) => Pick<Alert, 'detector' | 'evidenceRows'>;
}

export interface RouterResult {
  items: NewOutboxItem[];
  counts: { alerts: number; held: number; retractions: number; unchanged: number; unmatched: number };
}

/** Route name of retraction alerts in the outbox. */
export const RETRACTION_ROUTE = 'retraction';

type Disposition = { send: true } | { send: false; why: 'quiet-hours' | 'throttle'; from: number; dueAt: number };

/** `route|channel|why|from|to`: held alerts with one key go out as one digest at `to`. */
export function digestKeyOf(route: string, channel: string, why: string, from: number, to: number): string {
  return [route, channel, why, new Date(from).toISOString(), new Date(to).toISOString()].join('|');
}

/** The parts of a digest key. */
export function parseDigestKey(key: string): { route: string; channel: string; why: 'quiet-hours' | 'throttle'; from: string; to: string } {
  const [route = '', channel = '', why, from = '', to = ''] = key.split('|');
  return { route, channel, why: why === 'quiet-hours' ? 'quiet-hours' : 'throttle', from, to };
}

/** A route's decision for one finding at `now`: send, or hold for the quiet-hours or throttle digest. */
function dispose(route: Route, finding: Finding, config: AlertsConfig, now: number, recent: Map<string, number>): Disposition {
  const quiet = route.quietHours;
  if (quiet && severityRank[finding.severity] < severityRank[quiet.severityOverride]) {
    const tz = quiet.timeZone ?? config.timeZone;
    if (inWindow(now, quiet, tz)) {
      const end = nextLocalTime(now, quiet.to, tz);
      const minutes = (clockMinutes(quiet.to) - clockMinutes(quiet.from) + 1440) % 1440 || 1440;
      return { send: false, why: 'quiet-hours', from: end - minutes * 60_000, dueAt: end };
    }
  }
  if (route.throttle) {
    const count = recent.get(route.name) ?? 0;
    if (count >= route.throttle.max) {
      const period = digestPeriod(now, route.digest ?? 'hourly', config.timeZone);
      return { send: false, why: 'throttle', from: period.start, dueAt: period.end };
    }
    recent.set(route.name, count + 1);
  }
  return { send: true };
}

/**
 * Pure: turns one detection run's finding changes into outbox alerts. Each new finding and each material update
 * (alertReasons) goes to the channels of every route that matches, once per channel however many routes name it
 * (the first route that sends decides; a channel only held by routes waits for the digest); a route's quiet hours
 * and throttle hold alerts for a digest instead of dropping them. A retraction goes to the channels that were
 * alerted about the finding, and nowhere else.
 */
export function routeChanges(changes: readonly FindingChange[], config: AlertsConfig, ctx: RouterContext): RouterResult {
  const items: NewOutboxItem[] = [];
  const counts = { alerts: 0, held: 0, retractions: 0, unchanged: 0, unmatched: 0 };
  const recent = new Map(ctx.recent);
  const at = new Date(ctx.now).toISOString();
  const matchCtx = { ...(ctx.groupsOf ? { groupsOf: ctx.groupsOf } : {}), timeZone: config.timeZone };
  for (const change of changes) {
    const { finding, previous } = change;
    const reasons = alertReasons(change);
    if (reasons.length === 0) {
      counts.unchanged += 1;
      continue;
    }
    const extra = ctx.context?.(finding) ?? {};
    const alertOf = (type: AlertType, why: AlertReason[]): Alert => ({
      type,
      at,
      finding,
      reasons: why,
      ...(previous && why.includes('severity-raised') ? { previousSeverity: previous.severity } : {}),
      ...extra,
    });
    if (reasons.includes('retracted')) {
      const alerted = ctx.alerted.get(finding.id);
      if (!alerted || alerted.size === 0) {
        counts.unmatched += 1;
        continue;
      }
      const alert = alertOf('finding.retracted', reasons);
      for (const channel of alerted.keys()) {
        items.push(pending(findingAlertId(channel, alert.type, finding), channel, RETRACTION_ROUTE, alert, at));
        counts.retractions += 1;
      }
      continue;
    }
    const alert = alertOf(change.kind === 'created' ? 'finding.created' : 'finding.updated', reasons);
    const decided = new Map<string, { route: string; disposition: Disposition }>();
    for (const route of config.routes) {
      if (!matchesRoute(route.match, finding, matchCtx)) continue;
      const disposition = dispose(route, finding, config, ctx.now, recent);
      for (const channel of route.channels) {
        const before = decided.get(channel);
        if (!before || (!before.disposition.send && disposition.send)) decided.set(channel, { route: route.name, disposition });
      }
    }
    if (decided.size === 0) counts.unmatched += 1;
    for (const [channel, { route, disposition }] of decided) {
      const id = findingAlertId(channel, alert.type, finding);
      if (disposition.send) {
        items.push(pending(id, channel, route, alert, at));
        counts.alerts += 1;
      } else {
        items.push({
          ...pending(id, channel, route, alert, at),
          status: 'held',
          dueAt: new Date(disposition.dueAt).toISOString(),
          digestKey: digestKeyOf(route, channel, disposition.why, disposition.from, disposition.dueAt),
        });
        counts.held += 1;
      }
    }
  }
  return { items, counts };
}

function pending(id: string, channel: string, route: string, alert: Alert, at: string): NewOutboxItem {
  return { id, channel, route, type: alert.type, findingId: alert.finding?.id as string, status: 'pending', createdAt: at, dueAt: at, alert };
}
