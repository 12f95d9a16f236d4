import type { EvidenceRow } from '../core/alert.ts';
import type { AppConfig } from '../core/config.ts';
import type { SsprEvent } from '../core/event.ts';
import type { Finding, FindingChange } from '../core/finding.ts';
import { logger } from '../core/logger.ts';
import { parseAlertsConfig, type AlertsConfig } from '../alerts/config.ts';
import { deliverDue, systemClock, type Clock, type DeliveryReport } from '../alerts/deliver.ts';
import { enqueueChanges, type EnqueueReport } from '../alerts/enqueue.ts';
import type { HttpTransportOptions } from '../alerts/http/transport.ts';
import { alertReasons } from '../alerts/materiality.ts';
import { MAX_EVIDENCE_ROWS } from '../alerts/channels/compose.ts';
import { openAlertRuntime } from '../alerts/runtime.ts';
import { detectors } from '../detectors/registry.ts';
import type { AlertOutbox, EventQuery, Store } from '../store/contract.ts';

/** Events scanned at most to find a finding's evidence rows (a tenant-wide finding's window can be large). */
const EVIDENCE_SCAN_CAP = 20_000;

/** The validated `alerts` section, or undefined when the config has none. Unknown detector ids in routes fail too. */
export function alertsConfigOf(config: AppConfig, source = 'config'): AlertsConfig | undefined {
  if (config.alerts === undefined) return undefined;
  return parseAlertsConfig(config.alerts, { source, knownDetectors: detectors.map((d) => d.id) });
}

function placeOf(e: SsprEvent): string | undefined {
  const g = e.source?.geo;
  if (!g) return undefined;
  const text = [g.city, g.country].filter((x) => x !== undefined && x !== '').join(', ');
  return text === '' ? undefined : text;
}

/** The first evidence events of a finding as table rows, read back from the store. */
export async function evidenceRows(store: Store, finding: Finding): Promise<EvidenceRow[]> {
  const wanted = new Set(finding.evidence);
  if (wanted.size === 0) return [];
  const window: EventQuery = { from: finding.firstSeen, to: new Date(Date.parse(finding.lastSeen) + 1).toISOString() };
  const query: EventQuery = finding.key.startsWith('user:') && finding.user ? { ...window, user: finding.user } : finding.key.startsWith('ip:') && finding.ips[0] ? { ...window, ip: finding.ips[0] } : window;
  const rows: EvidenceRow[] = [];
  let scanned = 0;
  for await (const e of store.queryEvents({ ...query, limit: EVIDENCE_SCAN_CAP })) {
    scanned += 1;
    if (!wanted.has(e.id)) continue;
    const place = placeOf(e);
    const method = e.authMethod ?? e.mfaResult;
    rows.push({
      id: e.id,
      time: e.timestamp,
      action: e.action,
      outcome: e.outcome,
      user: e.user.name,
      ...(e.source?.ip !== undefined ? { ip: e.source.ip } : {}),
      ...(place !== undefined ? { place } : {}),
      ...(method !== undefined ? { method } : {}),
    });
    if (rows.length >= MAX_EVIDENCE_ROWS || scanned >= EVIDENCE_SCAN_CAP) break;
  }
  return rows;
}

/** Groups per user from the latest users snapshot (lower-case UPN → groups). */
async function groupsByUser(store: Store): Promise<Map<string, string[]>> {
  const snapshots = await store.listSnapshots('users');
  const latest = snapshots[snapshots.length - 1];
  const out = new Map<string, string[]>();
  for (const row of latest?.rows ?? []) {
    const r = row as { upn?: unknown; group?: unknown };
    if (typeof r.upn === 'string' && typeof r.group === 'string' && r.group !== '') {
      out.set(r.upn.toLowerCase(), r.group.split(/[;,]/).map((g) => g.trim()).filter((g) => g !== ''));
    }
  }
  return out;
}

/**
 * Puts the alerts of one detection run's changes in the store's outbox: attaches each alerting finding's
 * detector title and triage note (from the registry) and its evidence rows (from the store), and the users'
 * groups when a route matches on groups.
 */
export async function alertOnChanges(store: Store, changes: readonly FindingChange[], config: AlertsConfig, now = Date.now()): Promise<EnqueueReport> {
  const meta = new Map(detectors.map((d) => [d.id, { title: d.meta.title, triage: d.meta.triage }]));
  const rows = new Map<string, EvidenceRow[]>();
  for (const change of changes) {
    if (alertReasons(change).length > 0) rows.set(change.finding.id, await evidenceRows(store, change.finding));
  }
  const groups = config.routes.some((r) => r.match.group) ? await groupsByUser(store) : undefined;
  return enqueueChanges(store, changes, config, {
    now,
    ...(groups ? { groupsOf: (user: string) => groups.get(user) ?? [] } : {}),
    context: (finding) => {
      const detector = meta.get(finding.detector);
      const evidence = rows.get(finding.id);
      return { ...(detector ? { detector } : {}), ...(evidence && evidence.length > 0 ? { evidenceRows: evidence } : {}) };
    },
  });
}

export interface DeliverAlertsOptions {
  untilIdle?: boolean;
  /** Epoch ms after which no attempt starts. */
  deadline?: number;
  clock?: Clock;
  http?: HttpTransportOptions;
}

/** Delivers what is due from an outbox over real transports, closing them after. */
export async function deliverAlerts(outbox: AlertOutbox, config: AlertsConfig, options: DeliverAlertsOptions = {}): Promise<DeliveryReport> {
  const clock = options.clock ?? systemClock;
  const log = logger.child({ module: 'alerts' });
  const runtime = openAlertRuntime(config, { now: () => clock.now(), log, ...(options.http ? { http: options.http } : {}) });
  try {
    const report = await deliverDue(
      { outbox, config, senders: runtime.senders, clock, log },
      { ...(options.untilIdle ? { untilIdle: true } : {}), ...(options.deadline !== undefined ? { deadline: options.deadline } : {}) },
    );
    log.info(report, 'alert delivery finished');
    return report;
  } finally {
    await runtime.close();
  }
}
