import type { Action, SsprEvent } from '../core/event.ts';
import { SsprError } from '../core/errors.ts';
import { adoptionKpis, resolveEligible } from './adoption.ts';
import { ChannelTracker, channelKpis } from './channels.ts';
import { defaultKpiConfig, type KpiConfig } from './config.ts';
import { costKpis } from './cost.ts';
import { FlowTracker } from './flows.ts';
import { funnelKpis, methodKpis } from './posture.ts';
import { RegistrationStates, RegistrationTracker } from './registration-state.ts';
import { kpiReportSchema, type KpiPeriod, type KpiReport } from './report.ts';
import { parseSnapshots, type KpiSnapshots } from './snapshots.ts';
import { helpdeskTtr, helpdeskTtrKpis, ticketReductionKpi, ticketSet } from './tickets.ts';
import { selfServiceTtr, selfServiceTtrKpis } from './ttr.ts';
import { dayStart, DAY_MS, iso, periodDays, type AsOf, type PeriodMs } from './time.ts';

export { formatKpiReport } from './format.ts';
export { kpiReportSchema, type Kpi, type KpiReport } from './report.ts';

/**
 * The only actions the KPIs read: pass them as `queryEvents({ to, actions: kpiActions })` so sign-ins and
 * other bulk records are never loaded.
 */
export const kpiActions: readonly Action[] = [
  'sspr.reset',
  'sspr.unlock',
  'sspr.progress',
  'registration.added',
  'registration.removed',
  'registration.completed',
  'password.reset',
  'account.unlock',
];

/** What `computeKpis` reads. Pure data: the caller (the CLI, the dashboard) does the store I/O. */
export interface KpiInput {
  /**
   * Stored events, in (timestamp, id) order as `Store.queryEvents` yields them, read once. Pass every event
   * before the period end (`queryEvents({ to })`), not only the period's: registration events before the
   * period feed the point-in-time state, and a reset's other-plane record may sit just outside the period.
   */
  events: AsyncIterable<SsprEvent> | Iterable<SsprEvent>;
  /** `Store.listSnapshots(kind)` for each kind; a missing kind means none was ingested. */
  snapshots: Partial<KpiSnapshots>;
  /** `--from` / `--to`: ISO dates or times, `[from, to)`. Omitted sides come from the events (whole UTC days). */
  period?: { from?: string | undefined; to?: string | undefined };
  /** Validated settings (`parseKpiConfig`); defaults when omitted. */
  config?: KpiConfig;
}

function instant(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new SsprError('USAGE', `${flag} is not an ISO 8601 date or time: ${value}`);
  return t;
}

/**
 * Computes every KPI of issue 4 in one pass over the events (aggregates and small per-user/per-flow
 * records are kept, never the events). The period is `[from, to)`: given bounds, else from the start of the
 * first event's UTC day to the end of the last event's. Period KPIs count events inside it; point-in-time
 * KPIs (adoption, registered methods) describe the period end when `--to` is given, else the latest stored
 * data (so a registration export taken after the last event still counts).
 */
export async function computeKpis(input: KpiInput): Promise<KpiReport> {
  const config = input.config ?? defaultKpiConfig;
  const explicit: PeriodMs = { from: instant(input.period?.from, '--from'), to: instant(input.period?.to, '--to') };
  if (explicit.from !== undefined && explicit.to !== undefined && explicit.from >= explicit.to) {
    throw new SsprError('USAGE', '--from must be before --to');
  }

  const registration = new RegistrationTracker();
  const channels = new ChannelTracker();
  const flows = new FlowTracker(config.flowGapMinutes);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for await (const event of input.events) {
    const t = Date.parse(event.timestamp);
    if (explicit.to !== undefined && t >= explicit.to) continue;
    const inPeriodNow = explicit.from === undefined || t >= explicit.from;
    if (inPeriodNow) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    registration.observe(event, t, inPeriodNow);
    channels.observe(event, t, inPeriodNow);
    flows.observe(event, t, inPeriodNow);
  }

  const periodMs: PeriodMs = {
    from: explicit.from ?? (Number.isFinite(first) ? dayStart(first) : undefined),
    to: explicit.to ?? (Number.isFinite(last) ? dayStart(last) + DAY_MS : undefined),
  };
  const period: KpiPeriod = { from: periodMs.from === undefined ? null : iso(periodMs.from), to: periodMs.to === undefined ? null : iso(periodMs.to) };
  const snapshots = parseSnapshots({
    users: input.snapshots.users ?? [],
    registration: input.snapshots.registration ?? [],
    privileged: input.snapshots.privileged ?? [],
    tickets: input.snapshots.tickets ?? [],
  });
  const asOf = asOfOf(explicit.to, periodMs.to, snapshots);

  const states = new RegistrationStates(snapshots.registration, registration, config.requiredMethods);
  const eligible = resolveEligible(snapshots, asOf.t);
  const tickets = ticketSet(snapshots.tickets);
  const flowList = flows.flows(periodMs);
  const totals = channels.totals(periodMs, config.crossPlaneWindowMinutes, config.cloudDuplicateWindowSeconds);
  const ssp = selfServiceTtr(flowList);
  const helpdesk = helpdeskTtr(tickets, config);

  const kpis = [
    ...adoptionKpis({ period, periodMs, asOf, eligible, states, tracker: registration, rule: config.requiredMethods }),
    ...channelKpis({
      period,
      periodMs,
      totals,
      windowMinutes: config.crossPlaneWindowMinutes,
      ...(tickets.ok ? { tickets: tickets.value.tickets } : {}),
      passwordTicketCategories: config.passwordTicketCategories,
    }),
    ticketReductionKpi({ period, periodMs, tickets, config }),
    ...selfServiceTtrKpis(period, ssp),
    ...helpdeskTtrKpis(period, helpdesk),
    ...costKpis({
      period,
      periodDays: periodDays(periodMs),
      selfServiceResolutions: totals.selfResets.length + totals.selfUnlocks.length,
      selfService: ssp,
      helpdesk,
      eligible,
      config,
    }),
    ...methodKpis({
      period,
      asOf,
      states,
      eligible,
      privileged: snapshots.privileged,
      flows: flowList,
      addedInPeriod: registration.addedInPeriod,
      failureReasons: flows.failureReasons,
      classes: config.methodClasses,
      topFailureReasons: config.topFailureReasons,
    }),
    ...funnelKpis({ period, flows: flowList, failureReasons: flows.failureReasons, topFailureReasons: config.topFailureReasons }),
  ];
  // The schema is the contract with the CLI and the dashboard: fail here, not in a consumer.
  return kpiReportSchema.parse({ period, asOf: asOf.iso, kpis });
}

/**
 * The instant of point-in-time KPIs: `--to`, else all stored data, named by the later of the period end and
 * the latest registration snapshot (the user and privileged lists are dated by their files, not their content).
 */
function asOfOf(to: number | undefined, periodTo: number | undefined, snapshots: ReturnType<typeof parseSnapshots>): AsOf {
  if (to !== undefined) return { t: to, iso: iso(to), phrase: iso(to) };
  const latest = [periodTo, ...snapshots.registration.map((s) => s.takenAt)].filter(
    (t): t is number => t !== undefined,
  );
  if (latest.length === 0) return { t: Number.POSITIVE_INFINITY, iso: null, phrase: 'the end of the stored data' };
  const t = Math.max(...latest);
  return { t: Number.POSITIVE_INFINITY, iso: iso(t), phrase: `${iso(t)} (the latest stored data)` };
}
