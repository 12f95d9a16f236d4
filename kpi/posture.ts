import type { AuthMethod } from '../core/event.ts';
import type { MethodClass, MethodClasses } from './config.ts';
import type { FlowOutcome, FlowSummary } from './flows.ts';
import type { Population } from './adoption.ts';
import { kpiFrom, kpiUnavailable, kpiValue, none, some, type BreakdownRow, type Kpi, type KpiPeriod, type Maybe } from './report.ts';
import { describeSnapshot, nearestSnapshot, type ParsedSnapshot } from './snapshots.ts';
import type { RegistrationStates } from './registration-state.ts';
import type { PrivilegedRow } from '../core/directory.ts';
import { localPart, type AsOf } from './time.ts';

/**
 * Security posture of SSPR (issue 4 §5): which methods users reset and register with, how many users rely
 * on weak methods only, the SSPR funnel and why flows fail.
 */

const CLASS_ORDER: readonly MethodClass[] = ['phishingResistant', 'moderate', 'weak', 'weakest', 'unclassified'];

/** The configured class of a method (`unclassified` when listed in none). */
export function methodClass(method: AuthMethod, classes: MethodClasses): MethodClass {
  for (const name of ['phishingResistant', 'moderate', 'weak', 'weakest'] as const) if (classes[name].includes(method)) return name;
  return 'unclassified';
}

/** True when a user has at least one method and every one is weak or weakest. */
function weakOnly(methods: ReadonlySet<AuthMethod>, classes: MethodClasses): boolean {
  if (methods.size === 0) return false;
  for (const m of methods) {
    const c = methodClass(m, classes);
    if (c !== 'weak' && c !== 'weakest') return false;
  }
  return true;
}

/** The strongest class among a user's methods. */
function strongestClass(methods: ReadonlySet<AuthMethod>, classes: MethodClasses): MethodClass {
  const present = new Set([...methods].map((m) => methodClass(m, classes)));
  return CLASS_ORDER.find((c) => present.has(c)) ?? 'unclassified';
}

/** Rows `{method, class, count, share}` from method counts, most used first. */
function mixRows(counts: ReadonlyMap<AuthMethod | 'unknown', number>, total: number, classes: MethodClasses): BreakdownRow[] {
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([method, count]) => ({ method, class: method === 'unknown' ? 'unknown' : methodClass(method, classes), count, share: total > 0 ? count / total : null }));
}

export interface PostureInput {
  period: KpiPeriod;
  asOf: AsOf;
  states: RegistrationStates;
  eligible: Maybe<Population>;
  privileged: readonly ParsedSnapshot<PrivilegedRow>[];
  flows: readonly FlowSummary[];
  addedInPeriod: ReadonlyMap<AuthMethod, number>;
  failureReasons: ReadonlyMap<string, number>;
  classes: MethodClasses;
  topFailureReasons: number;
}

/** Method KPIs: `methods.weakShare`, `methods.privilegedWeakOnly`, `methods.resetMix`, `methods.registrationMix`. */
export function methodKpis(input: PostureInput): Kpi[] {
  const { classes } = input;
  const scope = { period: input.period };
  const pointPeriod = { from: input.period.from, to: input.asOf.iso };
  const { base, methods } = input.states.methodsAt(input.asOf.t);
  const inScope = (user: string): boolean => !input.eligible.ok || input.eligible.value.users.has(user);
  const population = [...methods.entries()].filter(([user]) => inScope(user));
  const weakUsers = population.filter(([, m]) => weakOnly(m, classes)).map(([u]) => u).sort();
  const byClass = new Map<MethodClass, number>();
  for (const [, m] of population) byClass.set(strongestClass(m, classes), (byClass.get(strongestClass(m, classes)) ?? 0) + 1);

  const baseText = base === undefined ? '' : `the registration-details export ${describeSnapshot(base)} plus methods added or deleted in the logs since`;
  const kpis: Kpi[] = [];
  const weakFields = {
    id: 'methods.weakShare',
    family: 'posture' as const,
    label: 'Users whose only methods are weak',
    unit: 'ratio',
    period: pointPeriod,
    method: `Users whose registered methods at ${input.asOf.phrase} are all weak (${[...classes.weak, ...classes.weakest].join(', ')}) ÷ users with at least one registered method${input.eligible.ok ? ' among the eligible' : ''}; methods from ${baseText || 'a registration-details export plus later registration events'}.`,
  };
  if (base === undefined) {
    kpis.push(kpiUnavailable(scope, weakFields, 'no userRegistrationDetails export was ingested (taken at or before the period end); registration events alone miss methods registered before the logs begin'));
  } else if (population.length === 0) {
    kpis.push(kpiUnavailable(scope, weakFields, 'no user has a registered method'));
  } else {
    const classRows = CLASS_ORDER.map((c) => ({ strongestClass: c, users: byClass.get(c) ?? 0, share: (byClass.get(c) ?? 0) / population.length }));
    const breakdown = { byStrongestClass: classRows, weakOnlyUsers: weakUsers.map((user) => ({ user, methods: [...(methods.get(user) ?? [])].join(', ') })) };
    kpis.push(kpiValue(scope, { ...weakFields, breakdown }, weakUsers.length / population.length));
  }

  const privFields = {
    id: 'methods.privilegedWeakOnly',
    family: 'posture' as const,
    label: 'Privileged accounts with weak methods only',
    unit: 'users',
    period: pointPeriod,
    method: `Accounts of the privileged list whose registered methods at ${input.asOf.phrase} are all weak; a sAMAccountName matches the UPN with that local part.`,
  };
  const privileged = nearestSnapshot(input.privileged, input.asOf.t);
  if (privileged === undefined) kpis.push(kpiUnavailable(scope, privFields, 'no privileged-accounts list was ingested'));
  else if (base === undefined) kpis.push(kpiUnavailable(scope, privFields, 'no userRegistrationDetails export was ingested (taken at or before the period end)'));
  else {
    const byLocal = new Map<string, string[]>();
    for (const user of methods.keys()) byLocal.set(localPart(user), [...(byLocal.get(localPart(user)) ?? []), user]);
    const rows: BreakdownRow[] = [];
    let count = 0;
    for (const { account } of privileged.snapshot.rows) {
      const users = account.includes('@') ? (methods.has(account) ? [account] : []) : (byLocal.get(account) ?? []);
      const set = new Set(users.flatMap((u) => [...(methods.get(u) ?? [])]));
      const weak = weakOnly(set, classes);
      if (weak) count += 1;
      rows.push({ account, user: users.join(', ') || null, methods: [...set].join(', ') || null, status: weak ? 'weak-only' : set.size === 0 ? 'no methods' : 'ok' });
    }
    const method = `${privFields.method} List: ${describeSnapshot(privileged.snapshot, privileged.after)}.`;
    kpis.push(kpiValue(scope, { ...privFields, method, breakdown: { accounts: rows } }, count));
  }

  const succeeded = input.flows.filter((f) => f.outcome === 'succeeded');
  const resetCounts = new Map<AuthMethod | 'unknown', number>();
  for (const f of succeeded) for (const m of f.methods.length > 0 ? f.methods : (['unknown'] as const)) resetCounts.set(m, (resetCounts.get(m) ?? 0) + 1);
  kpis.push(
    kpiFrom(
      scope,
      {
        id: 'methods.resetMix',
        family: 'posture',
        label: 'Methods used in successful self-service resets',
        unit: 'flows',
        method: 'Successful SSPR flows in the period, counted once under each method they verified with (the method of each "verified" step, or of the verification started before a method-less one; else any method the flow names); shares are of successful flows.',
        breakdown: { methods: mixRows(resetCounts, succeeded.length, classes) },
      },
      succeeded.length > 0 ? some(succeeded.length) : none('no successful SSPR flow started in the period'),
    ),
  );
  const added = [...input.addedInPeriod.values()].reduce((a, b) => a + b, 0);
  kpis.push(
    kpiValue(
      scope,
      {
        id: 'methods.registrationMix',
        family: 'posture',
        label: 'Methods registered in the period',
        unit: 'events',
        method: '"User registered security info" events in the period with a recognised method, by method; shares are of those events.',
        breakdown: { methods: mixRows(input.addedInPeriod, added, classes) },
      },
      added,
    ),
  );
  return kpis;
}

const STAGES: ReadonlyArray<{ id: string; label: string; test: (f: FlowSummary) => boolean; what: string }> = [
  { id: 'funnel.started', label: 'SSPR flows started', test: () => true, what: 'every flow' },
  { id: 'funnel.verified', label: 'SSPR flows verified', test: (f) => f.verified, what: 'flows that reached "verified", "passwordSubmitted" or "succeeded"' },
  { id: 'funnel.succeeded', label: 'SSPR flows succeeded', test: (f) => f.outcome === 'succeeded', what: 'flows whose last terminal step is "succeeded"' },
  ...(['failed', 'blocked', 'abandoned'] as const satisfies readonly FlowOutcome[]).map((o) => ({
    id: `funnel.${o}`,
    label: `SSPR flows ${o}`,
    test: (f: FlowSummary) => f.outcome === o,
    what: o === 'abandoned' ? 'flows whose last terminal step is "abandoned", or with no terminal step' : `flows whose last terminal step is "${o}"`,
  })),
];

/** Funnel KPIs (`funnel.completionRate` and one per stage) and `failures.topReasons`. */
export function funnelKpis(input: Pick<PostureInput, 'period' | 'flows' | 'failureReasons' | 'topFailureReasons'>): Kpi[] {
  const scope = { period: input.period };
  const flows = input.flows;
  const counts = STAGES.map((s) => ({ ...s, count: flows.filter(s.test).length }));
  const started = flows.length;
  const succeeded = counts.find((s) => s.id === 'funnel.succeeded')?.count ?? 0;
  const kpis: Kpi[] = [
    kpiFrom(
      scope,
      {
        id: 'funnel.completionRate',
        family: 'posture',
        label: 'SSPR funnel completion rate',
        unit: 'ratio',
        method: 'Succeeded ÷ started SSPR flows (SSPR events grouped by correlation id, with at least one flow-progress event) that started in the period.',
        breakdown: { stages: counts.map((s) => ({ stage: s.id.slice('funnel.'.length), flows: s.count, shareOfStarted: started > 0 ? s.count / started : null })) },
      },
      started > 0 ? some(succeeded / started) : none('no "Self-service password reset flow activity progress" events in the period'),
    ),
  ];
  for (const s of counts) {
    kpis.push(kpiValue(scope, { id: s.id, family: 'posture', label: s.label, unit: 'flows', method: `SSPR flows started in the period: ${s.what}.` }, s.count));
  }
  const reasons = [...input.failureReasons.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = reasons.reduce((sum, [, n]) => sum + n, 0);
  kpis.push(
    kpiValue(
      scope,
      {
        id: 'failures.topReasons',
        family: 'posture',
        label: 'SSPR failure events (top reasons listed)',
        unit: 'events',
        method: `SSPR events in the period that say why a flow did not succeed — progress steps verificationFailed, failed, blocked or abandoned, and failed or blocked reset/unlock records that give a reason — grouped by the logged reason; the ${input.topFailureReasons} most frequent are listed.`,
        breakdown: { reasons: reasons.slice(0, input.topFailureReasons).map(([reason, events]) => ({ reason, events, share: events / total })) },
      },
      total,
    ),
  );
  return kpis;
}
