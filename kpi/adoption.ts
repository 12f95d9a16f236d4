import type { UserRow } from '../core/directory.ts';
import type { RequiredMethods } from './config.ts';
import { kpiFrom, kpiUnavailable, kpiValue, none, some, type BreakdownRow, type Kpi, type KpiPeriod, type Maybe } from './report.ts';
import type { RegistrationStates, RegistrationTracker } from './registration-state.ts';
import { describeSnapshot, nearestSnapshot, type ParsedSnapshots } from './snapshots.ts';
import { daysOf, isBounded, isoDay, weeksOf, type AsOf, type PeriodMs } from './time.ts';

/**
 * Adoption (issue 4 §1): eligible users, users registered with the required methods, the rate over time
 * and per department/group, and the list of users not yet registered (for the reminder campaign).
 */

/** The eligible population and where it came from. */
export interface Population {
  users: Map<string, UserRow>;
  /** Phrase for method sentences: `the users CSV "users.csv" (taken 2026-03-01)`. */
  source: string;
}

/**
 * Eligible users: the users CSV nearest the instant (latest at or before it, else the earliest after), else
 * every user of the registration-details export nearest it; unavailable when neither was ingested.
 */
export function resolveEligible(snapshots: ParsedSnapshots, asOf: number): Maybe<Population> {
  const usersCsv = nearestSnapshot(snapshots.users, asOf);
  if (usersCsv !== undefined) {
    const users = new Map<string, UserRow>();
    for (const row of usersCsv.snapshot.rows) if (!users.has(row.upn)) users.set(row.upn, row);
    if (users.size === 0) return none(`the users CSV ${describeSnapshot(usersCsv.snapshot)} has no valid rows`);
    return some({ users, source: `the users CSV ${describeSnapshot(usersCsv.snapshot, usersCsv.after)}` });
  }
  const details = nearestSnapshot(snapshots.registration, asOf);
  if (details !== undefined && details.snapshot.rows.length > 0) {
    const users = new Map<string, UserRow>();
    for (const row of details.snapshot.rows) if (!users.has(row.upn)) users.set(row.upn, { upn: row.upn });
    return some({ users, source: `every user of the registration-details export ${describeSnapshot(details.snapshot, details.after)}` });
  }
  return none('no eligible-user list was ingested (a users CSV or a userRegistrationDetails export)');
}

export interface AdoptionInput {
  period: KpiPeriod;
  periodMs: PeriodMs;
  asOf: AsOf;
  eligible: Maybe<Population>;
  states: RegistrationStates;
  tracker: RegistrationTracker;
  rule: RequiredMethods;
}

function ruleText(rule: RequiredMethods): string {
  if (rule.rule === 'isSsprRegistered') return 'isSsprRegistered true in the registration-details export';
  const of = rule.anyOf === undefined ? 'any methods' : `methods among ${rule.anyOf.join(', ')}`;
  return `at least ${rule.minCount} ${of} registered in the registration-details export`;
}

/** Share and counts registered per value of a user attribute (department or group). */
function byAttribute(eligible: Population, registered: ReadonlySet<string>, attribute: 'department' | 'group'): BreakdownRow[] {
  const groups = new Map<string, { eligible: number; registered: number }>();
  for (const [upn, row] of eligible.users) {
    const key = row[attribute] ?? '(none)';
    const g = groups.get(key) ?? { eligible: 0, registered: 0 };
    g.eligible += 1;
    if (registered.has(upn)) g.registered += 1;
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => ({ [attribute]: key, eligible: g.eligible, registered: g.registered, rate: g.registered / g.eligible }));
}

function countIn(set: ReadonlySet<string>, users: ReadonlyMap<string, unknown>): number {
  let n = 0;
  for (const user of set) if (users.has(user)) n += 1;
  return n;
}

/** Adoption KPIs: `adoption.eligible`, `adoption.registered`, `adoption.rate`, `adoption.unregistered`, `adoption.completions`. */
export function adoptionKpis(input: AdoptionInput): Kpi[] {
  const { eligible, states, asOf, rule } = input;
  const scope = { period: input.period };
  const pointPeriod = { from: input.period.from, to: asOf.iso };
  const asOfText = asOf.phrase;
  const state = states.at(asOf.t);
  const baseText =
    state.base === undefined
      ? 'no registration-details export was taken by then, so only "User registered all required security info" events are counted (a lower bound if users registered before the logs begin)'
      : `${ruleText(rule)} ${describeSnapshot(state.base)}, plus users with a "User registered all required security info" event after it`;
  const eligibleText = eligible.ok ? eligible.value.source : 'no eligible list';

  const kpis: Kpi[] = [];
  kpis.push(
    kpiFrom(
      scope,
      { id: 'adoption.eligible', family: 'adoption', label: 'Eligible users', unit: 'users', period: pointPeriod, method: `Distinct UPNs in ${eligibleText}.` },
      eligible.ok ? some(eligible.value.users.size) : eligible,
    ),
  );

  const registeredCount = eligible.ok ? countIn(state.registered, eligible.value.users) : state.registered.size;
  kpis.push(
    kpiValue(
      scope,
      {
        id: 'adoption.registered',
        family: 'adoption',
        label: 'Users registered for SSPR',
        unit: 'users',
        period: pointPeriod,
        method: `${eligible.ok ? 'Eligible users' : 'Users (no eligible list, so all users)'} registered at ${asOfText}: ${baseText}.`,
      },
      registeredCount,
    ),
  );

  const rateFields = {
    id: 'adoption.rate',
    family: 'adoption' as const,
    label: 'Adoption rate',
    unit: 'ratio',
    period: pointPeriod,
    method: `adoption.registered ÷ adoption.eligible at ${asOfText}; the series apply the same rule at the end of each day and ISO week of the period.`,
  };
  if (!eligible.ok) kpis.push(kpiUnavailable(scope, rateFields, eligible.why));
  else {
    const population = eligible.value;
    const breakdown: Record<string, BreakdownRow[]> = {};
    if (isBounded(input.periodMs)) {
      const at = (t: number): { registered: number; rate: number } => {
        const n = countIn(states.at(t).registered, population.users);
        return { registered: n, rate: n / population.users.size };
      };
      breakdown.byWeek = weeksOf(input.periodMs).map((w) => ({ weekStart: isoDay(w.start), ...at(w.to) }));
      breakdown.byDay = daysOf(input.periodMs).map((d) => ({ day: isoDay(d.start), ...at(d.to) }));
    }
    const rows = [...population.users.values()];
    if (rows.some((r) => r.department !== undefined)) breakdown.byDepartment = byAttribute(population, state.registered, 'department');
    if (rows.some((r) => r.group !== undefined)) breakdown.byGroup = byAttribute(population, state.registered, 'group');
    kpis.push(kpiValue(scope, { ...rateFields, breakdown }, registeredCount / population.users.size));
  }

  const unregisteredFields = {
    id: 'adoption.unregistered',
    family: 'adoption' as const,
    label: 'Eligible users not yet registered',
    unit: 'users',
    period: pointPeriod,
    method: `Eligible users (${eligibleText}) not registered at ${asOfText}, listed for the reminder campaign.`,
  };
  if (!eligible.ok) kpis.push(kpiUnavailable(scope, unregisteredFields, eligible.why));
  else {
    const missing = [...eligible.value.users.values()].filter((u) => !state.registered.has(u.upn)).sort((a, b) => a.upn.localeCompare(b.upn));
    const users = missing.map((u) => ({ user: u.upn, department: u.department ?? null, group: u.group ?? null }));
    kpis.push(kpiValue(scope, { ...unregisteredFields, breakdown: { users } }, missing.length));
  }

  kpis.push(
    kpiValue(
      scope,
      {
        id: 'adoption.completions',
        family: 'adoption',
        label: 'Users who completed registration in the period',
        unit: 'users',
        method: 'Distinct users with a "User registered all required security info" event in the period.',
      },
      input.tracker.completedInPeriod.size,
    ),
  );
  return kpis;
}
