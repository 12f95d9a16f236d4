import type { z } from 'zod';
import type { DirectorySnapshot } from '../core/directory.ts';
import {
  privilegedRowSchema,
  registrationRowSchema,
  ticketRowSchema,
  userRowSchema,
  type PrivilegedRow,
  type RegistrationRow,
  type TicketRow,
  type UserRow,
} from '../core/directory.ts';
import { isoDay } from './time.ts';

/**
 * Directory snapshots as the KPIs read them: rows validated against the row schemas the directory parsers
 * write (rows that fail are counted, not used), ordered by the time they describe.
 */

/** The stored snapshots of each kind, as `Store.listSnapshots` returns them (any order). */
export interface KpiSnapshots {
  users: readonly DirectorySnapshot[];
  registration: readonly DirectorySnapshot[];
  privileged: readonly DirectorySnapshot[];
  tickets: readonly DirectorySnapshot[];
}

/** One snapshot with typed rows. */
export interface ParsedSnapshot<Row> {
  takenAt: number;
  source: string;
  rows: Row[];
  /** Rows that did not match the row schema. */
  invalid: number;
}

export interface ParsedSnapshots {
  users: ParsedSnapshot<UserRow>[];
  registration: ParsedSnapshot<RegistrationRow>[];
  privileged: ParsedSnapshot<PrivilegedRow>[];
  tickets: ParsedSnapshot<TicketRow>[];
}

function parseKind<S extends z.ZodType>(list: readonly DirectorySnapshot[], schema: S): ParsedSnapshot<z.infer<S>>[] {
  const out: ParsedSnapshot<z.infer<S>>[] = [];
  for (const snapshot of list) {
    const takenAt = Date.parse(snapshot.takenAt);
    if (!Number.isFinite(takenAt)) continue;
    const rows: z.infer<S>[] = [];
    let invalid = 0;
    for (const row of snapshot.rows) {
      const parsed = schema.safeParse(row);
      if (parsed.success) rows.push(parsed.data);
      else invalid += 1;
    }
    out.push({ takenAt, source: snapshot.source, rows, invalid });
  }
  return out.sort((a, b) => a.takenAt - b.takenAt);
}

/** Validates and orders every kind of snapshot. */
export function parseSnapshots(snapshots: KpiSnapshots): ParsedSnapshots {
  return {
    users: parseKind(snapshots.users, userRowSchema),
    registration: parseKind(snapshots.registration, registrationRowSchema),
    privileged: parseKind(snapshots.privileged, privilegedRowSchema),
    tickets: parseKind(snapshots.tickets, ticketRowSchema),
  };
}

/** The latest snapshot taken at or before `at` (the state it describes already holds at `at`). */
export function latestAtOrBefore<Row>(list: readonly ParsedSnapshot<Row>[], at: number): ParsedSnapshot<Row> | undefined {
  let found: ParsedSnapshot<Row> | undefined;
  for (const snapshot of list) if (snapshot.takenAt <= at) found = snapshot;
  return found;
}

/**
 * For slowly changing lists (eligible users, privileged accounts): the latest at or before `at`, else the
 * earliest one after it, flagged `after` so the method sentence can say so.
 */
export function nearestSnapshot<Row>(list: readonly ParsedSnapshot<Row>[], at: number): { snapshot: ParsedSnapshot<Row>; after: boolean } | undefined {
  const before = latestAtOrBefore(list, at);
  if (before !== undefined) return { snapshot: before, after: false };
  const first = list[0];
  return first === undefined ? undefined : { snapshot: first, after: true };
}

/** How a method sentence names a snapshot: `"users.csv" (taken 2026-03-01)`. */
export function describeSnapshot(snapshot: ParsedSnapshot<unknown>, after = false): string {
  const note = after ? ', taken after the period end: the nearest available' : '';
  return `"${snapshot.source}" (taken ${isoDay(snapshot.takenAt)}${note})`;
}

/** A ticket with epoch-ms times. */
export interface Ticket {
  created: number;
  resolved?: number;
  category?: string;
}

/** All tickets of all ticket snapshots, one per ticket id (or per identical row when there is no id). */
export function ticketsOf(list: readonly ParsedSnapshot<TicketRow>[]): Ticket[] {
  const seen = new Set<string>();
  const out: Ticket[] = [];
  for (const snapshot of list) {
    for (const row of snapshot.rows) {
      const key = row.id !== undefined ? `id:${row.id}` : `row:${row.created}|${row.resolved ?? ''}|${row.category ?? ''}|${row.user ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        created: Date.parse(row.created),
        ...(row.resolved !== undefined ? { resolved: Date.parse(row.resolved) } : {}),
        ...(row.category !== undefined ? { category: row.category } : {}),
      });
    }
  }
  return out;
}

/** True when a ticket is password work: no category, or a category containing one of `patterns` (case-insensitive). */
export function isPasswordTicket(ticket: Ticket, patterns: readonly string[]): boolean {
  if (ticket.category === undefined) return true;
  const category = ticket.category.toLowerCase();
  return patterns.some((p) => category.includes(p.toLowerCase()));
}
