/**
 * Tables of the dashboard's store interfaces (contract-dashboard.ts). All additive (IF NOT EXISTS): they are
 * created in an existing store file on open, with no schema version bump. JSON bodies keep each row's fields;
 * columns are only what queries filter or order on.
 */
export const dashboardSchemaSql = `
CREATE TABLE IF NOT EXISTS finding_triage (
  id TEXT PRIMARY KEY,
  fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triage_audit (
  seq INTEGER PRIMARY KEY,
  finding_id TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS triage_audit_finding ON triage_audit (finding_id, seq);

CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  revoked_at TEXT,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
CREATE TABLE IF NOT EXISTS auth_records (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, key)
);

CREATE TABLE IF NOT EXISTS tuning_proposals (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS config_versions (
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_kind_source ON runs (kind, source, seq);
`;
