import type { KpiConfig } from './config.ts';
import type { Population } from './adoption.ts';
import { kpiFrom, none, some, type BreakdownRow, type Kpi, type KpiPeriod, type Maybe } from './report.ts';
import type { HelpdeskTtr } from './tickets.ts';
import type { SelfServiceTtr } from './ttr.ts';

/**
 * Cost saved (issue 4 §4). Each self-service reset or unlock is a ticket the helpdesk did not handle
 * (saving `costPerTicket`) and a wait the employee did not have (saving the difference between the
 * helpdesk's and self-service's median resolution times, at `employeeHourlyCost`):
 *
 *   perResolution  = costPerTicket + (helpdeskMedianMin − selfServiceMedianMin) / 60 × employeeHourlyCost
 *   savedInPeriod  = (resets.selfService + unlocks.selfService) × perResolution
 *   savedPerMonth  = savedInPeriod ÷ periodDays × daysPerMonth
 *   savedPerUser   = savedPerMonth ÷ adoption.eligible
 *
 * Counting every self-service resolution as a deflected ticket is the usual ROI convention; it overstates
 * savings if some users would never have called, which the ticket-reduction KPI lets a reader check. The time
 * term is negative when self-service is slower. Every input is listed in the breakdown.
 */

export interface CostInput {
  period: KpiPeriod;
  periodDays: number | undefined;
  selfServiceResolutions: number;
  selfService: Maybe<SelfServiceTtr>;
  helpdesk: Maybe<HelpdeskTtr>;
  eligible: Maybe<Population>;
  config: KpiConfig;
}

/** `cost.savedPerMonth`, `cost.savedInPeriod`, `cost.savedPerUserPerMonth`, and `cost.savedPerResolution`. */
export function costKpis(input: CostInput): Kpi[] {
  const { config } = input;
  const scope = { period: input.period };
  const currency = config.costPerTicket?.currency ?? config.employeeHourlyCost?.currency ?? 'currency';
  const missing: string[] = [];
  if (config.costPerTicket === undefined) missing.push('no kpi.costPerTicket is configured');
  if (config.employeeHourlyCost === undefined) missing.push('no kpi.employeeHourlyCost is configured');
  if (!input.helpdesk.ok) missing.push(`helpdesk resolution time: ${input.helpdesk.why}`);
  if (!input.selfService.ok) missing.push(`self-service resolution time: ${input.selfService.why}`);
  if (input.periodDays === undefined) missing.push('the period is unbounded (no events)');

  const inputs: BreakdownRow[] = [
    { input: 'costPerTicket', value: config.costPerTicket?.amount ?? null, unit: currency, source: 'configuration' },
    { input: 'employeeHourlyCost', value: config.employeeHourlyCost?.amount ?? null, unit: `${currency}/hour`, source: 'configuration' },
    {
      input: 'helpdeskMedianMinutes',
      value: input.helpdesk.ok ? input.helpdesk.value.medianMinutes : null,
      unit: 'minutes',
      source: input.helpdesk.ok ? input.helpdesk.value.source : input.helpdesk.why,
    },
    {
      input: 'selfServiceMedianMinutes',
      value: input.selfService.ok ? input.selfService.value.medianMinutes : null,
      unit: 'minutes',
      source: input.selfService.ok ? `median of the successful SSPR flows (${input.selfService.value.samples})` : input.selfService.why,
    },
    { input: 'selfServiceResolutions', value: input.selfServiceResolutions, unit: 'resets+unlocks', source: 'resets.selfService + unlocks.selfService' },
    { input: 'periodDays', value: input.periodDays ?? null, unit: 'days', source: 'the period' },
    { input: 'daysPerMonth', value: config.daysPerMonth, unit: 'days', source: 'configuration' },
  ];
  const breakdown = { inputs };

  let perResolution: Maybe<number> = none(missing.join('; '));
  if (missing.length === 0 && config.costPerTicket && config.employeeHourlyCost && input.helpdesk.ok && input.selfService.ok) {
    const savedMinutes = input.helpdesk.value.medianMinutes - input.selfService.value.medianMinutes;
    perResolution = some(config.costPerTicket.amount + (savedMinutes / 60) * config.employeeHourlyCost.amount);
  }
  const inPeriod = map(perResolution, (p) => input.selfServiceResolutions * p);
  const perMonth = map(inPeriod, (s) => (s / (input.periodDays ?? Number.NaN)) * config.daysPerMonth);
  const perUser: Maybe<number> = !perMonth.ok
    ? perMonth
    : !input.eligible.ok
      ? none(input.eligible.why)
      : some(perMonth.value / input.eligible.value.users.size);

  const formula = 'perResolution = costPerTicket + (helpdeskMedianMinutes − selfServiceMedianMinutes) / 60 × employeeHourlyCost';
  return [
    kpiFrom(
      scope,
      {
        id: 'cost.savedPerMonth',
        family: 'cost',
        label: 'Cost saved per month',
        unit: currency,
        method: `(resets.selfService + unlocks.selfService) × perResolution ÷ periodDays × daysPerMonth, where ${formula}: every self-service resolution counts as a helpdesk ticket avoided and a shorter wait.`,
        breakdown,
      },
      perMonth,
    ),
    kpiFrom(
      scope,
      {
        id: 'cost.savedInPeriod',
        family: 'cost',
        label: 'Cost saved in the period',
        unit: currency,
        method: `(resets.selfService + unlocks.selfService) × perResolution, where ${formula} (inputs under cost.savedPerMonth).`,
      },
      inPeriod,
    ),
    kpiFrom(
      scope,
      {
        id: 'cost.savedPerResolution',
        family: 'cost',
        label: 'Saving per self-service reset or unlock',
        unit: currency,
        method: `${formula}.`,
      },
      perResolution,
    ),
    kpiFrom(
      scope,
      {
        id: 'cost.savedPerUserPerMonth',
        family: 'cost',
        label: 'Cost saved per eligible user per month',
        unit: currency,
        method: 'cost.savedPerMonth ÷ adoption.eligible.',
      },
      perUser,
    ),
  ];
}

function map<T, U>(value: Maybe<T>, fn: (v: T) => U): Maybe<U> {
  return value.ok ? some(fn(value.value)) : value;
}
