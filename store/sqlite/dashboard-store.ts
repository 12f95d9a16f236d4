import type { DatabaseSync } from 'node:sqlite';
import type { AuthStore, RunLogStore, TriageStore, TuningStore } from '../contract-dashboard.ts';
import { SqliteAuth } from './auth.ts';
import { SqliteRunLog } from './run-log.ts';
import { SqliteTriage } from './triage.ts';
import { SqliteTuning } from './tuning.ts';

export type DashboardStores = TriageStore & AuthStore & TuningStore & RunLogStore;

/** The dashboard's store interfaces over one SQLite connection, each in its own module; SqliteStore exposes them. */
export function sqliteDashboardStores(db: DatabaseSync): DashboardStores {
  const triage = new SqliteTriage(db);
  const auth = new SqliteAuth(db);
  const tuning = new SqliteTuning(db);
  const runs = new SqliteRunLog(db);
  return {
    queueFindings: (q) => triage.queueFindings(q),
    applyTriage: (id, before, after, entry) => triage.applyTriage(id, before, after, entry),
    listTriageAudit: (id) => triage.listTriageAudit(id),
    getEvents: (ids) => triage.getEvents(ids),
    createToken: (token, hash) => auth.createToken(token, hash),
    findTokenByHash: (hash) => auth.findTokenByHash(hash),
    listTokens: () => auth.listTokens(),
    revokeToken: (idOrName, at) => auth.revokeToken(idOrName, at),
    touchToken: (id, at) => auth.touchToken(id, at),
    putAuthRecord: (kind, key, data, expiresAt) => auth.putAuthRecord(kind, key, data, expiresAt),
    getAuthRecord: (kind, key, now) => auth.getAuthRecord(kind, key, now),
    takeAuthRecord: (kind, key, now) => auth.takeAuthRecord(kind, key, now),
    deleteAuthRecord: (kind, key) => auth.deleteAuthRecord(kind, key),
    purgeAuthRecords: (now) => auth.purgeAuthRecords(now),
    upsertProposal: (p) => tuning.upsertProposal(p),
    listProposals: (status) => tuning.listProposals(status),
    getProposal: (id) => tuning.getProposal(id),
    decideProposal: (id, decision) => tuning.decideProposal(id, decision),
    saveConfigVersion: (v) => tuning.saveConfigVersion(v),
    listConfigVersions: (limit) => tuning.listConfigVersions(limit),
    recordRun: (run) => runs.recordRun(run),
    latestRunPerSource: (kind) => runs.latestRunPerSource(kind),
    listRuns: (kind, limit) => runs.listRuns(kind, limit),
  };
}
