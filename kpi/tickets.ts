import type { KpiConfig } from './config.ts';
import { kpiFrom, kpiUnavailable, kpiValue, none, some, type Kpi, type KpiPeriod, type Maybe } from './report.ts';
import { describeSnapshot, isPasswordTicket, ticketsOf, type ParsedSnapshot, type Ticket } from './snapshots.ts';
import type { TicketRow } from '../core/directory.ts';
import { dayStart, DAY_MS, iso, isBounded, median, MINUTE_MS, percentile, type PeriodMs } from './time.ts';

/**
 * What the helpdesk ticket import gives the KPIs: ticket reduction against the pre-launch baseline
 * (issue 4 §2) and the helpdesk resolution time (§3).
 */

/** The imported tickets. */
export interface TicketSet {
  tickets: Ticket[];
  /** Creation time of the newest ticket of any category (−Infinity when there is none). */
  lastCreated: number;
  source: string;
}

/** Unions every ticket snapshot; unavailable when none was ingested. */
export function ticketSet(snapshots: readonly ParsedSnapshot<TicketRow>[]): Maybe<TicketSet> {
  const last = snapshots[snapshots.length - 1];
  if (last === undefined) return none('no helpdesk ticket CSV was ingested');
  const tickets = ticketsOf(snapshots);
  const lastCreated = tickets.reduce((max, t) => Math.max(max, t.created), Number.NEGATIVE_INFINITY);
  const source = snapshots.length === 1 ? `the ticket CSV ${describeSnapshot(last)}` : `${snapshots.length} ticket CSVs (latest ${describeSnapshot(last)})`;
  return some({ tickets, lastCreated, source });
}

function countCreated(tickets: readonly Ticket[], from: number, to: number): number {
  return tickets.filter((t) => t.created >= from && t.created < to).length;
}

/**
 * `ticketReduction.rate` = 1 − (password tickets per day in the period) ÷ (password tickets per day in the
 * baseline). The baseline is `config.baseline`, else from the first ticket's day to the period start. The
 * import is taken to cover the whole period; one with no ticket at all from the period start on evidently
 * does not, and the KPI is then not available rather than a made-up 100 %. Negative when tickets went up.
 */
export function ticketReductionKpi(input: { period: KpiPeriod; periodMs: PeriodMs; tickets: Maybe<TicketSet>; config: KpiConfig }): Kpi {
  const { config } = input;
  const scope = { period: input.period };
  const fields = {
    id: 'ticketReduction.rate',
    family: 'channels' as const,
    label: 'Password ticket reduction vs baseline',
    unit: 'ratio',
    method: `1 − (password tickets created per day in the period ÷ password tickets created per day in the baseline ${config.baseline ? `${config.baseline.from} → ${config.baseline.to} (configured)` : '(from the first imported ticket to the period start)'}), the import taken to cover the whole period; a password ticket has no category or one containing ${config.passwordTicketCategories.map((c) => `"${c}"`).join(', ')}.`,
  };
  if (!input.tickets.ok) return kpiUnavailable(scope, fields, input.tickets.why);
  if (!isBounded(input.periodMs)) return kpiUnavailable(scope, fields, 'the period is unbounded (no events); pass --from and --to');
  const set = input.tickets.value;
  const password = set.tickets.filter((t) => isPasswordTicket(t, config.passwordTicketCategories));
  const firstCreated = set.tickets.reduce((min, t) => Math.min(min, t.created), Number.POSITIVE_INFINITY);
  const baseline = config.baseline
    ? { from: Date.parse(config.baseline.from), to: Date.parse(config.baseline.to) }
    : { from: Number.isFinite(firstCreated) ? dayStart(firstCreated) : input.periodMs.from, to: input.periodMs.from };
  const current = { from: input.periodMs.from, to: input.periodMs.to };
  const baselineDays = (baseline.to - baseline.from) / DAY_MS;
  const currentDays = (current.to - current.from) / DAY_MS;
  const baselineCount = countCreated(password, baseline.from, baseline.to);
  const currentCount = countCreated(password, current.from, current.to);
  const windows = [
    { window: 'baseline', from: iso(baseline.from), to: iso(baseline.to), days: baselineDays, passwordTickets: baselineCount },
    { window: 'period', from: iso(current.from), to: iso(current.to), days: currentDays, passwordTickets: currentCount },
  ];
  const withInputs = { ...fields, breakdown: { windows } };
  if (baselineDays <= 0) return kpiUnavailable(scope, withInputs, `no baseline: ${set.source} has no tickets before the period start and no kpi.baseline is configured`);
  if (baselineCount === 0) return kpiUnavailable(scope, withInputs, 'no password tickets in the baseline');
  if (set.lastCreated < current.from) {
    return kpiUnavailable(scope, withInputs, `${set.source} has no ticket created on or after the period start, so it does not cover the period`);
  }
  return kpiValue(scope, withInputs, 1 - currentCount / currentDays / (baselineCount / baselineDays));
}

/** Helpdesk resolution time: from the imported password tickets, else the configured default. */
export interface HelpdeskTtr {
  medianMinutes: number;
  p90Minutes?: number;
  samples: number;
  source: string;
}

/** Resolution minutes (resolved − created) of every resolved password ticket; else `helpdeskDefaultResolutionMinutes`. */
export function helpdeskTtr(tickets: Maybe<TicketSet>, config: KpiConfig): Maybe<HelpdeskTtr> {
  const fallback = config.helpdeskDefaultResolutionMinutes;
  if (tickets.ok) {
    const minutes = tickets.value.tickets
      .filter((t) => t.resolved !== undefined && isPasswordTicket(t, config.passwordTicketCategories))
      .map((t) => ((t.resolved ?? t.created) - t.created) / MINUTE_MS);
    const m = median(minutes);
    const p90 = percentile(minutes, 90);
    if (m !== undefined && p90 !== undefined) {
      return some({ medianMinutes: m, p90Minutes: p90, samples: minutes.length, source: `the resolved password tickets (${minutes.length}) in ${tickets.value.source}` });
    }
    if (fallback !== undefined) return some({ medianMinutes: fallback, samples: 0, source: 'the configured helpdeskDefaultResolutionMinutes (the ticket CSV has no resolved password tickets)' });
    return none('the ticket CSV has no resolved password tickets and no helpdeskDefaultResolutionMinutes is configured');
  }
  if (fallback !== undefined) return some({ medianMinutes: fallback, samples: 0, source: 'the configured helpdeskDefaultResolutionMinutes (no ticket CSV was ingested)' });
  return none('no helpdesk ticket CSV was ingested and no helpdeskDefaultResolutionMinutes is configured');
}

/** `ttr.helpdesk.medianMinutes` and `ttr.helpdesk.p90Minutes`. */
export function helpdeskTtrKpis(period: KpiPeriod, ttr: Maybe<HelpdeskTtr>): Kpi[] {
  const scope = { period };
  const fromDefault = ttr.ok && ttr.value.samples === 0;
  const source = ttr.ok ? ttr.value.source : 'every resolved password ticket imported (baseline and period alike)';
  const ticketSource = ttr.ok && !fromDefault ? ttr.value.source : 'every resolved password ticket imported (baseline and period alike)';
  const medianMethod = fromDefault
    ? `${source[0]?.toUpperCase()}${source.slice(1)}.`
    : `Median of (resolved − created) over ${source}; an even count takes the mean of the two middle values.`;
  return [
    kpiFrom(
      scope,
      {
        id: 'ttr.helpdesk.medianMinutes',
        family: 'ttr',
        label: 'Helpdesk time to resolution, median',
        unit: 'minutes',
        method: medianMethod,
      },
      ttr.ok ? some(ttr.value.medianMinutes) : ttr,
    ),
    kpiFrom(
      scope,
      {
        id: 'ttr.helpdesk.p90Minutes',
        family: 'ttr',
        label: 'Helpdesk time to resolution, 90th percentile',
        unit: 'minutes',
        method: `Nearest-rank 90th percentile of (resolved − created) over ${ticketSource}.`,
      },
      !ttr.ok ? ttr : ttr.value.p90Minutes !== undefined ? some(ttr.value.p90Minutes) : none('a configured default has no distribution'),
    ),
  ];
}
