import type { FlowSummary } from './flows.ts';
import { kpiFrom, none, some, type Kpi, type KpiPeriod, type Maybe } from './report.ts';
import { median, percentile } from './time.ts';

/**
 * Self-service time to resolution (issue 4 §3): how long a successful SSPR flow takes, from the flow's
 * first event to the record of the reset or unlock (see flows.ts). Helpdesk resolution time is in tickets.ts.
 */

export interface SelfServiceTtr {
  medianMinutes: number;
  p90Minutes: number;
  samples: number;
}

/** Median and p90 duration of the succeeded flows that started in the period. */
export function selfServiceTtr(flows: readonly FlowSummary[]): Maybe<SelfServiceTtr> {
  const minutes = flows.flatMap((f) => (f.durationMinutes === undefined ? [] : [f.durationMinutes]));
  const m = median(minutes);
  const p90 = percentile(minutes, 90);
  if (m === undefined || p90 === undefined) return none('no successful SSPR flow ("Self-service password reset flow activity progress" with a success step) started in the period');
  return some({ medianMinutes: m, p90Minutes: p90, samples: minutes.length });
}

/** `ttr.selfService.medianMinutes` and `ttr.selfService.p90Minutes`. */
export function selfServiceTtrKpis(period: KpiPeriod, ttr: Maybe<SelfServiceTtr>): Kpi[] {
  const scope = { period };
  const flows = ttr.ok ? `the successful SSPR flows (${ttr.value.samples})` : 'the successful SSPR flows';
  const bounds =
    'a flow is the SSPR events sharing a correlation id (else one user\'s progress events up to a terminal step), timed from its first event to its successful "Reset password (self-service)" or "Unlock user account (self-service)" record (else its first "succeeded" step)';
  return [
    kpiFrom(
      scope,
      {
        id: 'ttr.selfService.medianMinutes',
        family: 'ttr',
        label: 'Self-service time to resolution, median',
        unit: 'minutes',
        method: `Median duration of ${flows} that started in the period; ${bounds}.`,
      },
      ttr.ok ? some(ttr.value.medianMinutes) : ttr,
    ),
    kpiFrom(
      scope,
      {
        id: 'ttr.selfService.p90Minutes',
        family: 'ttr',
        label: 'Self-service time to resolution, 90th percentile',
        unit: 'minutes',
        method: `Nearest-rank 90th percentile duration of ${flows} that started in the period; ${bounds}.`,
      },
      ttr.ok ? some(ttr.value.p90Minutes) : ttr,
    ),
  ];
}
