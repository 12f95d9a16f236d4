import type { DatabaseSync } from 'node:sqlite';
import type { ConfigVersion, ProposalStatus, TuningProposal, TuningStore } from '../contract-dashboard.ts';
import { inTransaction } from './transaction.ts';

/** The SQLite side of TuningStore: proposals drawn from triage, and every version of the config file. */
export class SqliteTuning implements TuningStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  async upsertProposal(proposal: TuningProposal): Promise<TuningProposal> {
    return inTransaction(this.db, () => {
      const row = this.db.prepare('SELECT body FROM tuning_proposals WHERE id = ?').get(proposal.id) as { body: string } | undefined;
      if (row !== undefined) {
        const stored = JSON.parse(row.body) as TuningProposal;
        if (stored.status !== 'pending') return stored;
        const updated: TuningProposal = { ...stored, findings: proposal.findings, summary: proposal.summary, change: proposal.change, updatedAt: proposal.updatedAt };
        this.db.prepare('UPDATE tuning_proposals SET body = ? WHERE id = ?').run(JSON.stringify(updated), proposal.id);
        return updated;
      }
      this.db.prepare('INSERT INTO tuning_proposals (id, status, body) VALUES (?, ?, ?)').run(proposal.id, proposal.status, JSON.stringify(proposal));
      return proposal;
    });
  }

  async listProposals(status?: ProposalStatus): Promise<TuningProposal[]> {
    const rows = (
      status === undefined
        ? this.db.prepare('SELECT body FROM tuning_proposals ORDER BY rowid DESC').all()
        : this.db.prepare('SELECT body FROM tuning_proposals WHERE status = ? ORDER BY rowid DESC').all(status)
    ) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as TuningProposal);
  }

  async getProposal(id: string): Promise<TuningProposal | undefined> {
    const row = this.db.prepare('SELECT body FROM tuning_proposals WHERE id = ?').get(id) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as TuningProposal);
  }

  async decideProposal(
    id: string,
    decision: Pick<TuningProposal, 'decidedAt' | 'decidedBy' | 'decisionReason' | 'configVersion'> & { status: 'accepted' | 'rejected' },
  ): Promise<'decided' | 'conflict' | 'missing'> {
    return inTransaction(this.db, () => {
      const row = this.db.prepare('SELECT body FROM tuning_proposals WHERE id = ?').get(id) as { body: string } | undefined;
      if (row === undefined) return 'missing';
      const stored = JSON.parse(row.body) as TuningProposal;
      if (stored.status !== 'pending') return 'conflict';
      const decided = { ...stored, ...Object.fromEntries(Object.entries(decision).filter(([, v]) => v !== undefined)) };
      this.db.prepare('UPDATE tuning_proposals SET status = ?, body = ? WHERE id = ?').run(decision.status, JSON.stringify(decided), id);
      return 'decided';
    });
  }

  async saveConfigVersion(version: Omit<ConfigVersion, 'version'>): Promise<number> {
    return inTransaction(this.db, () => {
      const next = (this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS n FROM config_versions').get() as { n: number }).n;
      this.db.prepare('INSERT INTO config_versions (version, body) VALUES (?, ?)').run(next, JSON.stringify({ ...version, version: next }));
      return next;
    });
  }

  async listConfigVersions(limit = 100): Promise<ConfigVersion[]> {
    const rows = this.db.prepare('SELECT body FROM config_versions ORDER BY version DESC LIMIT ?').all(limit) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as ConfigVersion);
  }
}
