import type { AuthMethod, SsprEvent } from '../core/event.ts';
import type { RegistrationRow } from '../core/directory.ts';
import type { RequiredMethods } from './config.ts';
import { latestAtOrBefore, type ParsedSnapshot } from './snapshots.ts';

/**
 * Who is registered, with which methods, at an instant: the latest registration-details snapshot taken at
 * or before it, plus the registration events logged since that snapshot and before the instant. The tracker
 * keeps per user only the times of completions and method additions/removals (small per-user lists).
 */

interface MethodOp {
  t: number;
  op: 'add' | 'remove';
  method: AuthMethod;
}

/** Collects registration events in one pass. */
export class RegistrationTracker {
  /** user → times of "User registered all required security info". */
  readonly completions = new Map<string, number[]>();
  /** user → method additions/removals, in arrival order. */
  readonly methodOps = new Map<string, MethodOp[]>();
  /** Users with a completion inside the period. */
  readonly completedInPeriod = new Set<string>();
  /** Methods added inside the period (registration mix), by method. */
  readonly addedInPeriod = new Map<AuthMethod, number>();

  /** Feeds one event (only successful `registration.*` events are used). */
  observe(event: SsprEvent, t: number, inPeriod: boolean): void {
    if (!event.action.startsWith('registration.') || event.outcome === 'failure') return;
    const user = event.user.name;
    if (event.action === 'registration.completed') {
      push(this.completions, user, t);
      if (inPeriod) this.completedInPeriod.add(user);
      return;
    }
    const method = event.authMethod;
    if (method === undefined) return;
    if (event.action === 'registration.added') {
      push(this.methodOps, user, { t, op: 'add', method });
      if (inPeriod) this.addedInPeriod.set(method, (this.addedInPeriod.get(method) ?? 0) + 1);
    } else if (event.action === 'registration.removed') {
      push(this.methodOps, user, { t, op: 'remove', method });
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** True when a registration-details row meets the required-methods rule. */
export function rowRegistered(row: RegistrationRow, rule: RequiredMethods): boolean {
  if (rule.rule === 'isSsprRegistered') return row.isSsprRegistered ?? row.methods.length > 0;
  const counted = rule.anyOf === undefined ? row.methods : row.methods.filter((m) => rule.anyOf?.includes(m));
  return counted.length >= rule.minCount;
}

/** Registration state at one instant. */
export interface RegistrationState {
  /** The snapshot the state starts from, if any was taken at or before the instant. */
  base?: ParsedSnapshot<RegistrationRow>;
  /** Users registered (required methods) at the instant. */
  registered: Set<string>;
  /** Users registered through a completion event after the base snapshot (not in it). */
  viaEvents: number;
}

/** Answers "who is registered at T" for many T, caching each snapshot's registered set. */
export class RegistrationStates {
  private readonly snapshots: readonly ParsedSnapshot<RegistrationRow>[];
  private readonly tracker: RegistrationTracker;
  private readonly rule: RequiredMethods;
  private readonly cache = new Map<ParsedSnapshot<RegistrationRow>, Set<string>>();

  constructor(snapshots: readonly ParsedSnapshot<RegistrationRow>[], tracker: RegistrationTracker, rule: RequiredMethods) {
    this.snapshots = snapshots;
    this.tracker = tracker;
    this.rule = rule;
  }

  /** Registered users at `at`: registered in the latest snapshot at or before it, plus completions in [snapshot, at). */
  at(at: number): RegistrationState {
    const base = latestAtOrBefore(this.snapshots, at);
    const registered = new Set(base === undefined ? [] : this.baseSet(base));
    const since = base?.takenAt ?? Number.NEGATIVE_INFINITY;
    let viaEvents = 0;
    for (const [user, times] of this.tracker.completions) {
      if (registered.has(user)) continue;
      if (times.some((t) => t >= since && t < at)) {
        registered.add(user);
        viaEvents += 1;
      }
    }
    return base === undefined ? { registered, viaEvents } : { base, registered, viaEvents };
  }

  /**
   * Registered methods per user at `at`: the snapshot's methods, then additions and removals logged in
   * [snapshot, at) applied in time order. Users left with no method are dropped.
   */
  methodsAt(at: number): { base?: ParsedSnapshot<RegistrationRow>; methods: Map<string, Set<AuthMethod>> } {
    const base = latestAtOrBefore(this.snapshots, at);
    const methods = new Map<string, Set<AuthMethod>>();
    for (const row of base?.rows ?? []) if (row.methods.length > 0) methods.set(row.upn, new Set(row.methods));
    const since = base?.takenAt ?? Number.NEGATIVE_INFINITY;
    for (const [user, ops] of this.tracker.methodOps) {
      const window = ops.filter((o) => o.t >= since && o.t < at).sort((a, b) => a.t - b.t);
      if (window.length === 0) continue;
      const set = methods.get(user) ?? new Set<AuthMethod>();
      for (const o of window) {
        if (o.op === 'add') set.add(o.method);
        else set.delete(o.method);
      }
      if (set.size > 0) methods.set(user, set);
      else methods.delete(user);
    }
    return base === undefined ? { methods } : { base, methods };
  }

  private baseSet(snapshot: ParsedSnapshot<RegistrationRow>): Set<string> {
    let set = this.cache.get(snapshot);
    if (set === undefined) {
      set = new Set(snapshot.rows.filter((row) => rowRegistered(row, this.rule)).map((row) => row.upn));
      this.cache.set(snapshot, set);
    }
    return set;
  }
}
