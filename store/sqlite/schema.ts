import { outboxSchemaSql } from './outbox.ts';

/** Bumped with every change to `schemaSql`; a store newer than the code is refused. */
export const SCHEMA_VERSION = 2;

/**
 * Indexes a bulk load drops and rebuilds: inserting a million rows into random-key B-trees costs more than
 * one sort at the end (measured: 47k rows/s with them kept, 121k rows/s without).
 */
export const bulkIndexesSql = {
  drop: 'DROP INDEX IF EXISTS events_user; DROP INDEX IF EXISTS events_ip;',
  create: 'CREATE INDEX IF NOT EXISTS events_user ON events (user, ts); CREATE INDEX IF NOT EXISTS events_ip ON events (ip, ts) WHERE ip IS NOT NULL;',
};

/**
 * Tables of the embedded store. `seq` is the ingest order; `idh` a 53-bit hash of the event id, unique
 * (collisions probe to the next value, so two ids never merge); `ts` epoch milliseconds.
 */
export const schemaSql = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  idh INTEGER NOT NULL,
  id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  user TEXT NOT NULL,
  ip TEXT,
  action TEXT NOT NULL,
  dataset TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_idh ON events (idh);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
${bulkIndexesSql.create}

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
CREATE INDEX IF NOT EXISTS quarantine_received ON quarantine (received_at, key);

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
${outboxSchemaSql}`;

/**
 * cyrb53, a public-domain 53-bit string hash (bryc): fast in plain JavaScript and fits a JS number exactly.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
