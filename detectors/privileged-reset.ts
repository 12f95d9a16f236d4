/**
 * privileged-reset — three cases:
 * 1. A self-service reset or unlock, or an authentication-method change, on a privileged or break-glass
 *    account (the list is data: `privilegedUsers`, filled by the CLI from the ingested privileged list, plus
 *    `privilegedNamePatterns` for break-glass naming).
 * 2. A reset or unlock of such an account by a human operator (helpdesk/admin), on-prem (4724/4767) or in
 *    Entra ("Reset password (by admin)").
 * 3. An on-prem 4724 by the directory sync account (tag `writeback`) that no Entra SSPR reset, self-service
 *    change or admin reset of the same user within `writebackMatchMinutes` (either side, AD sAMAccountName
 *    matched to the UPN local part) explains: someone used the sync account's reset rights. Critical, and
 *    checked for every user, not only privileged ones. The password-hash-sync echo (`password.change` tagged
 *    `phs-echo`) of an on-prem reset is never flagged, and an explained writeback is not flagged twice.
 * Events on one account (the SSPR reset, its writeback, a new method) merge into one finding per episode.
 *
 * Anchors, and what this does better:
 * - Sentinel "Authentication Methods Changed for Privileged Account" reads AuditLogs only, with VIPs from
 *   IdentityInfo roles containing "Admin", and emits one row per (initiator, target, result) every 2 h.
 *   Sentinel "Password reset on high privileged user" and Elastic "Account Password Reset Remotely" (4724
 *   after a network logon, any account, 5-minute sequence) cover one plane each. Here: both planes and
 *   both kinds of change in one finding per account episode, break-glass names as data, severity raised to
 *   critical when a method change and a reset meet (the takeover shape) or the account is break-glass.
 * - None of the anchors checks writebacks: a 4724 by `MSOL_`/`Sync_` is dropped as noise everywhere, which
 *   is exactly where an attacker holding the sync account's rights hides. Here each writeback is matched
 *   against its cloud cause, and the engine's watermark lets the match wait for a late cloud record.
 *
 * ATT&CK: T1098 (account manipulation), T1556.006 (MFA method changes), T1078.002 / T1078.004 (valid domain /
 * cloud accounts: a reset hands over a privileged account).
 *
 * Defaults (defaults/privileged-reset.json) and why: an empty `privilegedUsers` (the CLI fills it), break-glass
 * name patterns; writeback match ±10 min (writeback lands seconds after the cloud reset; minutes cover clock
 * skew and queueing); cloud resets remembered 240 min for writebacks delivered late; events on one account
 * within 60 min are one finding.
 */
import { z } from 'zod';
import { actionSchema, actorKindSchema, normalizeIdentity, type SsprEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import defaultsJson from './defaults/privileged-reset.json' with { type: 'json' };
import { buildFinding, listText } from './lib/build-finding.ts';
import { addCapped, addEvent, cloneCase, emptyCase, type CaseFile } from './lib/case-file.ts';
import { accountKey, identityKeys, localPart } from './lib/identity.ts';
import { eventTime, MINUTE_MS, windowText } from './lib/time.ts';
import type { Detector, StepContext, StepResult } from './types.ts';

const regexText = z.string().refine((s) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const privilegedResetParamsSchema = z.strictObject({
  privilegedUsers: z.array(z.string().min(1)),
  privilegedNamePatterns: z.array(regexText),
  selfServiceActions: z.array(actionSchema),
  operatorActions: z.array(actionSchema),
  operatorActorKinds: z.array(actorKindSchema),
  writebackExplainedBy: z.array(actionSchema),
  writebackMatchMinutes: z.number().int().min(1).max(1440),
  /** How long a cloud reset stays matchable behind the watermark, for writebacks delivered later than the lateness. */
  cloudResetMemoryMinutes: z.number().int().min(0).max(10_080),
  mergeGapMinutes: z.number().int().min(0),
  maxEvidence: z.number().int().min(1).max(10_000),
});
export type PrivilegedResetParams = z.infer<typeof privilegedResetParamsSchema>;

interface PendingWriteback {
  t: number;
  id: string;
  keys: string[];
  user: string;
  actor: string;
}
interface AccountEpisode {
  user: string;
  start: number;
  last: number;
  kinds: string[];
  actors: string[];
  planes: string[];
  breakGlass: boolean;
  c: CaseFile;
}
interface SyncEpisode {
  actor: string;
  start: number;
  last: number;
  c: CaseFile;
}
/** Detector state: recent cloud resets by identity key, writebacks awaiting their match, open episodes. */
export interface PrivilegedResetState {
  version: 1;
  cloud: Record<string, number[]>;
  pending: PendingWriteback[];
  accounts: Record<string, AccountEpisode>;
  sync: Record<string, SyncEpisode>;
}

const DETECTOR = 'privileged-reset';

const KIND_TEXT: Partial<Record<SsprEvent['action'], string>> = {
  'sspr.reset': 'self-service password reset',
  'sspr.unlock': 'self-service unlock',
  'password.reset': 'password reset by an operator',
  'account.unlock': 'unlock by an operator',
  'registration.added': 'authentication method added',
  'registration.changed': 'default authentication method changed',
  'registration.removed': 'authentication method removed',
};

const isWriteback = (e: SsprEvent): boolean =>
  e.dataset === 'ad.security' && e.action === 'password.reset' && (e.actor.kind === 'sync' || (e.tags?.includes('writeback') ?? false));
const succeeded = (e: SsprEvent): boolean => e.outcome === 'success' || e.outcome === 'unknown';

function step(state: PrivilegedResetState, events: readonly SsprEvent[], p: PrivilegedResetParams, ctx: StepContext): StepResult<PrivilegedResetState> {
  const matchMs = p.writebackMatchMinutes * MINUTE_MS;
  const gapMs = p.mergeGapMinutes * MINUTE_MS;
  const listed = new Set<string>();
  for (const entry of p.privilegedUsers) {
    const name = normalizeIdentity(entry).name;
    listed.add(name);
    listed.add(localPart(name));
  }
  const patterns = p.privilegedNamePatterns.map((s) => new RegExp(s, 'i'));
  // Every action the loop below can act on (a writeback is a `password.reset`); anything else is skipped first.
  const relevant = new Set<string>([...p.writebackExplainedBy, ...p.selfServiceActions, ...p.operatorActions, 'password.reset']);
  const cloud = { ...state.cloud };
  const pending = [...state.pending];
  const accounts = { ...state.accounts };
  const sync = { ...state.sync };
  const owned = new Set<string>();
  const findings = new Map<string, Finding>();
  // Findings are built once per touched episode per step (not per event); a replaced episode is built first.
  const dirtyAccounts = new Map<string, AccountEpisode>();
  const dirtySync = new Map<string, SyncEpisode>();
  const emit = (f: Finding): void => void findings.set(f.id, f);

  for (let i = 0; i < events.length; i += 1) {
    const e = events[i] as SsprEvent;
    if (!relevant.has(e.action) || e.tags?.includes('phs-echo')) continue;
    const t = eventTime(events, ctx, i);
    if (isWriteback(e)) {
      pending.push({ t, id: e.id, keys: identityKeys(e.user), user: e.user.name, actor: e.actor.name ?? 'sync' });
      continue;
    }
    if (e.dataset === 'entra.audit' && succeeded(e) && p.writebackExplainedBy.includes(e.action)) {
      for (const k of identityKeys(e.user)) cloud[k] = [...(cloud[k] ?? []), t];
    }
    const selfService = p.selfServiceActions.includes(e.action) && e.actor.kind !== 'sync';
    const operator = p.operatorActions.includes(e.action) && p.operatorActorKinds.includes(e.actor.kind);
    if (!succeeded(e) || !(selfService || operator)) continue;
    const keys = identityKeys(e.user);
    const breakGlass = keys.some((k) => patterns.some((r) => r.test(k)));
    if (!breakGlass && !keys.some((k) => listed.has(k))) continue;
    const key = `user:${accountKey(e.user)}`;
    let ep = accounts[key];
    if (ep === undefined || t > ep.last + gapMs) {
      const before = dirtyAccounts.get(key);
      if (before !== undefined) emit(accountFinding(key, before, p));
      ep = { user: e.user.name, start: t, last: t, kinds: [], actors: [], planes: [], breakGlass, c: emptyCase() };
      owned.add(key);
    } else if (!owned.has(key)) {
      ep = { ...ep, kinds: [...ep.kinds], actors: [...ep.actors], planes: [...ep.planes], c: cloneCase(ep.c) };
      owned.add(key);
    }
    accounts[key] = ep;
    ep.last = Math.max(ep.last, t);
    ep.breakGlass ||= breakGlass;
    addCapped(ep.kinds, KIND_TEXT[e.action] ?? e.action, 16);
    addCapped(ep.actors, e.actor.kind === 'self' ? 'the user' : `${e.actor.kind} ${e.actor.name ?? e.actor.app ?? ''}`.trim(), p.maxEvidence);
    addCapped(ep.planes, e.dataset, 4);
    addEvent(ep.c, e, t, p.maxEvidence);
    dirtyAccounts.set(key, ep);
  }

  // Writebacks whose match window has fully passed the watermark are decided now, oldest first.
  const w = ctx.final ? Number.POSITIVE_INFINITY : ctx.watermark;
  pending.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
  const decided = pending.filter((x) => x.t + matchMs <= w);
  const waiting = pending.filter((x) => x.t + matchMs > w);
  const ownedSync = new Set<string>();
  for (const x of decided) {
    const explained = x.keys.some((k) => (cloud[k] ?? []).some((ct) => Math.abs(ct - x.t) <= matchMs));
    if (explained) continue;
    const key = `actor:${x.actor}`;
    let ep = sync[key];
    if (ep === undefined || x.t > ep.last + gapMs) {
      const before = dirtySync.get(key);
      if (before !== undefined) emit(syncFinding(key, before.actor, before, p));
      ep = { actor: x.actor, start: x.t, last: x.t, c: emptyCase() };
    } else if (!ownedSync.has(key)) ep = { ...ep, c: cloneCase(ep.c) };
    ownedSync.add(key);
    sync[key] = ep;
    ep.last = Math.max(ep.last, x.t);
    ep.c.first = Math.min(ep.c.first, x.t);
    ep.c.last = Math.max(ep.c.last, x.t);
    ep.c.idCount += 1;
    if (ep.c.ids.length < p.maxEvidence) ep.c.ids.push(x.id);
    addCapped(ep.c.users, x.user, p.maxEvidence);
    dirtySync.set(key, ep);
  }
  for (const [key, ep] of dirtyAccounts) emit(accountFinding(key, ep, p));
  for (const [key, ep] of dirtySync) emit(syncFinding(key, ep.actor, ep, p));

  // Forget what can no longer matter: cloud resets no waiting writeback can match, closed episodes.
  let oldestNeeded = w - matchMs - p.cloudResetMemoryMinutes * MINUTE_MS;
  for (const x of waiting) oldestNeeded = Math.min(oldestNeeded, x.t - matchMs);
  for (const k of Object.keys(cloud)) {
    const kept = (cloud[k] ?? []).filter((ct) => ct >= oldestNeeded);
    if (kept.length === 0) delete cloud[k];
    else if (kept.length !== cloud[k]?.length) cloud[k] = kept;
  }
  for (const k of Object.keys(accounts)) if ((accounts[k]?.last ?? 0) + gapMs < w) delete accounts[k];
  for (const k of Object.keys(sync)) if ((sync[k]?.last ?? 0) + gapMs < w - matchMs) delete sync[k];
  return { state: { version: 1, cloud, pending: waiting, accounts, sync }, findings: [...findings.values()] };
}

function accountFinding(key: string, ep: AccountEpisode, p: PrivilegedResetParams): Finding {
  const methodChange = ep.kinds.some((k) => k.startsWith('authentication method') || k.startsWith('default authentication'));
  const reset = ep.kinds.some((k) => !k.startsWith('authentication method') && !k.startsWith('default authentication'));
  const critical = ep.breakGlass || (methodChange && reset);
  const attack = ['T1098'];
  if (methodChange) attack.push('T1556.006');
  if (ep.planes.includes('ad.security')) attack.push('T1078.002');
  if (ep.planes.some((pl) => pl.startsWith('entra'))) attack.push('T1078.004');
  const from = ep.c.ips.length > 0 ? ` from ${listText(ep.c.ips, 2)}` : '';
  const kind = ep.breakGlass ? 'Break-glass account' : 'Privileged account';
  return buildFinding({
    detector: DETECTOR,
    key,
    windowStart: ep.start,
    windowEnd: ep.last,
    severity: critical ? 'critical' : 'high',
    user: ep.user,
    caseFile: ep.c,
    attack,
    summary: `${kind} ${ep.user}: ${ep.kinds.join(', ')} (${ep.c.idCount} events) ${windowText(ep.start, ep.last + MINUTE_MS)} by ${listText(ep.actors, 2)}${from}`,
    threshold: { privilegedAccounts: p.privilegedUsers.length, mergeGapMinutes: p.mergeGapMinutes },
    baseline: {},
    observed: { events: ep.c.idCount, methodChange, reset, breakGlass: ep.breakGlass },
    text:
      `${ep.user} is ${ep.breakGlass ? 'a break-glass account (name pattern)' : 'on the privileged list'}; any ${ep.kinds.join(' or ')} on it is reviewed. ` +
      `${critical && !ep.breakGlass ? 'A method change together with a reset is the takeover pattern. ' : ''}Confirm with the account owner and a change ticket.`,
  });
}

function syncFinding(key: string, actor: string, ep: SyncEpisode, p: PrivilegedResetParams): Finding {
  const targets = ep.c.users;
  return buildFinding({
    detector: DETECTOR,
    key,
    windowStart: ep.start,
    windowEnd: ep.last,
    severity: 'critical',
    ...(targets.length === 1 && targets[0] !== undefined ? { user: targets[0] } : {}),
    caseFile: ep.c,
    extraUsers: [actor],
    attack: ['T1098', 'T1078.002'],
    summary: `Unexplained writeback: sync account ${actor} reset ${ep.c.idCount} on-prem password(s) (${listText(targets)}) ${windowText(ep.start, ep.last + MINUTE_MS)} with no Entra SSPR or admin reset within ${p.writebackMatchMinutes} min`,
    threshold: { writebackMatchMinutes: p.writebackMatchMinutes },
    baseline: {},
    observed: { resets: ep.c.idCount, targets: targets.length },
    text:
      `Event 4724 by the directory sync account normally follows an Entra self-service or admin reset of the same user within seconds. ` +
      `None was found for ${listText(targets)}: someone may be using the sync account's reset rights. Check where ${actor} logged on and rotate its password.`,
  });
}

const defaults = privilegedResetParamsSchema.parse(defaultsJson);

/** Resets, unlocks and method changes on privileged accounts, and sync-account resets no cloud reset explains. */
export const privilegedReset: Detector<PrivilegedResetParams, PrivilegedResetState> = {
  id: DETECTOR,
  meta: {
    title: 'Privileged account reset or method change',
    severity: 'high',
    attack: ['T1098', 'T1556.006', 'T1078.002', 'T1078.004'],
    falsePositives: [
      'An administrator registering a new security key or phone for themselves',
      'A planned rotation of an admin or break-glass password by the identity team',
      'Writeback records delayed beyond the match window while the cloud record was lost by the collector',
    ],
    triage:
      'Ask the account owner (or the break-glass custodian) whether they made the change and find the change ticket. For an unexplained writeback, treat the sync account as compromised: check its logons and the server it runs on.',
  },
  paramsSchema: privilegedResetParamsSchema,
  defaults,
  initialState: () => ({ version: 1, cloud: {}, pending: [], accounts: {}, sync: {} }),
  step,
};
