import { SsprError } from '../../../core/errors.ts';
import { triageStateOf, type Finding } from '../../../core/finding.ts';
import type { Actor } from '../../../store/contract.ts';
import type { DashboardDeps } from '../deps.ts';
import { refreshProposals } from '../tuning/refresh.ts';
import { nextTriageState, type TriageInput } from './actions.ts';

const system: Actor = { name: 'sspr-watch', via: 'system' };

/**
 * Applies one triage action to one finding: the next state from the current one, written with its audit entry in
 * one store step. A benign closure refreshes the tuning proposals of the finding's detector.
 */
export async function triageFinding(deps: DashboardDeps, id: string, input: TriageInput, actor: Actor): Promise<Finding> {
  const [finding] = await deps.store.getFindings([id]);
  if (finding === undefined) throw new SsprError('NOT_FOUND', `no finding ${id}`);
  const now = deps.now();
  const before = triageStateOf(finding);
  const after = nextTriageState(before, input, actor, now);
  const entry = {
    at: now.toISOString(),
    actor,
    action: input.action,
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
    ...('reason' in input && input.reason !== undefined ? { reason: input.reason } : {}),
  };
  const result = await deps.store.applyTriage(id, before, after, entry);
  if (result.outcome === 'missing') throw new SsprError('NOT_FOUND', `no finding ${id}`);
  if (result.outcome === 'conflict') throw new SsprError('CONFLICT', `finding ${id} was changed by someone else meanwhile (now ${result.finding.status}); reload it`);
  if (input.action === 'resolve' && input.resolution === 'benign') await refreshProposals(deps, finding.detector);
  return result.finding;
}

/** Reopens suppressed findings whose `suppressedUntil` has passed, each with an `unsuppress` audit entry by the system. */
export async function liftExpiredSuppressions(deps: DashboardDeps): Promise<void> {
  const now = deps.now();
  const { items } = await deps.store.queueFindings({ statuses: ['suppressed'], limit: 10_000 });
  for (const f of items) {
    if (f.suppressedUntil === undefined || Date.parse(f.suppressedUntil) > now.getTime()) continue;
    const before = triageStateOf(f);
    const { suppressedUntil: _until, ...rest } = before;
    // A concurrent change wins: the conflict outcome is fine to leave as it is.
    await deps.store.applyTriage(f.id, before, { ...rest, status: 'open' }, { at: now.toISOString(), actor: system, action: 'unsuppress', reason: `suppression ended ${f.suppressedUntil}` });
  }
}
