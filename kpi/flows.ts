import type { AuthMethod, SsprEvent, SsprStep } from '../core/event.ts';
import { inPeriod, MINUTE_MS, type PeriodMs } from './time.ts';

/**
 * SSPR flows rebuilt from "Self-service password reset flow activity progress" events (`sspr.progress`).
 * A flow is the events sharing a correlation id; events without one are grouped per user, a new flow
 * starting at a `started` step, after a terminal step, or after a gap longer than `flowGapMinutes`
 * (this fallback needs the events in time order, as `Store.queryEvents` yields them).
 *
 * The flow's outcome records ("Reset password (self-service)" / "Unlock user account (self-service)" with
 * success or failure, "Blocked from self-service password reset") share its correlation id and end it.
 *
 * A flow starts at its earliest event. Its outcome is its latest terminal step or record — succeeded,
 * failed, blocked or abandoned; a flow with no terminal step was left unfinished and counts as abandoned.
 * It is "verified" once it reaches `verified`, `passwordSubmitted` or `succeeded`. A succeeded flow's
 * duration runs from its start to its successful reset/unlock record (when the password was reset), else
 * to its first `succeeded` step. Steps are taken in arrival order (time order from the store).
 */

export type FlowOutcome = 'succeeded' | 'failed' | 'blocked' | 'abandoned';

const TERMINAL: ReadonlySet<SsprStep> = new Set<SsprStep>(['succeeded', 'failed', 'blocked', 'abandoned']);
const VERIFIED: ReadonlySet<SsprStep> = new Set<SsprStep>(['verified', 'passwordSubmitted', 'succeeded']);
/** Steps whose logged reason explains why a flow did not (yet) succeed. */
const FAILURE_STEPS: ReadonlySet<SsprStep> = new Set<SsprStep>(['verificationFailed', 'failed', 'blocked', 'abandoned']);

interface FlowState {
  user: string;
  start: number;
  last: number;
  /** Only flows with a progress event are counted. */
  hasProgress: boolean;
  /** First `succeeded` progress step. */
  succeededAt?: number;
  /** First successful reset/unlock record: when the password was actually reset. */
  resolvedAt?: number;
  terminal?: { step: FlowOutcome; t: number };
  verified: boolean;
  verifiedMethods: Set<AuthMethod>;
  anyMethods: Set<AuthMethod>;
  /** Method of the latest `verificationStarted` step: what a method-less `verified` step completed. */
  pending?: AuthMethod;
}

/** One finished flow as the KPIs use it. */
export interface FlowSummary {
  user: string;
  start: number;
  outcome: FlowOutcome;
  verified: boolean;
  /** Minutes from start to the first `succeeded` step; only for succeeded flows. */
  durationMinutes?: number;
  /**
   * Methods the flow verified with: the authMethod of its `verified` steps (a method-less one counts the
   * method of the `verificationStarted` step before it), else of any step.
   */
  methods: AuthMethod[];
}

/** Collects flow-progress events in one pass; keeps one small record per flow. */
export class FlowTracker {
  private readonly byCorrelation = new Map<string, FlowState>();
  private readonly openByUser = new Map<string, FlowState>();
  private readonly uncorrelated: FlowState[] = [];
  private readonly gapMs: number;
  /** Failure-step events inside the period, by logged reason. */
  readonly failureReasons = new Map<string, number>();

  constructor(flowGapMinutes: number) {
    this.gapMs = flowGapMinutes * MINUTE_MS;
  }

  observe(event: SsprEvent, t: number, inPeriodNow: boolean): void {
    if (event.action === 'sspr.progress') this.progress(event, t, inPeriodNow);
    else if ((event.action === 'sspr.reset' || event.action === 'sspr.unlock') && event.outcome !== 'unknown') this.record(event, t, inPeriodNow);
  }

  private progress(event: SsprEvent, t: number, inPeriodNow: boolean): void {
    const step = event.ssprStep ?? 'other';
    if (inPeriodNow && FAILURE_STEPS.has(step)) this.countReason(event.reason ?? event.resultCode ?? `(${step}, no reason logged)`);
    const flow = this.flowFor(event, t, step);
    flow.hasProgress = true;
    touch(flow, t);
    if (VERIFIED.has(step)) flow.verified = true;
    if (event.authMethod !== undefined) flow.anyMethods.add(event.authMethod);
    if (step === 'verificationStarted' && event.authMethod !== undefined) flow.pending = event.authMethod;
    if (step === 'verified') {
      // "User completed all verification steps required" names no method: it closes the gate started last.
      const method = event.authMethod ?? flow.pending;
      if (method !== undefined) flow.verifiedMethods.add(method);
    }
    if (step === 'succeeded' && (flow.succeededAt === undefined || t < flow.succeededAt)) flow.succeededAt = t;
    if (TERMINAL.has(step)) terminate(flow, step as FlowOutcome, t);
  }

  /**
   * The flow's own outcome record ("Reset password (self-service)", "Unlock user account (self-service)",
   * "Blocked from self-service password reset"): ends the flow it belongs to, never starts one (a reset
   * logged without progress events is not a flow we can time).
   */
  private record(event: SsprEvent, t: number, inPeriodNow: boolean): void {
    const outcome: FlowOutcome = event.outcome === 'success' ? 'succeeded' : event.outcome === 'blocked' ? 'blocked' : 'failed';
    // A record without a reason repeats the progress step that has one (Entra logs both for a block).
    if (inPeriodNow && outcome !== 'succeeded' && event.reason !== undefined) this.countReason(event.reason);
    let flow: FlowState | undefined;
    if (event.correlationId !== undefined) {
      flow = this.byCorrelation.get(event.correlationId);
      if (flow === undefined) {
        // Kept in case its progress events come later; counted only if they do.
        flow = newFlow(event.user.name, t);
        this.byCorrelation.set(event.correlationId, flow);
      }
    } else {
      const open = this.openByUser.get(event.user.name);
      if (open === undefined || t - open.last > this.gapMs) return;
      flow = open;
    }
    touch(flow, t);
    if (outcome === 'succeeded' && (flow.resolvedAt === undefined || t < flow.resolvedAt)) flow.resolvedAt = t;
    terminate(flow, outcome, t);
  }

  private countReason(reason: string): void {
    this.failureReasons.set(reason, (this.failureReasons.get(reason) ?? 0) + 1);
  }

  private flowFor(event: SsprEvent, t: number, step: SsprStep): FlowState {
    const user = event.user.name;
    if (event.correlationId !== undefined) {
      let flow = this.byCorrelation.get(event.correlationId);
      if (flow === undefined) {
        flow = newFlow(user, t);
        this.byCorrelation.set(event.correlationId, flow);
      }
      return flow;
    }
    const open = this.openByUser.get(user);
    if (open !== undefined && step !== 'started' && open.terminal === undefined && t - open.last <= this.gapMs) return open;
    const flow = newFlow(user, t);
    this.uncorrelated.push(flow);
    this.openByUser.set(user, flow);
    return flow;
  }

  /** Flows that started inside the period. */
  flows(period: PeriodMs): FlowSummary[] {
    const out: FlowSummary[] = [];
    for (const flow of [...this.byCorrelation.values(), ...this.uncorrelated]) {
      if (!flow.hasProgress || !inPeriod(flow.start, period)) continue;
      const outcome: FlowOutcome = flow.terminal?.step ?? 'abandoned';
      const methods = [...(flow.verifiedMethods.size > 0 ? flow.verifiedMethods : flow.anyMethods)];
      out.push({
        user: flow.user,
        start: flow.start,
        outcome,
        verified: flow.verified,
        methods,
        ...(outcome === 'succeeded' ? { durationMinutes: ((flow.resolvedAt ?? flow.succeededAt ?? flow.last) - flow.start) / MINUTE_MS } : {}),
      });
    }
    return out.sort((a, b) => a.start - b.start);
  }
}

function newFlow(user: string, t: number): FlowState {
  return { user, start: t, last: t, hasProgress: false, verified: false, verifiedMethods: new Set(), anyMethods: new Set() };
}

function touch(flow: FlowState, t: number): void {
  flow.start = Math.min(flow.start, t);
  flow.last = Math.max(flow.last, t);
}

/** The latest terminal step decides the outcome. */
function terminate(flow: FlowState, outcome: FlowOutcome, t: number): void {
  if (flow.terminal === undefined || t >= flow.terminal.t) flow.terminal = { step: outcome, t };
}
