/** Bumped with every change to `schemaSql`; a store newer than the code is refused. */
export const SCHEMA_VERSION = 1;

/** Tables of the embedded store. `seq` is the ingest order; `id` the dedupe key. */
export const schemaSql = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ts TEXT NOT NULL,
  user TEXT NOT NULL,
  ip TEXT,
  action TEXT NOT NULL,
  dataset TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts, id);
CREATE INDEX IF NOT EXISTS events_user ON events (user, ts);
CREATE INDEX IF NOT EXISTS events_ip ON events (ip, ts) WHERE ip IS NOT NULL;

CREATE TABLE IF NOT EXISTS quarantine (
  key TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  locator TEXT NOT NULL,
  format TEXT,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL,
  raw_bytes INTEGER NOT NULL,
  received_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS findings (
  id TEXT PRIMARY KEY,
  detector TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  user TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_last_seen ON findings (last_seen);

CREATE TABLE IF NOT EXISTS checkpoints (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS snapshots (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  taken_at TEXT NOT NULL,
  source TEXT NOT NULL,
  rows TEXT NOT NULL
);
`;
