import type { ActorKind, SsprEvent } from '../core/event.ts';
import { kpiFrom, kpiValue, none, some, type BreakdownRow, type Kpi, type KpiPeriod } from './report.ts';
import { isPasswordTicket, type Ticket } from './snapshots.ts';
import { DAY_MS, inPeriod, isBounded, iso, isoDay, localPart, MINUTE_MS, weeksOf, type PeriodMs } from './time.ts';

/**
 * Resets and unlocks by channel (issue 4 §2), with one reset counted once across planes:
 * - an Entra "Reset password (self-service)" and the AD 4724 the sync account logs when it writes that
 *   reset back are one self-service reset;
 * - an Entra admin reset and its writeback 4724 are one helpdesk reset;
 * - a 4724 by a human operator is one helpdesk reset; the "Change user password" that password-hash sync
 *   logs in Entra afterwards (`phs-echo`) is never counted, so the pair is counted once;
 * - a writeback 4724 with no Entra reset of the same user nearby, at a time the Entra audit logs cover,
 *   is unexplained — no cloud reset asked for it — and is reported as such, never counted as a reset;
 *   outside the Entra logs' time span (only on-prem logs were ingested for it) it counts as self-service;
 * - Entra logs one admin reset twice, "Reset password (by admin)" (Self-service Password Management) and
 *   "Reset user password" (Core Directory), with one correlation id: Entra records of one user sharing a
 *   correlation id are one reset (self-service when one of them is the SSPR record); admin records without
 *   a correlation id within `cloudDuplicateWindowSeconds` of each other are one reset too.
 * Planes are joined on the UPN local part = sAMAccountName, within `crossPlaneWindowMinutes`.
 */

/** Actor kinds that are a person acting on someone else's account. */
const HUMAN: ReadonlySet<ActorKind> = new Set<ActorKind>(['admin', 'helpdesk']);

type MarkKind = 'cloudSelf' | 'cloudAdmin' | 'writeback' | 'onPremHuman';
interface Mark {
  t: number;
  kind: MarkKind;
  correlationId?: string;
}

/** One counted reset: its time (the originating record's) and where it was seen. */
export interface CountedReset {
  t: number;
  source: 'entra-sspr' | 'ad-writeback-only' | 'entra-admin' | 'ad-human';
}

/** A writeback 4724 that no Entra reset explains although the Entra logs cover its time. */
export interface UnexplainedWriteback {
  t: number;
  /** sAMAccountName (or UPN local part) of the account reset. */
  account: string;
}

export interface ChannelTotals {
  selfResets: CountedReset[];
  helpdeskResets: CountedReset[];
  /** Writeback 4724s folded into the Entra reset they copy (not counted again), inside the period. */
  writebacksMatched: number;
  unexplainedWritebacks: UnexplainedWriteback[];
  selfUnlocks: number[];
  helpdeskUnlocks: number[];
  blocked: number;
}

/** The join key across planes: UPN local part or sAMAccountName. */
function planeKey(event: SsprEvent): string {
  return localPart(event.user.sam ?? event.user.upn ?? event.user.name);
}

/** Collects reset and unlock records in one pass; keeps a small list of reset times per user. */
export class ChannelTracker {
  private readonly marks = new Map<string, Mark[]>();
  private readonly selfUnlocks: number[] = [];
  private readonly helpdeskUnlocks: number[] = [];
  private blocked = 0;
  /** Time span of the Entra audit events seen: where a writeback without an Entra reset is unexplained. */
  private entraFirst = Number.POSITIVE_INFINITY;
  private entraLast = Number.NEGATIVE_INFINITY;

  observe(event: SsprEvent, t: number, inPeriodNow: boolean): void {
    if (event.dataset === 'entra.audit') {
      this.entraFirst = Math.min(this.entraFirst, t);
      this.entraLast = Math.max(this.entraLast, t);
    }
    if (event.action === 'sspr.reset') {
      if (event.outcome === 'success') this.mark(event, { t, kind: 'cloudSelf' }, event.correlationId);
      else if (event.outcome === 'blocked' && inPeriodNow) this.blocked += 1;
    } else if (event.action === 'sspr.unlock') {
      if (event.outcome === 'success' && inPeriodNow) this.selfUnlocks.push(t);
    } else if (event.action === 'password.reset' && event.outcome === 'success') {
      if (event.actor.kind === 'sync' || event.tags?.includes('writeback')) this.mark(event, { t, kind: 'writeback' });
      // A user named as the actor of their own reset is not a person resetting someone else's password.
      else if (HUMAN.has(event.actor.kind) && event.actor.name !== event.user.name) {
        if (event.dataset === 'ad.security') this.mark(event, { t, kind: 'onPremHuman' });
        else this.mark(event, { t, kind: 'cloudAdmin' }, event.correlationId);
      }
    } else if (event.action === 'account.unlock' && event.outcome === 'success' && event.dataset === 'ad.security') {
      if (HUMAN.has(event.actor.kind) && inPeriodNow) this.helpdeskUnlocks.push(t);
    }
  }

  private mark(event: SsprEvent, mark: Mark, correlationId?: string): void {
    if (correlationId !== undefined) mark.correlationId = correlationId;
    const key = planeKey(event);
    const list = this.marks.get(key);
    if (list === undefined) this.marks.set(key, [mark]);
    else list.push(mark);
  }

  /** Deduplicates across planes and keeps what falls inside the period. */
  totals(period: PeriodMs, windowMinutes: number, duplicateSeconds: number): ChannelTotals {
    const windowMs = windowMinutes * MINUTE_MS;
    const out: ChannelTotals = {
      selfResets: [],
      helpdeskResets: [],
      writebacksMatched: 0,
      unexplainedWritebacks: [],
      selfUnlocks: this.selfUnlocks,
      helpdeskUnlocks: this.helpdeskUnlocks,
      blocked: this.blocked,
    };
    const covered = (t: number): boolean => t >= this.entraFirst - windowMs && t <= this.entraLast + windowMs;
    for (const [account, marks] of this.marks) {
      const cloud = mergeCloudRecords(marks.filter((m) => m.kind === 'cloudSelf' || m.kind === 'cloudAdmin'), duplicateSeconds * 1000);
      const writebacks = marks.filter((m) => m.kind === 'writeback');
      const matched = matchNearest(writebacks, cloud, windowMs);
      for (const m of cloud) {
        if (!inPeriod(m.t, period)) continue;
        if (m.kind === 'cloudSelf') out.selfResets.push({ t: m.t, source: 'entra-sspr' });
        else out.helpdeskResets.push({ t: m.t, source: 'entra-admin' });
      }
      writebacks.forEach((w, i) => {
        if (!inPeriod(w.t, period)) return;
        if (matched.has(i)) out.writebacksMatched += 1;
        else if (covered(w.t)) out.unexplainedWritebacks.push({ t: w.t, account });
        else out.selfResets.push({ t: w.t, source: 'ad-writeback-only' });
      });
      for (const m of marks) if (m.kind === 'onPremHuman' && inPeriod(m.t, period)) out.helpdeskResets.push({ t: m.t, source: 'ad-human' });
    }
    return out;
  }
}

/** Entra records of one reset merged into one mark (see the module comment); input of one user. */
function mergeCloudRecords(marks: readonly Mark[], duplicateMs: number): Mark[] {
  const out: Mark[] = [];
  for (const m of [...marks].sort((a, b) => a.t - b.t)) {
    const same = out.find(
      (r) =>
        (m.correlationId !== undefined && r.correlationId === m.correlationId) ||
        (m.kind === 'cloudAdmin' && r.kind === 'cloudAdmin' && (m.correlationId === undefined || r.correlationId === undefined) && m.t - r.t <= duplicateMs),
    );
    if (same === undefined) out.push({ ...m });
    else if (m.kind === 'cloudSelf' && same.kind !== 'cloudSelf') {
      same.kind = 'cloudSelf';
      same.t = m.t;
    }
  }
  return out;
}

/** One-to-one pairs of (writeback, cloud reset) within the window, closest first; returns matched writeback indexes. */
function matchNearest(writebacks: readonly Mark[], cloud: readonly Mark[], windowMs: number): Set<number> {
  const pairs: Array<{ w: number; c: number; d: number }> = [];
  writebacks.forEach((w, wi) =>
    cloud.forEach((c, ci) => {
      const d = Math.abs(w.t - c.t);
      if (d <= windowMs) pairs.push({ w: wi, c: ci, d });
    }),
  );
  pairs.sort((a, b) => a.d - b.d || a.w - b.w || a.c - b.c);
  const usedW = new Set<number>();
  const usedC = new Set<number>();
  for (const p of pairs) {
    if (usedW.has(p.w) || usedC.has(p.c)) continue;
    usedW.add(p.w);
    usedC.add(p.c);
  }
  return usedW;
}

function countBy<T extends string>(items: readonly { source: T }[], source: T): number {
  return items.filter((i) => i.source === source).length;
}

/** Channel KPIs: `resets.selfService`, `unlocks.selfService`, `resets.helpdesk`, `unlocks.helpdesk`, `resets.selfServiceShare`, `resets.blocked`. */
export function channelKpis(input: {
  period: KpiPeriod;
  periodMs: PeriodMs;
  totals: ChannelTotals;
  windowMinutes: number;
  /** Password tickets for the weekly series, when a ticket CSV was ingested. */
  tickets?: readonly Ticket[];
  passwordTicketCategories: readonly string[];
}): Kpi[] {
  const { totals: t, windowMinutes: w } = input;
  const scope = { period: input.period };
  const selfBreakdown: BreakdownRow[] = [
    { source: 'Entra "Reset password (self-service)"', counted: countBy(t.selfResets, 'entra-sspr') },
    { source: 'AD 4724 writeback outside the Entra logs\' time span', counted: countBy(t.selfResets, 'ad-writeback-only') },
    { source: 'AD 4724 writeback of an Entra reset (same reset)', counted: 0, folded: t.writebacksMatched },
    { source: 'AD 4724 writeback no Entra reset explains (resets.unexplainedWriteback)', counted: 0, folded: t.unexplainedWritebacks.length },
  ];
  const helpdeskBreakdown: BreakdownRow[] = [
    { source: 'AD 4724 by a human operator', counted: countBy(t.helpdeskResets, 'ad-human') },
    { source: 'Entra admin reset', counted: countBy(t.helpdeskResets, 'entra-admin') },
  ];
  const kpis: Kpi[] = [
    kpiValue(
      scope,
      {
        id: 'resets.selfService',
        family: 'channels',
        label: 'Self-service password resets',
        unit: 'resets',
        method: `Successful Entra "Reset password (self-service)" events in the period; an AD 4724 by the sync account (writeback) with an Entra reset of the same user (sAMAccountName = UPN local part) within ±${w} min is that reset and not counted again, one outside the Entra logs' time span counts as a self-service reset, one inside it without an Entra reset is unexplained and not counted.`,
        breakdown: { sources: selfBreakdown },
      },
      t.selfResets.length,
    ),
    kpiValue(
      scope,
      {
        id: 'unlocks.selfService',
        family: 'channels',
        label: 'Self-service account unlocks',
        unit: 'unlocks',
        method: 'Successful Entra "Unlock user account (self-service)" events in the period.',
      },
      t.selfUnlocks.length,
    ),
    kpiValue(
      scope,
      {
        id: 'resets.helpdesk',
        family: 'channels',
        label: 'Helpdesk/admin password resets',
        unit: 'resets',
        method: `Successful resets done by a person in the period: AD 4724 by a human operator plus Entra admin resets (its "Reset password (by admin)" and "Reset user password" records, one correlation id, count once); the sync account's writeback 4724 (matched within ±${w} min to the Entra reset it copies) and the password-hash-sync "Change user password" echo are never counted, so each reset counts once.`,
        breakdown: { sources: helpdeskBreakdown },
      },
      t.helpdeskResets.length,
    ),
    kpiValue(
      scope,
      {
        id: 'unlocks.helpdesk',
        family: 'channels',
        label: 'Helpdesk account unlocks (AD)',
        unit: 'unlocks',
        method: 'Successful AD 4767 account unlocks by a human operator in the period.',
      },
      t.helpdeskUnlocks.length,
    ),
  ];

  const all = t.selfResets.length + t.helpdeskResets.length;
  const shareFields = {
    id: 'resets.selfServiceShare',
    family: 'channels' as const,
    label: 'Share of resets done by self-service',
    unit: 'ratio',
    method: 'Self-service resets ÷ (self-service + helpdesk resets) in the period; the weekly series counts each channel per ISO week (Monday 00:00 UTC), by the time of the originating record.',
    ...(isBounded(input.periodMs) ? { breakdown: { byWeek: weekly(input, input.periodMs) } } : {}),
  };
  kpis.push(kpiFrom(scope, shareFields, all > 0 ? some(t.selfResets.length / all) : none('no password resets in the period')));
  kpis.push(
    kpiValue(
      scope,
      {
        id: 'resets.unexplainedWriteback',
        family: 'posture',
        label: 'Unexplained writeback resets (AD 4724 by the sync account)',
        unit: 'resets',
        method: `AD 4724 password resets by the sync account in the period with no Entra reset of the same user within ±${w} min although the Entra audit logs cover that time: nothing in the cloud asked for them, so someone may be using the sync account.`,
        breakdown: { resets: t.unexplainedWritebacks.map((u) => ({ account: u.account, at: iso(u.t) })) },
      },
      t.unexplainedWritebacks.length,
    ),
  );
  kpis.push(
    kpiValue(
      scope,
      {
        id: 'resets.blocked',
        family: 'channels',
        label: 'Users blocked from SSPR',
        unit: 'events',
        method: '"Blocked from self-service password reset" events in the period (too many attempts in 24 hours).',
      },
      t.blocked,
    ),
  );
  return kpis;
}

function weekly(input: Parameters<typeof channelKpis>[0], period: Required<PeriodMs>): BreakdownRow[] {
  const { totals: t } = input;
  const tickets = input.tickets?.filter((k) => isPasswordTicket(k, input.passwordTicketCategories));
  return weeksOf(period).map((w) => {
    const inWeek = (x: number): boolean => x >= w.from && x < w.to;
    return {
      weekStart: isoDay(w.start),
      daysInPeriod: (w.to - w.from) / DAY_MS,
      selfServiceResets: t.selfResets.filter((r) => inWeek(r.t)).length,
      selfServiceUnlocks: t.selfUnlocks.filter(inWeek).length,
      helpdeskResets: t.helpdeskResets.filter((r) => inWeek(r.t)).length,
      helpdeskUnlocks: t.helpdeskUnlocks.filter(inWeek).length,
      passwordTickets: tickets === undefined ? null : tickets.filter((k) => inWeek(k.created)).length,
    };
  });
}
