import { z } from 'zod';
import { detectorsConfigDigest } from '../../../core/config.ts';
import type { ConfigVersion, RunRecord, TuningProposal } from '../../../store/contract.ts';
import { none, route } from '../http/route.ts';
import { parseConfigText } from '../tuning/config-text.ts';
import { decideProposal } from '../tuning/decide.ts';
import { benignCauseSchema } from '../triage/actions.ts';
import { causeLabels } from '../tuning/rules.ts';

const actorSchema = z.object({ name: z.string(), role: z.string().optional(), via: z.string() });
const proposalSchema = z
  .object({
    id: z.string(),
    change: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('trusted-network'), detector: z.string(), network: z.string() }),
      z.object({ kind: z.literal('key-floor'), detector: z.string(), key: z.string(), minCount: z.number().int() }),
    ]),
    cause: z.string(),
    findings: z.array(z.string()),
    summary: z.string(),
    status: z.enum(['pending', 'accepted', 'rejected']),
    createdAt: z.string(),
    updatedAt: z.string(),
    decidedAt: z.string().optional(),
    decidedBy: actorSchema.optional(),
    decisionReason: z.string().optional(),
    configVersion: z.number().int().optional(),
    /** The first detection run that used the accepted change (its config digest matches), if one ran since. */
    appliedInRun: z.object({ seq: z.number().int(), finishedAt: z.string() }).nullable(),
  })
  .meta({ id: 'TuningProposal' });

/** The first detection run, after the decision, whose detector config is the accepted version's. */
function appliedIn(p: TuningProposal, versions: readonly ConfigVersion[], runs: readonly RunRecord[]): { seq: number; finishedAt: string } | null {
  const version = versions.find((v) => v.version === p.configVersion);
  if (p.status !== 'accepted' || version === undefined) return null;
  let digest: string;
  try {
    digest = detectorsConfigDigest(parseConfigText(version.content, version.path));
  } catch {
    return null; // a stored version that is not JSON cannot have been used by a run
  }
  const run = [...runs].reverse().find((r) => r.finishedAt >= (p.decidedAt ?? '') && r.detail?.configDigest === digest);
  return run === undefined ? null : { seq: run.seq, finishedAt: run.finishedAt };
}

const proposalListSchema = z.object({ items: z.array(proposalSchema), causes: z.array(z.object({ id: benignCauseSchema, label: z.string() })), configPath: z.string() });
const configVersionsSchema = z.object({
  items: z.array(z.object({ version: z.number().int(), path: z.string(), at: z.string(), actor: actorSchema, summary: z.string(), proposalId: z.string().optional(), content: z.string() })),
});
export type ProposalList = z.infer<typeof proposalListSchema>;
export type ProposalView = z.infer<typeof proposalSchema>;
export type ConfigVersions = z.infer<typeof configVersionsSchema>;

export const tuningRoutes = [
  route({
    method: 'get',
    path: '/tuning/proposals',
    summary: 'Config changes proposed from repeated benign closures, newest first, with the benign causes one can give',
    role: 'analyst',
    params: none,
    query: z.object({ status: z.enum(['pending', 'accepted', 'rejected']).optional() }),
    body: none,
    response: proposalListSchema,
    async handler({ query }, { deps }) {
      const [items, versions, runs] = await Promise.all([deps.store.listProposals(query.status), deps.store.listConfigVersions(1000), deps.store.listRuns('detect', 200)]);
      return {
        items: items.map((p) => ({ ...p, appliedInRun: appliedIn(p, versions, runs) })),
        causes: benignCauseSchema.options.map((id) => ({ id, label: causeLabels[id] })),
        configPath: deps.configFile.path,
      };
    },
  }),
  route({
    method: 'post',
    path: '/tuning/proposals/{id}/decision',
    summary: 'Accepts (writes the change into the config file, versioned) or rejects a pending proposal',
    role: 'admin',
    params: z.object({ id: z.string().min(1) }),
    query: none,
    body: z.strictObject({ decision: z.enum(['accept', 'reject']), reason: z.string().trim().min(1).max(1000).optional() }),
    response: proposalSchema,
    errors: [404, 409],
    async handler({ params, body }, { deps, caller }) {
      const decided = await decideProposal(deps, params.id, body.decision, caller.actor, body.reason);
      return { ...decided, appliedInRun: null };
    },
  }),
  route({
    method: 'get',
    path: '/config/versions',
    summary: 'Every stored version of the config file, newest first',
    role: 'admin',
    params: none,
    query: none,
    body: none,
    response: configVersionsSchema,
    async handler(_input, { deps }) {
      return { items: await deps.store.listConfigVersions(1000) };
    },
  }),
];
