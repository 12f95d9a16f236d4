import type { Logger } from '../core/logger.ts';
import type { AlertOutbox, OutboxCompletion, OutboxItem } from '../store/contract.ts';
import type { Sender } from './channels/index.ts';
import type { AlertsConfig } from './config.ts';
import { buildDigests } from './digest.ts';
import { backoffMs, type SendOutcome } from './retry.ts';

/** The loop's only clock: tests pass a fake one that jumps instead of waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface DeliveryDeps {
  outbox: AlertOutbox;
  config: Pick<AlertsConfig, 'maxRetryHours' | 'retry' | 'concurrency'>;
  senders: ReadonlyMap<string, Sender>;
  clock: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  log?: Logger;
}

export interface DeliveryOptions {
  /** Keep going (waiting for retries) until nothing is pending or only dead letters remain. */
  untilIdle?: boolean;
  /** Stop starting attempts at this epoch ms; what is left stays in the outbox. */
  deadline?: number;
}

export interface DeliveryReport {
  attempts: number;
  delivered: number;
  retried: number;
  dead: number;
  digests: number;
  /** `idle`: nothing pending; `done`: nothing due now (without --until-idle); `deadline`: time ran out. */
  stoppedBy: 'idle' | 'done' | 'deadline';
}

const HOUR = 3_600_000;

/** What to record after one attempt: delivered, retry later (backoff or Retry-After), or dead. */
export function completionOf(item: OutboxItem, outcome: SendOutcome, now: number, deps: Pick<DeliveryDeps, 'config' | 'random'>): OutboxCompletion {
  const at = new Date(now).toISOString();
  if (outcome.ok) return { status: 'delivered', at, ...(outcome.code !== undefined ? { code: outcome.code } : {}) };
  const code = outcome.code !== undefined ? { code: outcome.code } : {};
  if (!outcome.retryable) return { status: 'dead', at, error: outcome.error, ...code };
  const delay = outcome.retryAfterMs ?? backoffMs(item.attempts, deps.config.retry, deps.random ?? Math.random);
  const first = Date.parse(item.firstAttemptAt ?? item.lastAttemptAt ?? at);
  const windowEnd = first + deps.config.maxRetryHours * HOUR;
  if (now + delay > windowEnd) {
    const hours = Math.round(((now - first) / HOUR) * 10) / 10;
    return { status: 'dead', at, error: `gave up after ${item.attempts} attempt(s) over ${hours} h (alerts.maxRetryHours ${deps.config.maxRetryHours}): ${outcome.error}`, ...code };
  }
  return { status: 'pending', dueAt: new Date(now + delay).toISOString(), error: outcome.error, ...code };
}

async function attempt(item: OutboxItem, deps: DeliveryDeps, report: DeliveryReport): Promise<void> {
  const sender = deps.senders.get(item.channel);
  let outcome: SendOutcome;
  if (!sender) outcome = { ok: false, retryable: false, error: `channel "${item.channel}" is not in alerts.channels any more; add it back and replay` };
  else {
    try {
      outcome = await sender.send(item.alert, item.id);
    } catch (error) {
      // A channel reports failures as outcomes; anything thrown is unexpected and retried rather than lost.
      outcome = { ok: false, retryable: true, error: `unexpected: ${(error as Error).message}` };
    }
  }
  const completion = completionOf(item, outcome, deps.clock.now(), deps);
  const recorded = await deps.outbox.completeAlert(item.id, item.attempts, completion);
  report.attempts += 1;
  if (completion.status === 'delivered') report.delivered += 1;
  else if (completion.status === 'dead') report.dead += 1;
  else report.retried += 1;
  const fields = { id: item.id, channel: item.channel, type: item.type, attempt: item.attempts, result: completion.status, recorded, code: completion.code };
  if (completion.status === 'delivered') deps.log?.info(fields, 'alert delivered');
  else deps.log?.warn({ ...fields, error: completion.error }, completion.status === 'dead' ? 'alert dead-lettered' : 'alert delivery failed, will retry');
}

/** Turns held alerts whose digest time has come into digest alerts (atomically per digest). */
async function releaseDigests(outbox: AlertOutbox, now: number): Promise<number> {
  let released = 0;
  for (const { digest, heldIds } of buildDigests(await outbox.heldAlertsDue(new Date(now).toISOString()), now)) {
    if (await outbox.releaseDigest(digest, heldIds)) released += 1;
  }
  return released;
}

/**
 * Delivers what is due: releases due digests, claims due alerts (each attempt is recorded in the outbox before
 * it starts and after it ends, so a crash resends the same id rather than losing it) and keeps up to
 * `concurrency` attempts in flight (a slow receiver holds one slot, not the others), scheduling retries with
 * backoff and jitter or the receiver's Retry-After until `maxRetryHours` after the first attempt. With
 * `untilIdle` it waits for retries that fall due before the deadline; otherwise it returns once nothing is due.
 */
export async function deliverDue(deps: DeliveryDeps, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempts: 0, delivered: 0, retried: 0, dead: 0, digests: 0, stoppedBy: 'done' };
  const longest = Math.max(1000, ...[...deps.senders.values()].map((s) => s.timeoutMs));
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const inflight = new Set<Promise<void>>();
  for (;;) {
    const now = deps.clock.now();
    const open = now < deadline;
    if (open && inflight.size < deps.config.concurrency) {
      if (inflight.size === 0) report.digests += await releaseDigests(deps.outbox, now);
      // The lease: twice the longest attempt, after which a crashed sender's alerts are due again.
      const lease = new Date(now + 2 * longest).toISOString();
      const batch = await deps.outbox.claimDueAlerts(new Date(now).toISOString(), lease, deps.config.concurrency - inflight.size);
      for (const item of batch) {
        const running: Promise<void> = attempt(item, deps, report).finally(() => inflight.delete(running));
        inflight.add(running);
      }
    }
    if (inflight.size > 0) {
      await Promise.race(inflight);
      continue;
    }
    if (!open) {
      report.stoppedBy = 'deadline';
      break;
    }
    if (!options.untilIdle) break;
    const next = await deps.outbox.nextAlertDue();
    if (next === undefined) {
      report.stoppedBy = 'idle';
      break;
    }
    const due = Date.parse(next);
    if (due >= deadline) {
      report.stoppedBy = 'deadline';
      break;
    }
    if (due > now) await deps.clock.sleep(due - now);
  }
  return report;
}
