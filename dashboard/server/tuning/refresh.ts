import type { DashboardDeps } from '../deps.ts';
import { inForce } from './apply.ts';
import { parseConfigText } from './config-text.ts';
import { proposeTuning } from './propose.ts';

/** Re-derives the tuning proposals of one detector from all its benign closures and stores them (pending ones update). */
export async function refreshProposals(deps: DashboardDeps, detector: string): Promise<void> {
  const { items } = await deps.store.queueFindings({ detectors: [detector], resolutions: ['benign'], limit: 10_000 });
  let config: ReturnType<typeof parseConfigText> = {};
  try {
    config = parseConfigText(deps.configFile.read(), deps.configFile.path);
  } catch (error) {
    // A broken config file must not block triage: proposals are drawn as if it set nothing, and accepting one
    // will report the file's problem to the admin.
    deps.log.warn({ err: error, path: deps.configFile.path }, 'config unreadable while drawing tuning proposals');
  }
  const now = deps.now().toISOString();
  for (const p of proposeTuning(detector, items, deps.dashboard.tuning.minClosures, inForce(config))) {
    await deps.store.upsertProposal({ ...p, status: 'pending', createdAt: now, updatedAt: now });
  }
}
