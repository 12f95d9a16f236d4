import type { Role } from '../core/access.ts';
import type { SsprEvent } from '../core/event.ts';
import type { Finding, FindingStatus, Resolution, Severity, TriageState } from '../core/finding.ts';

export type { TriageState };

/**
 * What the dashboard keeps in the store beside events and findings: triage and its audit trail, API tokens and
 * sign-in records, tuning proposals and config versions, and a log of ingest and detection runs. Each is its own
 * interface so a backend implements them one at a time; `Store` extends all of them.
 */

/** Who did something: a person signed in with OIDC or the one-time link, an API token, or the system itself. */
export interface Actor {
  name: string;
  role?: Role;
  via: 'oidc' | 'link' | 'token' | 'system';
}

/** One triage change of one finding; `seq` orders every entry of the store. */
export interface TriageAuditEntry {
  seq: number;
  findingId: string;
  at: string;
  actor: Actor;
  /** The API action (`acknowledge`, `assign`, `resolve`, `reopen`, `comment`, `suppress`) or `unsuppress` (expiry). */
  action: string;
  before: TriageState;
  after: TriageState;
  comment?: string;
  reason?: string;
}

/** Where the queue continues: the (severity, lastSeen, id) of the last finding of the previous page. */
export interface FindingCursor {
  severity: Severity;
  lastSeen: string;
  id: string;
}

/** The triage queue: most severe first, then most recent, then id. Every list filter is "any of". */
export interface FindingQueueQuery {
  severities?: readonly Severity[];
  statuses?: readonly FindingStatus[];
  detectors?: readonly string[];
  resolutions?: readonly Resolution[];
  /** Lower-case user name. */
  user?: string;
  /** Text in any stored field of the finding (summary, key, user, IPs, entities), ignoring ASCII case, or its id. */
  q?: string;
  after?: FindingCursor;
  limit: number;
}

export interface FindingPage {
  items: Finding[];
  /** Null on the last page. */
  next: FindingCursor | null;
  /** Findings matching the filters, over all pages. */
  total: number;
}

export type TriageOutcome = { outcome: 'applied'; finding: Finding } | { outcome: 'conflict'; finding: Finding } | { outcome: 'missing' };

export interface TriageStore {
  queueFindings(query: FindingQueueQuery): Promise<FindingPage>;
  /**
   * Moves a finding from `before` to `after` and appends the audit entry, in one step. When the stored state is no
   * longer `before` (someone else changed it meanwhile) nothing is written and the outcome is `conflict`.
   */
  applyTriage(findingId: string, before: TriageState, after: TriageState, entry: Pick<TriageAuditEntry, 'at' | 'actor' | 'action' | 'comment' | 'reason'>): Promise<TriageOutcome>;
  /** Every triage change of a finding, oldest first. */
  listTriageAudit(findingId: string): Promise<TriageAuditEntry[]>;
  /** The stored events among `ids` (any order; unknown ids are left out): a finding's evidence. */
  getEvents(ids: readonly string[]): Promise<SsprEvent[]>;
}

/** An API token as listed; the secret itself is never stored, only its SHA-256. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** Kinds of short-lived sign-in records: sessions, OIDC logins in flight, one-time admin links. */
export type AuthRecordKind = 'session' | 'login' | 'link';

export interface AuthStore {
  /** False (and nothing stored) when an unrevoked token already has this name. */
  createToken(token: ApiToken, hash: string): Promise<boolean>;
  /** The token whose secret hashes to `hash`, revoked or not. */
  findTokenByHash(hash: string): Promise<ApiToken | undefined>;
  listTokens(): Promise<ApiToken[]>;
  /** Revokes the unrevoked token with this id or name; undefined when there is none. */
  revokeToken(idOrName: string, at: string): Promise<ApiToken | undefined>;
  touchToken(id: string, at: string): Promise<void>;
  /** Stores (or replaces) a record under the hash of its secret, until `expiresAt`. */
  putAuthRecord(kind: AuthRecordKind, key: string, data: Record<string, unknown>, expiresAt: string): Promise<void>;
  /** The record while it has not expired at `now`. */
  getAuthRecord(kind: AuthRecordKind, key: string, now: string): Promise<Record<string, unknown> | undefined>;
  /** Reads and deletes in one step: a one-time record can be used once. */
  takeAuthRecord(kind: AuthRecordKind, key: string, now: string): Promise<Record<string, unknown> | undefined>;
  deleteAuthRecord(kind: AuthRecordKind, key: string): Promise<void>;
  /** Deletes records expired at `now`; returns how many. */
  purgeAuthRecords(now: string): Promise<number>;
}

/** A config change a tuning proposal makes: trust a network, or raise one key's floor. */
export type TuningChange =
  | { kind: 'trusted-network'; detector: string; network: string }
  | { kind: 'key-floor'; detector: string; key: string; minCount: number };

export type ProposalStatus = 'pending' | 'accepted' | 'rejected';

/** A change proposed from repeated benign closures of one cause; an admin accepts or rejects it. */
export interface TuningProposal {
  /** Stable for (detector, change kind, target): more closures update the same proposal. */
  id: string;
  change: TuningChange;
  cause: string;
  /** The benign-closed findings it was drawn from. */
  findings: string[];
  summary: string;
  status: ProposalStatus;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
  decidedBy?: Actor;
  decisionReason?: string;
  /** The config version an accepted change produced. */
  configVersion?: number;
}

/** One version of the config file, as read before a change or written by one. */
export interface ConfigVersion {
  version: number;
  path: string;
  at: string;
  actor: Actor;
  summary: string;
  proposalId?: string;
  content: string;
}

export interface TuningStore {
  /** Inserts, or updates findings/summary of a pending one; a decided proposal is returned unchanged. */
  upsertProposal(proposal: TuningProposal): Promise<TuningProposal>;
  listProposals(status?: ProposalStatus): Promise<TuningProposal[]>;
  getProposal(id: string): Promise<TuningProposal | undefined>;
  /** Decides a pending proposal; `conflict` when it was already decided. */
  decideProposal(id: string, decision: Pick<TuningProposal, 'decidedAt' | 'decidedBy' | 'decisionReason' | 'configVersion'> & { status: 'accepted' | 'rejected' }): Promise<'decided' | 'conflict' | 'missing'>;
  /** Stores a version; returns its number (1, 2, … over the store). */
  saveConfigVersion(version: Omit<ConfigVersion, 'version'>): Promise<number>;
  /** Newest first. */
  listConfigVersions(limit?: number): Promise<ConfigVersion[]>;
}

/** One ingest of one source (a format id or pull table) or one detection run, for the health page. */
export interface RunRecord {
  seq: number;
  kind: 'ingest' | 'detect';
  source: string;
  startedAt: string;
  finishedAt: string;
  counts: Record<string, number>;
  detail?: Record<string, unknown>;
}

export interface RunLogStore {
  recordRun(run: Omit<RunRecord, 'seq'>): Promise<number>;
  /** The newest run of each source of `kind`. */
  latestRunPerSource(kind: RunRecord['kind']): Promise<RunRecord[]>;
  /** Runs of `kind`, newest first. */
  listRuns(kind: RunRecord['kind'], limit: number): Promise<RunRecord[]>;
}
