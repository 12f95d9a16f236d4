import { describe, expect, it } from 'vitest';
import type { Actor, Store, TuningProposal } from '../../store/contract.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { makeFinding } from '../helpers/make-finding.ts';

const alice: Actor = { name: 'alice@contoso.com', role: 'analyst', via: 'oidc' };
const at = '2026-03-03T10:00:00.000Z';

function proposal(overrides: Partial<TuningProposal> = {}): TuningProposal {
  return {
    id: 'p-1',
    change: { kind: 'trusted-network', detector: 'impossible-travel', network: '198.51.100.0/24' },
    cause: 'corporate-vpn',
    findings: ['a', 'b', 'c'],
    summary: 'trust 198.51.100.0/24',
    status: 'pending',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** The dashboard's store interfaces (contract-dashboard.ts); called inside storeContract with its store. */
export function dashboardStoreContract(current: () => Store): void {
  describe('dashboard interfaces', () => {
    it('queues findings most severe first, then most recent, and pages through them with a cursor', async () => {
      const store = current();
      await store.upsertFindings([
        makeFinding({ id: 'low-new', severity: 'low', lastSeen: '2026-03-05T00:00:00.000Z' }),
        makeFinding({ id: 'crit-old', severity: 'critical', lastSeen: '2026-03-01T00:00:00.000Z' }),
        makeFinding({ id: 'high-b', severity: 'high', lastSeen: '2026-03-03T00:00:00.000Z' }),
        makeFinding({ id: 'high-a', severity: 'high', lastSeen: '2026-03-03T00:00:00.000Z' }),
        makeFinding({ id: 'crit-new', severity: 'critical', lastSeen: '2026-03-04T00:00:00.000Z' }),
      ]);
      const first = await store.queueFindings({ limit: 2 });
      expect(first.items.map((f) => f.id)).toEqual(['crit-new', 'crit-old']);
      expect(first.total).toBe(5);
      const second = await store.queueFindings({ limit: 2, after: first.next ?? undefined });
      expect(second.items.map((f) => f.id)).toEqual(['high-a', 'high-b']);
      const third = await store.queueFindings({ limit: 2, after: second.next ?? undefined });
      expect(third.items.map((f) => f.id)).toEqual(['low-new']);
      expect(third.next).toBeNull();
    });

    it('filters the queue by any of several severities, statuses and detectors, by user and by text', async () => {
      const store = current();
      await store.upsertFindings([
        makeFinding({ id: 'a', detector: 'reset-spray', severity: 'high', summary: 'Reset spray from 203.0.113.0/24', user: undefined }),
        makeFinding({ id: 'b', detector: 'mfa-fatigue', severity: 'critical', user: 'bob@contoso.com' }),
        makeFinding({ id: 'c', detector: 'mfa-fatigue', severity: 'low', summary: '100% of 50_000 users' }),
      ]);
      await store.setFindingStatus('c', 'resolved');
      const ids = async (q: Omit<Parameters<Store['queueFindings']>[0], 'limit'>) => (await store.queueFindings({ ...q, limit: 10 })).items.map((f) => f.id);
      expect(await ids({ severities: ['high', 'critical'] })).toEqual(['b', 'a']);
      expect(await ids({ statuses: ['resolved'] })).toEqual(['c']);
      expect(await ids({ detectors: ['reset-spray'] })).toEqual(['a']);
      expect(await ids({ user: 'BOB@contoso.com' })).toEqual(['b']);
      expect(await ids({ q: 'SPRAY' })).toEqual(['a']);
      expect(await ids({ q: '0_0' })).toEqual(['c']);
      expect(await ids({ q: '100%' })).toEqual(['c']);
      expect(await ids({ q: 'b' })).toContain('b');
      expect((await store.queueFindings({ q: 'nothing like it', limit: 10 })).total).toBe(0);
    });

    it('applies a triage change with its audit entry, and keeps it when detection upserts the finding again', async () => {
      const store = current();
      await store.upsertFindings([makeFinding({ id: 'f' })]);
      const after = { status: 'resolved' as const, resolution: 'benign' as const, cause: 'corporate-vpn', triagedAt: at, triagedBy: alice.name };
      const result = await store.applyTriage('f', { status: 'open' }, after, { at, actor: alice, action: 'resolve', reason: 'VPN egress' });
      expect(result.outcome).toBe('applied');
      expect(result.outcome === 'applied' && result.finding).toEqual({ ...makeFinding({ id: 'f' }), ...after });
      await store.upsertFindings([makeFinding({ id: 'f', severity: 'critical' })]);
      const [stored] = await store.getFindings(['f']);
      expect(stored).toEqual({ ...makeFinding({ id: 'f', severity: 'critical' }), ...after });
      expect((await store.listFindings({ status: 'resolved' })).map((x) => x.resolution)).toEqual(['benign']);
      expect((await store.queueFindings({ resolutions: ['benign'], limit: 5 })).items.map((x) => x.id)).toEqual(['f']);
      const audit = await store.listTriageAudit('f');
      expect(audit).toEqual([{ seq: expect.any(Number), findingId: 'f', at, actor: alice, action: 'resolve', reason: 'VPN egress', before: { status: 'open' }, after }]);
    });

    it('refuses a triage change made from a state that is no longer current, and one for an unknown finding', async () => {
      const store = current();
      await store.upsertFindings([makeFinding({ id: 'f' })]);
      await store.applyTriage('f', { status: 'open' }, { status: 'acknowledged' }, { at, actor: alice, action: 'acknowledge' });
      const stale = await store.applyTriage('f', { status: 'open' }, { status: 'resolved', resolution: 'true-positive' }, { at, actor: alice, action: 'resolve' });
      expect(stale.outcome).toBe('conflict');
      expect(stale.outcome === 'conflict' && stale.finding.status).toBe('acknowledged');
      expect((await store.applyTriage('nope', { status: 'open' }, { status: 'acknowledged' }, { at, actor: alice, action: 'acknowledge' })).outcome).toBe('missing');
      expect((await store.listTriageAudit('f')).map((e) => e.action)).toEqual(['acknowledge']);
    });

    it('drops triage fields a later change clears', async () => {
      const store = current();
      await store.upsertFindings([makeFinding({ id: 'f' })]);
      await store.applyTriage('f', { status: 'open' }, { status: 'suppressed', suppressedUntil: at }, { at, actor: alice, action: 'suppress' });
      const reopened = await store.applyTriage('f', { status: 'suppressed', suppressedUntil: at }, { status: 'open' }, { at, actor: alice, action: 'reopen' });
      expect(reopened.outcome === 'applied' && reopened.finding).toEqual(makeFinding({ id: 'f' }));
      expect(await store.getFindings(['f'])).toEqual([makeFinding({ id: 'f' })]);
    });

    it('looks up evidence events by id', async () => {
      const store = current();
      await store.insertEvents([makeEvent({ id: 'e:1' }), makeEvent({ id: 'e:2' }), makeEvent({ id: 'e:3' })]);
      const got = await store.getEvents(['e:3', 'missing', 'e:1', 'e:1']);
      expect(got.map((e) => e.id).sort()).toEqual(['e:1', 'e:3']);
    });

    it('keeps API tokens by hash, one unrevoked token per name, and revokes them by id or name', async () => {
      const store = current();
      const token = { id: 't1', name: 'soar', role: 'analyst' as const, createdAt: at, createdBy: 'cli' };
      expect(await store.createToken(token, 'h1')).toBe(true);
      expect(await store.createToken({ ...token, id: 't2' }, 'h2')).toBe(false);
      expect(await store.findTokenByHash('h1')).toEqual(token);
      expect(await store.findTokenByHash('h2')).toBeUndefined();
      await store.touchToken('t1', '2026-03-03T11:00:00.000Z');
      expect((await store.findTokenByHash('h1'))?.lastUsedAt).toBe('2026-03-03T11:00:00.000Z');
      expect((await store.revokeToken('soar', '2026-03-04T00:00:00.000Z'))?.id).toBe('t1');
      expect(await store.revokeToken('t1', '2026-03-04T00:00:00.000Z')).toBeUndefined();
      expect((await store.findTokenByHash('h1'))?.revokedAt).toBe('2026-03-04T00:00:00.000Z');
      expect(await store.createToken({ ...token, id: 't3' }, 'h3')).toBe(true);
      expect((await store.listTokens()).map((t) => [t.id, t.revokedAt !== undefined])).toEqual([
        ['t1', true],
        ['t3', false],
      ]);
    });

    it('keeps sign-in records until they expire, and lets a one-time record be taken once', async () => {
      const store = current();
      await store.putAuthRecord('session', 'k', { role: 'admin' }, '2026-03-03T12:00:00.000Z');
      expect(await store.getAuthRecord('session', 'k', '2026-03-03T11:59:59.000Z')).toEqual({ role: 'admin' });
      expect(await store.getAuthRecord('session', 'k', '2026-03-03T12:00:00.000Z')).toBeUndefined();
      expect(await store.getAuthRecord('login', 'k', '2026-03-03T11:00:00.000Z')).toBeUndefined();
      await store.putAuthRecord('link', 'once', { role: 'admin' }, '2026-03-03T12:00:00.000Z');
      expect(await store.takeAuthRecord('link', 'once', at)).toEqual({ role: 'admin' });
      expect(await store.takeAuthRecord('link', 'once', at)).toBeUndefined();
      await store.putAuthRecord('login', 'x', {}, '2026-03-03T09:00:00.000Z');
      expect(await store.purgeAuthRecords(at)).toBe(1);
      await store.deleteAuthRecord('session', 'k');
      expect(await store.getAuthRecord('session', 'k', '2026-03-03T11:00:00.000Z')).toBeUndefined();
    });

    it('updates a pending proposal, decides it once, and leaves a decided one alone', async () => {
      const store = current();
      await store.upsertProposal(proposal());
      const more = await store.upsertProposal(proposal({ findings: ['a', 'b', 'c', 'd'], updatedAt: '2026-03-04T00:00:00.000Z', createdAt: 'ignored' }));
      expect(more).toMatchObject({ findings: ['a', 'b', 'c', 'd'], createdAt: at, updatedAt: '2026-03-04T00:00:00.000Z' });
      const decision = { status: 'accepted' as const, decidedAt: at, decidedBy: { name: 'root', role: 'admin' as const, via: 'link' as const }, configVersion: 2 };
      expect(await store.decideProposal('p-1', decision)).toBe('decided');
      expect(await store.decideProposal('p-1', { ...decision, status: 'rejected' })).toBe('conflict');
      expect(await store.decideProposal('p-2', decision)).toBe('missing');
      expect((await store.upsertProposal(proposal({ findings: ['z'] }))).findings).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.getProposal('p-1')).toMatchObject({ status: 'accepted', configVersion: 2, decidedBy: { name: 'root' } });
      expect(await store.listProposals('pending')).toEqual([]);
      expect((await store.listProposals()).map((p) => p.id)).toEqual(['p-1']);
    });

    it('numbers config versions and lists them newest first', async () => {
      const store = current();
      const v = { path: 'sspr.config.json', at, actor: alice, summary: 'before the first change', content: '{}' };
      expect(await store.saveConfigVersion(v)).toBe(1);
      expect(await store.saveConfigVersion({ ...v, summary: 'trust 198.51.100.0/24', proposalId: 'p-1', content: '{"detectors":{}}' })).toBe(2);
      expect((await store.listConfigVersions()).map((c) => [c.version, c.summary])).toEqual([
        [2, 'trust 198.51.100.0/24'],
        [1, 'before the first change'],
      ]);
      expect(await store.listConfigVersions(1)).toHaveLength(1);
    });

    it('logs runs and gives the newest per source', async () => {
      const store = current();
      const run = (source: string, finishedAt: string) => ({ kind: 'ingest' as const, source, startedAt: at, finishedAt, counts: { read: 1 } });
      await store.recordRun(run('entra-audit-graph', '2026-03-03T10:00:01.000Z'));
      await store.recordRun(run('winlogbeat', '2026-03-03T10:00:02.000Z'));
      await store.recordRun(run('entra-audit-graph', '2026-03-03T11:00:00.000Z'));
      await store.recordRun({ kind: 'detect', source: 'detect', startedAt: at, finishedAt: at, counts: { events: 5 }, detail: { mode: 'full' } });
      const latest = await store.latestRunPerSource('ingest');
      expect(latest.map((r) => [r.source, r.finishedAt])).toEqual([
        ['entra-audit-graph', '2026-03-03T11:00:00.000Z'],
        ['winlogbeat', '2026-03-03T10:00:02.000Z'],
      ]);
      expect((await store.listRuns('detect', 5)).map((r) => r.detail)).toEqual([{ mode: 'full' }]);
      expect(await store.listRuns('ingest', 1)).toHaveLength(1);
    });
  });
}
