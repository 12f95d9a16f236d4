import { SsprError } from '../../../core/errors.ts';
import type { Actor, TuningProposal } from '../../../store/contract.ts';
import type { DashboardDeps } from '../deps.ts';
import { applyTuningChange } from './apply.ts';
import { parseConfigText, renderConfigText } from './config-text.ts';

const system: Actor = { name: 'sspr-watch', via: 'system' };

/**
 * Accepts or rejects a pending proposal. Accepting writes the change into the config file (validated as
 * `sspr detect` would validate it first; the file is replaced atomically) and stores config versions: the text
 * as found, when it is not already the latest version (the first change, or an edit made outside sspr-watch),
 * then the new text. The next detection run reads the new file.
 */
export async function decideProposal(deps: DashboardDeps, id: string, decision: 'accept' | 'reject', actor: Actor, reason: string | undefined): Promise<TuningProposal> {
  const proposal = await deps.store.getProposal(id);
  if (proposal === undefined) throw new SsprError('NOT_FOUND', `no tuning proposal ${id}`);
  if (proposal.status !== 'pending') throw new SsprError('CONFLICT', `proposal ${id} was already ${proposal.status}`);
  const at = deps.now().toISOString();
  let configVersion: number | undefined;
  if (decision === 'accept') {
    const { path } = deps.configFile;
    const found = deps.configFile.read();
    const next = applyTuningChange(parseConfigText(found, path), proposal.change);
    deps.configFile.validate(next);
    const text = renderConfigText(found, next, proposal.change, path);
    const [latest] = await deps.store.listConfigVersions(1);
    if (latest?.content !== (found ?? '')) {
      const summary = latest === undefined ? 'as found before the first tuning change' : 'changed outside sspr-watch since the last version';
      await deps.store.saveConfigVersion({ path, at, actor: system, summary, content: found ?? '' });
    }
    try {
      deps.configFile.write(text);
    } catch (cause) {
      throw new SsprError('CONFIG_WRITE_FAILED', `cannot write ${path}: ${(cause as Error).message}`, { cause });
    }
    configVersion = await deps.store.saveConfigVersion({ path, at, actor, summary: proposal.summary, proposalId: id, content: text });
  }
  const outcome = await deps.store.decideProposal(id, {
    status: decision === 'accept' ? 'accepted' : 'rejected',
    decidedAt: at,
    decidedBy: actor,
    ...(reason !== undefined ? { decisionReason: reason } : {}),
    ...(configVersion !== undefined ? { configVersion } : {}),
  });
  if (outcome !== 'decided') throw new SsprError('CONFLICT', `proposal ${id} was decided by someone else meanwhile`);
  deps.log.info({ proposal: id, decision, by: actor.name, configVersion }, 'tuning proposal decided');
  const decided = await deps.store.getProposal(id);
  if (decided === undefined) throw new SsprError('NOT_FOUND', `no tuning proposal ${id}`);
  return decided;
}
