import type { SsprEvent } from '../../core/event.ts';

/**
 * What a finding carries as proof, kept bounded inside detector state: first/last event time, evidence event
 * ids (at most `cap`, with the full count in `idCount`) and the users, IPs and locations involved (at most
 * `cap` each). Plain JSON. The helpers mutate a case file the caller owns: clone it before touching one that
 * came in with the step's input state.
 */
export interface CaseFile {
  first: number;
  last: number;
  ids: string[];
  idCount: number;
  users: string[];
  ips: string[];
  locations: string[];
}

/** A case file with nothing in it yet. */
export function emptyCase(): CaseFile {
  return { first: Number.MAX_SAFE_INTEGER, last: 0, ids: [], idCount: 0, users: [], ips: [], locations: [] };
}

/** A copy the caller may mutate. */
export function cloneCase(c: CaseFile): CaseFile {
  return { ...c, ids: [...c.ids], users: [...c.users], ips: [...c.ips], locations: [...c.locations] };
}

/** `City, CC` (or the country, region or city alone) from the event's geo; undefined without one. */
export function locationOf(event: SsprEvent): string | undefined {
  const geo = event.source?.geo;
  if (geo === undefined) return undefined;
  const parts = [geo.city, geo.country ?? geo.region].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Adds a value to a capped, duplicate-free list (mutates). */
export function addCapped(list: string[], value: string | undefined, cap: number): void {
  if (value === undefined || value === '' || list.length >= cap || list.includes(value)) return;
  list.push(value);
}

/** Records one event: its id (while under the cap), time, user, IP and location (mutates `c`). */
export function addEvent(c: CaseFile, event: SsprEvent, t: number, cap: number): void {
  if (t < c.first) c.first = t;
  if (t > c.last) c.last = t;
  c.idCount += 1;
  if (c.ids.length < cap) c.ids.push(event.id);
  addCapped(c.users, event.user.name, cap);
  addCapped(c.ips, event.source?.ip, cap);
  addCapped(c.locations, locationOf(event), cap);
}

/** Folds `from` into `into` (mutates `into`); ids are appended as they come, so callers never merge one event twice. */
export function mergeCase(into: CaseFile, from: CaseFile, cap: number): void {
  if (from.idCount === 0) return;
  into.first = Math.min(into.first, from.first);
  into.last = Math.max(into.last, from.last);
  into.idCount += from.idCount;
  for (const id of from.ids) if (into.ids.length < cap) into.ids.push(id);
  for (const u of from.users) addCapped(into.users, u, cap);
  for (const ip of from.ips) addCapped(into.ips, ip, cap);
  for (const l of from.locations) addCapped(into.locations, l, cap);
}

/**
 * Evidence rows kept cheaply per time bucket, where most rows never become a finding: `[event id, user, ip,
 * location]` ('' when absent), appended without de-duplication up to `cap`, with `n` counting all events.
 * `absorbLog` folds them into a case file (de-duplicating entities) when an episode needs them.
 */
export interface EvidenceLog {
  n: number;
  first: number;
  last: number;
  rows: [string, string, string, string][];
}

/** An empty log. */
export function emptyLog(): EvidenceLog {
  return { n: 0, first: Number.MAX_SAFE_INTEGER, last: 0, rows: [] };
}

/** A copy the caller may append to. */
export function cloneLog(log: EvidenceLog): EvidenceLog {
  return { ...log, rows: [...log.rows] };
}

/** Appends one event (mutates `log`). */
export function logEvent(log: EvidenceLog, event: SsprEvent, t: number, cap: number): void {
  log.n += 1;
  if (t < log.first) log.first = t;
  if (t > log.last) log.last = t;
  if (log.rows.length < cap) log.rows.push([event.id, event.user.name, event.source?.ip ?? '', event.source?.geo === undefined ? '' : (locationOf(event) ?? '')]);
}

/** Folds a log into a case file (mutates `into`). */
export function absorbLog(into: CaseFile, log: EvidenceLog, cap: number): void {
  if (log.n === 0) return;
  into.first = Math.min(into.first, log.first);
  into.last = Math.max(into.last, log.last);
  into.idCount += log.n;
  for (const [id, user, ip, location] of log.rows) {
    if (into.ids.length < cap) into.ids.push(id);
    addCapped(into.users, user, cap);
    addCapped(into.ips, ip, cap);
    addCapped(into.locations, location, cap);
  }
}
