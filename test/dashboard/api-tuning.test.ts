import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import type { SsprEvent } from '../../core/event.ts';
import type { Finding } from '../../core/finding.ts';
import { runDetection } from '../../pipeline/run-detection.ts';
import type { ConfigVersion, TuningProposal } from '../../store/contract.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { makeFinding } from '../helpers/make-finding.ts';
import { startDashboard, type Dashboard } from './harness.ts';

const DAY = 86_400_000;
const DAY1 = Date.parse('2026-03-02T08:00:00.000Z');

/** Twelve SSPR flows of one user on day `d` (0-based), ten minutes apart: a daily script. */
function resets(user: string, d: number): SsprEvent[] {
  return Array.from({ length: 12 }, (_, i) => {
    const t = DAY1 + d * DAY + i * 600_000;
    const base = { user, ip: '192.0.2.10', correlationId: `${user}-${d}-${i}` };
    return [
      makeEvent({ ...base, id: `entra.audit:${user}-${d}-${i}-p`, action: 'sspr.progress', ssprStep: 'userIdSubmitted', at: t }),
      makeEvent({ ...base, id: `entra.audit:${user}-${d}-${i}-r`, action: 'sspr.reset', outcome: 'success', at: t + 60_000 }),
    ];
  }).flat();
}

type Proposals = { items: Array<TuningProposal & { appliedInRun: { seq: number } | null }> };

describe('tuning from triage: repeated benign closures propose a config change an admin decides', () => {
  let dash: Dashboard;
  let config: string;
  const detect = async () => runDetection(dash.store, { config: loadConfig(config) });
  const svcFindings = async () => (await dash.store.listFindings({ detector: 'reset-spike' })).filter((f) => f.key === 'user:svc-reset@contoso.com');
  const proposals = async () => (await dash.call<Proposals>('GET', '/api/v1/tuning/proposals', { as: dash.tokens.analyst })).body.items;
  const closeBenign = (f: Finding, cause: string) =>
    dash.call<Finding>('POST', `/api/v1/findings/${f.id}/triage`, { as: dash.tokens.analyst, body: { action: 'resolve', resolution: 'benign', cause } });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-tuning-'));
    config = join(dir, 'sspr.config.json');
    writeFileSync(config, '{\n  "description": "hand-written"\n}\n');
    dash = await startDashboard({ db: join(dir, 'sspr.db'), config });
    await dash.store.insertEvents([0, 1, 2].flatMap((d) => resets('svc-reset@contoso.com', d)));
    await detect();
  });
  afterAll(async () => dash.close());

  it('raises one key\'s floor after three benign closures of its own script, writes it to the config, versioned, and the next run uses it', async () => {
    const found = await svcFindings();
    expect(found).toHaveLength(3);
    await closeBenign(found[0]!, 'own-script');
    await closeBenign(found[1]!, 'own-script');
    expect(await proposals()).toEqual([]);
    await closeBenign(found[2]!, 'own-script');
    const [proposal] = await proposals();
    expect(proposal).toMatchObject({
      status: 'pending',
      cause: 'own-script',
      change: { kind: 'key-floor', detector: 'reset-spike', key: 'user:svc-reset@contoso.com', minCount: 13 },
      findings: found.map((f) => f.id).sort(),
      appliedInRun: null,
    });

    const refused = await dash.call('POST', `/api/v1/tuning/proposals/${proposal!.id}/decision`, { as: dash.tokens.analyst, body: { decision: 'accept' } });
    expect(refused.status).toBe(403);
    const accepted = await dash.call<TuningProposal>('POST', `/api/v1/tuning/proposals/${proposal!.id}/decision`, { as: dash.tokens.admin, body: { decision: 'accept', reason: 'nightly self-test script' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', configVersion: 2, decidedBy: { name: 'token:test-admin', role: 'admin' }, decisionReason: 'nightly self-test script' });
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      description: 'hand-written',
      detectors: { 'reset-spike': { keyFloors: [{ key: 'user:svc-reset@contoso.com', minCount: 13 }] } },
    });
    const versions = await dash.call<{ items: ConfigVersion[] }>('GET', '/api/v1/config/versions', { as: dash.tokens.admin });
    expect(versions.body.items.map((v) => [v.version, v.summary, v.actor.name])).toEqual([
      [2, proposal!.summary, 'token:test-admin'],
      [1, 'as found before the first tuning change', 'sspr-watch'],
    ]);
    expect(versions.body.items[1]!.content).toBe('{\n  "description": "hand-written"\n}\n');
    expect((await dash.call('POST', `/api/v1/tuning/proposals/${proposal!.id}/decision`, { as: dash.tokens.admin, body: { decision: 'reject' } })).status).toBe(409);

    // Day four: the script runs again, and so does another user's identical burst.
    await dash.store.insertEvents([...resets('svc-reset@contoso.com', 3), ...resets('dana@contoso.com', 3)]);
    await detect();
    expect(await svcFindings()).toHaveLength(3);
    expect((await dash.store.listFindings({ detector: 'reset-spike' })).filter((f) => f.key === 'user:dana@contoso.com')).toHaveLength(1);
    const [applied] = await proposals();
    expect(applied!.appliedInRun).toEqual({ seq: expect.any(Number), finishedAt: expect.any(String) });
  });

  it('trusts a network shared by three benign VPN closures, and proposes nothing for travel', async () => {
    const trip = (id: string, ip: string) => makeFinding({ id, detector: 'impossible-travel', key: `user:${id}@contoso.com`, user: `${id}@contoso.com`, ips: [ip, '198.51.100.7'], entities: { users: [`${id}@contoso.com`], ips: [ip, '198.51.100.7'], locations: [] } });
    await dash.store.upsertFindings([trip('t1', '203.0.113.1'), trip('t2', '203.0.113.99'), trip('t3', '2001:db8::1'), trip('t4', '192.0.2.200'), trip('t5', '192.0.2.201'), trip('t6', '192.0.2.202')]);
    for (const id of ['t4', 't5', 't6']) await closeBenign((await dash.store.getFindings([id]))[0]!, 'travel');
    expect((await proposals()).filter((p) => p.change.detector === 'impossible-travel')).toEqual([]);
    for (const id of ['t1', 't2', 't3']) await closeBenign((await dash.store.getFindings([id]))[0]!, 'corporate-vpn');
    const vpn = (await proposals()).filter((p) => p.change.detector === 'impossible-travel');
    expect(vpn.map((p) => p.change)).toEqual([{ kind: 'trusted-network', detector: 'impossible-travel', network: '198.51.100.0/24' }]);

    // Someone edits the file by hand, wrongly: accepting says what is wrong and changes nothing.
    const good = readFileSync(config, 'utf8');
    writeFileSync(config, JSON.stringify({ ...JSON.parse(good), detectors: { ...JSON.parse(good).detectors, 'impossible-travel': { maxSpeedKmh: 'fast' } } }));
    const bad = await dash.call<{ error: { code: string; message: string } }>('POST', `/api/v1/tuning/proposals/${vpn[0]!.id}/decision`, { as: dash.tokens.admin, body: { decision: 'accept' } });
    expect(bad.status).toBe(409);
    expect(bad.body.error.message).toContain('detectors.impossible-travel.maxSpeedKmh');
    expect((await dash.store.getProposal(vpn[0]!.id))?.status).toBe('pending');
    writeFileSync(config, good.replace('"description": "hand-written"', '"description": "edited by hand"'));
    const ok = await dash.call<TuningProposal>('POST', `/api/v1/tuning/proposals/${vpn[0]!.id}/decision`, { as: dash.tokens.admin, body: { decision: 'accept' } });
    expect(ok.body.configVersion).toBe(4);
    expect(loadConfig(config).detectors?.['impossible-travel']).toEqual({ trustedNetworks: ['198.51.100.0/24'] });
    const versions = (await dash.store.listConfigVersions()).map((v) => v.summary);
    expect(versions.slice(0, 2)).toEqual([vpn[0]!.summary, 'changed outside sspr-watch since the last version']);
  });

  it('rejects a proposal with a reason and does not propose it again', async () => {
    const ids = ['u1', 'u2', 'u3'];
    await dash.store.upsertFindings(ids.map((id) => makeFinding({ id, detector: 'takeover-chain', key: `user:${id}`, user: `${id}@contoso.com`, ips: ['203.0.113.50'], entities: { users: [], ips: [], locations: [] } })));
    for (const id of ids) await closeBenign((await dash.store.getFindings([id]))[0]!, 'corporate-vpn');
    const chain = (await proposals()).find((p) => p.change.detector === 'takeover-chain')!;
    const rejected = await dash.call<TuningProposal>('POST', `/api/v1/tuning/proposals/${chain.id}/decision`, { as: dash.tokens.admin, body: { decision: 'reject', reason: 'shared with guests' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'shared with guests' });
    await dash.store.upsertFindings([makeFinding({ id: 'u4', detector: 'takeover-chain', key: 'user:u4', ips: ['203.0.113.51'], entities: { users: [], ips: [], locations: [] } })]);
    await closeBenign((await dash.store.getFindings(['u4']))[0]!, 'corporate-vpn');
    expect((await proposals()).filter((p) => p.change.detector === 'takeover-chain').map((p) => p.status)).toEqual(['rejected']);
    expect(loadConfig(config).detectors?.['takeover-chain']).toBeUndefined();
    expect((await dash.call('POST', '/api/v1/tuning/proposals/nope/decision', { as: dash.tokens.admin, body: { decision: 'accept' } })).status).toBe(404);
  });
});
