import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../core/alert.ts';
import { loadConfig } from '../../core/config.ts';
import type { SsprEvent } from '../../core/event.ts';
import type { Finding } from '../../core/finding.ts';
import { runDetection } from '../../pipeline/run-detection.ts';
import type { TriageAuditEntry } from '../../store/contract.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { runCli } from '../cli/run-cli.ts';
import { makeFinding } from '../helpers/make-finding.ts';
import { generatedStore, startDashboard, type Dashboard } from './harness.ts';

type Page = { items: Finding[]; next: string | null; total: number };
type Detail = Finding & { events: SsprEvent[]; detectorInfo: { triage: string } | null; related: Finding[] };
type Problem = { error: { code: string }; details: Array<{ path: string; message: string }> };

describe('dashboard API: the triage queue, a finding, triage and its audit trail', () => {
  let dash: Dashboard;
  let db: string;
  let config: string;
  let analyst: string;
  beforeAll(async () => {
    ({ db, config } = await generatedStore());
    dash = await startDashboard({ db, config });
    analyst = dash.tokens.analyst;
  });
  afterAll(async () => dash.close());
  const page = async (query: string) => (await dash.call<Page>('GET', `/api/v1/findings?${query}`, { as: analyst })).body;

  it('queues findings most severe first, then most recent, and pages through all of them once', async () => {
    const all = await dash.store.listFindings();
    expect(all.length).toBeGreaterThan(10);
    const seen: Finding[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const p: Page = await page(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.total).toBe(all.length);
      seen.push(...p.items);
      cursor = p.next;
    }
    expect(seen.map((f) => f.id).sort()).toEqual(all.map((f) => f.id).sort());
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
    for (let i = 1; i < seen.length; i += 1) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(rank[a.severity] < rank[b.severity] || (a.severity === b.severity && a.lastSeen >= b.lastSeen)).toBe(true);
    }
  });

  it('filters by several severities, a detector, a user and free text', async () => {
    const all = await dash.store.listFindings();
    const severe = await page('severity=critical,high&limit=500');
    expect(severe.items.map((f) => f.id).sort()).toEqual(all.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => f.id).sort());
    const withUser = all.find((f) => f.user !== undefined)!;
    const byUser = await page(`user=${encodeURIComponent(withUser.user!.toUpperCase())}&limit=500`);
    expect(byUser.items.every((f) => f.user === withUser.user)).toBe(true);
    expect(byUser.items.map((f) => f.id)).toContain(withUser.id);
    const byDetector = await page(`detector=${withUser.detector}&limit=500`);
    expect(byDetector.total).toBe(all.filter((f) => f.detector === withUser.detector).length);
    const byText = await page(`q=${encodeURIComponent(withUser.id)}`);
    expect(byText.items.map((f) => f.id)).toEqual([withUser.id]);
  });

  it('answers bad query values with 400 and the path of each', async () => {
    const res = await dash.call<Problem>('GET', '/api/v1/findings?limit=0&severity=urgent,high&status=closed&cursor=bm9wZQ', { as: analyst });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.details.map((d) => d.path).sort()).toEqual(['query.cursor', 'query.limit', 'query.severity.0', 'query.status.0']);
    expect((await dash.call<Problem>('GET', '/api/v1/findings?limit=lots', { as: analyst })).body.details[0]!.path).toBe('query.limit');
  });

  it('shows a finding with every evidence event in time order, its triage note and the user\'s other findings', async () => {
    const all = await dash.store.listFindings();
    const f = all.find((x) => x.user !== undefined && all.some((y) => y.id !== x.id && y.user === x.user)) ?? all[0]!;
    const res = await dash.call<Detail>('GET', `/api/v1/findings/${f.id}`, { as: analyst });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(f.id);
    expect(res.body.events.map((e) => e.id).sort()).toEqual([...new Set(f.evidence)].sort());
    const times = res.body.events.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort());
    expect(res.body.detectorInfo?.triage.length).toBeGreaterThan(20);
    expect(res.body.related.every((r) => r.id !== f.id)).toBe(true);
    expect((await dash.call('GET', '/api/v1/findings/nope', { as: analyst })).status).toBe(404);
  });

  it('resolves a finding, records who did what in the audit trail, and keeps it through a detector re-run and in sspr findings', async () => {
    const [f] = (await page('status=open&limit=1')).items;
    const resolved = await dash.call<Finding>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'resolve', resolution: 'true-positive', reason: 'user confirmed', comment: 'reset the account' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: f!.id, status: 'resolved', resolution: 'true-positive', triagedBy: 'token:test-analyst', triagedAt: dash.clock.now().toISOString() });
    const audit = await dash.call<{ items: TriageAuditEntry[] }>('GET', `/api/v1/findings/${f!.id}/audit`, { as: analyst });
    expect(audit.body.items).toEqual([
      {
        seq: expect.any(Number),
        findingId: f!.id,
        at: dash.clock.now().toISOString(),
        actor: { name: 'token:test-analyst', role: 'analyst', via: 'token' },
        action: 'resolve',
        reason: 'user confirmed',
        comment: 'reset the account',
        before: { status: 'open' },
        after: { status: 'resolved', resolution: 'true-positive', triagedAt: dash.clock.now().toISOString(), triagedBy: 'token:test-analyst' },
      },
    ]);
    expect((await dash.call('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'resolve', resolution: 'benign', cause: 'travel' } })).status).toBe(409);

    const store = new SqliteStore(db);
    await runDetection(store, { config: loadConfig(config), rebuild: true });
    await store.close();
    const after = await dash.call<Detail>('GET', `/api/v1/findings/${f!.id}`, { as: analyst });
    expect(after.body).toMatchObject({ status: 'resolved', resolution: 'true-positive' });
    const cli = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Finding[];
    expect(cli.find((x) => x.id === f!.id)).toMatchObject({ status: 'resolved', resolution: 'true-positive' });
    expect((await runCli(['findings', '--db', db, '--status', 'resolved'])).stdout).toContain('resolved');
  });

  it('needs a cause for a benign closure and refuses fields that do not go with the action', async () => {
    const [f] = (await page('status=open&limit=1')).items;
    const noCause = await dash.call<Problem>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'resolve', resolution: 'benign' } });
    expect(noCause.status).toBe(400);
    expect(noCause.body.details.map((d) => d.path)).toEqual(['body.cause']);
    const stray = await dash.call<Problem>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'acknowledge', resolution: 'benign' } });
    expect(stray.status).toBe(400);
    const unknown = await dash.call<Problem>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'close' } });
    expect(unknown.body.details[0]!.path).toBe('body.action');
    expect((await dash.call('POST', '/api/v1/findings/nope/triage', { as: analyst, body: { action: 'acknowledge' } })).status).toBe(404);
  });

  it('acknowledges, assigns, comments and reopens, each with its own audit entry', async () => {
    const [f] = (await page('status=open&limit=1')).items;
    const post = (body: unknown) => dash.call<Finding>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body });
    expect((await post({ action: 'acknowledge' })).body.status).toBe('acknowledged');
    expect((await post({ action: 'acknowledge' })).status).toBe(409);
    expect((await post({ action: 'assign', assignee: 'dana@contoso.example' })).body).toMatchObject({ status: 'acknowledged', assignee: 'dana@contoso.example' });
    expect((await post({ action: 'comment', comment: 'called the user' })).body.assignee).toBe('dana@contoso.example');
    expect((await post({ action: 'reopen', reason: 'more activity' })).body).toMatchObject({ status: 'open', assignee: 'dana@contoso.example' });
    const audit = await dash.call<{ items: TriageAuditEntry[] }>('GET', `/api/v1/findings/${f!.id}/audit`, { as: analyst });
    expect(audit.body.items.map((e) => [e.action, e.before.status, e.after.status])).toEqual([
      ['acknowledge', 'open', 'acknowledged'],
      ['assign', 'acknowledged', 'acknowledged'],
      ['comment', 'acknowledged', 'acknowledged'],
      ['reopen', 'acknowledged', 'open'],
    ]);
    expect(audit.body.items[2]!.comment).toBe('called the user');
  });

  it('suppresses a finding until a time, then reopens it by itself with a system audit entry', async () => {
    const [f] = (await page('status=open&limit=1')).items;
    const until = new Date(dash.clock.now().getTime() + 3_600_000).toISOString();
    const past = await dash.call('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'suppress', until: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    const suppressed = await dash.call<Finding>('POST', `/api/v1/findings/${f!.id}/triage`, { as: analyst, body: { action: 'suppress', until, reason: 'change window' } });
    expect(suppressed.body).toMatchObject({ status: 'suppressed', suppressedUntil: until });
    expect((await page('status=suppressed')).items.map((x) => x.id)).toContain(f!.id);
    dash.clock.advance(3_600_000);
    expect((await page('status=suppressed')).items.map((x) => x.id)).not.toContain(f!.id);
    const audit = await dash.call<{ items: TriageAuditEntry[] }>('GET', `/api/v1/findings/${f!.id}/audit`, { as: analyst });
    expect(audit.body.items.at(-1)).toMatchObject({ action: 'unsuppress', actor: { via: 'system' }, before: { status: 'suppressed' }, after: { status: 'open' } });
  });

  it('applies one action to several findings and reports each outcome', async () => {
    const open = (await page('status=open&limit=2')).items.map((f) => f.id);
    const res = await dash.call<{ results: Array<{ id: string; ok: boolean; error?: { code: string } }> }>('POST', '/api/v1/findings/triage', {
      as: analyst,
      body: { ids: [...open, 'missing-id'], triage: { action: 'acknowledge' } },
    });
    expect(res.body.results.map((r) => [r.id, r.ok, r.error?.code])).toEqual([...open.map((id) => [id, true, undefined]), ['missing-id', false, 'NOT_FOUND']]);
    const again = await dash.call<{ results: Array<{ ok: boolean; error?: { code: string } }> }>('POST', '/api/v1/findings/triage', { as: analyst, body: { ids: open, triage: { action: 'acknowledge' } } });
    expect(again.body.results.map((r) => r.error?.code)).toEqual(['CONFLICT', 'CONFLICT']);
    expect((await dash.call('POST', '/api/v1/findings/triage', { as: analyst, body: { ids: [], triage: { action: 'acknowledge' } } })).status).toBe(400);
  });

  it('answers /kpis exactly as sspr kpi --json prints, for the whole data and a period', async () => {
    for (const query of ['', '?from=2026-03-09&to=2026-03-16']) {
      const api = await dash.call('GET', `/api/v1/kpis${query}`, { as: dash.tokens.viewer });
      const flags = query === '' ? [] : ['--from', '2026-03-09', '--to', '2026-03-16'];
      const cli = JSON.parse((await runCli(['kpi', '--db', db, '--config', config, '--json', ...flags])).stdout) as unknown;
      expect(api.body).toEqual(cli);
    }
    expect((await dash.call<Problem>('GET', '/api/v1/kpis?from=yesterday', { as: dash.tokens.viewer })).body.details[0]!.path).toBe('query.from');
    expect((await dash.call('GET', '/api/v1/kpis?from=2026-03-16&to=2026-03-09', { as: dash.tokens.viewer })).status).toBe(400);
  });

  it("gives a user's events in time order with their findings, and says when the list was cut", async () => {
    const f = (await dash.store.listFindings()).find((x) => x.user !== undefined)!;
    const res = await dash.call<{ user: string; events: SsprEvent[]; truncated: boolean; findings: Finding[] }>('GET', `/api/v1/users/${encodeURIComponent(f.user!)}/timeline?limit=5000`, { as: analyst });
    expect(res.body.user).toBe(f.user);
    expect(res.body.events.length).toBe(await dash.store.countEvents({ user: f.user! }));
    expect(res.body.events.every((e) => e.user.name === f.user)).toBe(true);
    expect(res.body.findings.map((x) => x.id)).toContain(f.id);
    const cut = await dash.call<{ events: SsprEvent[]; truncated: boolean }>('GET', `/api/v1/users/${encodeURIComponent(f.user!)}/timeline?limit=2`, { as: analyst });
    expect(cut.body.events).toHaveLength(2);
    expect(cut.body.truncated).toBe(res.body.events.length > 2);
    expect((await dash.call('GET', `/api/v1/users/x/timeline?limit=100000`, { as: analyst })).status).toBe(400);
  });

  it('reports health: events per dataset, quarantine, the last ingest per source and detection runs', async () => {
    const res = await dash.call<{
      events: { total: number; byDataset: Record<string, number> };
      quarantine: { total: number };
      sources: Array<{ source: string; counts: Record<string, number>; finishedAt: string }>;
      detection: { runs: Array<{ counts: Record<string, number>; detail: { mode: string } }> };
      alerting: { configured: boolean; note: string };
    }>('GET', '/api/v1/health', { as: analyst });
    expect(res.body.events.total).toBe(await dash.store.countEvents());
    expect(res.body.events.byDataset['entra.signin']).toBe(await dash.store.countEvents({ datasets: ['entra.signin'] }));
    expect(res.body.quarantine.total).toBe(await dash.store.countQuarantine());
    expect(res.body.sources.map((s) => s.source)).toEqual(expect.arrayContaining(['entra-audit-graph', 'winlogbeat']));
    // Directory inputs are accepted as snapshot rows, not events.
    const directory = ['users-csv', 'graph-registration-details', 'privileged-list', 'tickets-csv'];
    const accepted = res.body.sources.filter((s) => !directory.includes(s.source)).reduce((n, s) => n + (s.counts.accepted ?? 0), 0);
    expect(accepted).toBe(res.body.events.total);
    expect(res.body.detection.runs.length).toBeGreaterThanOrEqual(1);
    expect(res.body.detection.runs[0]!.detail.mode).toBe('full');
    expect(res.body.detection.runs[0]!.counts.durationMs).toBeGreaterThan(0);
    expect(res.body.alerting).toMatchObject({ configured: false, note: 'alerting not configured' });
  });
});

describe('dashboard API: health of the alert outbox', () => {
  it('lists the configured routes and channels without their secrets, the outbox by status and the dead letters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-dash-alerts-'));
    const config = join(dir, 'sspr.config.json');
    writeFileSync(config, '{}');
    const secret = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length!').toString('base64')}`;
    const dash = await startDashboard({
      db: join(dir, 'sspr.db'),
      config,
      alerts: {
        channels: { soc: { type: 'webhook', url: 'https://soc.example.org/hooks/sspr', secret, format: 'sspr' } },
        routes: [{ name: 'page', match: { severity: ['critical'] }, channels: ['soc'] }],
      },
    });
    try {
      const finding = makeFinding({ id: 'f-dead' });
      const alert: Alert = { type: 'finding.created', at: '2026-03-02T04:00:00.000Z', finding, reasons: ['new'] };
      const base = { channel: 'soc', route: 'page', type: 'finding.created' as const, findingId: finding.id, status: 'pending' as const, createdAt: alert.at, dueAt: alert.at, alert };
      await dash.store.enqueueAlerts([{ id: 'a-dead', ...base }, { id: 'a-waiting', ...base, dueAt: '2026-03-02T05:00:00.000Z' }]);
      const [claimed] = await dash.store.claimDueAlerts('2026-03-02T04:00:00.000Z', '2026-03-02T04:01:00.000Z', 1);
      await dash.store.completeAlert(claimed!.id, claimed!.attempts, { status: 'dead', at: '2026-03-02T04:00:05.000Z', error: 'HTTP 410 Gone', code: 410 });
      const res = await dash.call<{ alerting: Record<string, unknown> }>('GET', '/api/v1/health', { as: dash.tokens.analyst });
      expect(res.body.alerting).toMatchObject({
        configured: true,
        routes: [{ name: 'page', channels: ['soc'], match: { severity: ['critical'] } }],
        channels: [{ name: 'soc', type: 'webhook' }],
        outbox: { pending: 1, dead: 1, delivered: 0 },
        nextDue: '2026-03-02T05:00:00.000Z',
        deadLetters: [{ id: 'a-dead', channel: 'soc', route: 'page', findingId: 'f-dead', attempts: 1, lastError: 'HTTP 410 Gone' }],
      });
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(JSON.stringify(res.body)).not.toContain('soc.example.org');
    } finally {
      await dash.close();
    }
  });
});
