import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { alertOnChanges, evidenceRows } from '../../pipeline/alerting.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { makeFinding } from '../helpers/make-finding.ts';

const secret = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
const config = parseAlertsConfig({
  channels: { soc: { type: 'webhook', url: 'https://soc.example.org/h', secret }, chat: { type: 'slack', url: 'https://hooks.slack.com/services/x' } },
  routes: [
    { name: 'admins', match: { group: ['Tier0'] }, channels: ['chat'] },
    { name: 'all', channels: ['soc'] },
  ],
});

describe('alerting from detection changes', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sspr-alerting-')), 'sspr.db'));
  });
  afterEach(async () => {
    await store.close();
  });

  it('attaches the detector title and triage note and the evidence events read back from the store', async () => {
    await store.insertEvents([
      makeEvent({ id: 'entra.signin:1', dataset: 'entra.signin', action: 'mfa.challenge', outcome: 'failure', mfaResult: 'denied', ip: '203.0.113.7', at: '2026-03-02T03:00:00Z', source: { ip: '203.0.113.7', geo: { city: 'Lagos', country: 'NG', origin: 'log' } } }),
      makeEvent({ id: 'entra.signin:2', dataset: 'entra.signin', action: 'mfa.challenge', outcome: 'failure', mfaResult: 'timeout', ip: '203.0.113.7', at: '2026-03-02T03:10:00Z' }),
      makeEvent({ id: 'entra.signin:other', dataset: 'entra.signin', action: 'signin', at: '2026-03-02T03:05:00Z' }),
    ]);
    const rows = await evidenceRows(store, makeFinding());
    expect(rows.map((r) => [r.id, r.method, r.place])).toEqual([
      ['entra.signin:1', 'denied', 'Lagos, NG'],
      ['entra.signin:2', 'timeout', undefined],
    ]);
    expect(await alertOnChanges(store, [{ kind: 'created', finding: makeFinding() }], config, Date.parse('2026-03-02T04:00:00Z'))).toMatchObject({ enqueued: 1 });
    const [item] = await store.listAlerts();
    expect(item!.alert.detector?.title).toBe('MFA fatigue: repeated refused MFA prompts for one user');
    expect(item!.alert.detector?.triage).toMatch(/revoke sessions/);
    expect(item!.alert.evidenceRows).toEqual(rows);
  });

  it('matches routes on the groups of the latest users snapshot', async () => {
    await store.saveSnapshot({ kind: 'users', takenAt: '2026-03-01T00:00:00.000Z', source: 'users.csv', rows: [{ upn: 'alice@contoso.com', group: 'Tier0;Finance' }] });
    await alertOnChanges(store, [{ kind: 'created', finding: makeFinding() }, { kind: 'created', finding: makeFinding({ id: 'f-bob', user: 'bob@contoso.com', entities: { users: ['bob@contoso.com'], ips: [], locations: [] } }) }], config);
    const channels = (await store.listAlerts()).map((i) => `${i.findingId}:${i.channel}`).sort();
    expect(channels).toEqual(['f-1:chat', 'f-1:soc', 'f-bob:soc']);
  });

  it('sends finding.retracted to the channels that were alerted, once, and not for an evidence-only update', async () => {
    const finding = makeFinding();
    await alertOnChanges(store, [{ kind: 'created', finding }], config);
    const retracted = { ...finding, retracted: { at: '2026-03-02T06:00:00.000Z', reason: 'explained by a later record' } };
    const more = { ...finding, evidence: [...finding.evidence, 'entra.signin:3'] };
    expect(await alertOnChanges(store, [{ kind: 'updated', finding: more, previous: finding }], config)).toMatchObject({ enqueued: 0, unchanged: 1 });
    expect(await alertOnChanges(store, [{ kind: 'retracted', finding: retracted, previous: more }], config)).toMatchObject({ retractions: 1, enqueued: 1 });
    expect(await alertOnChanges(store, [{ kind: 'retracted', finding: retracted, previous: more }], config)).toMatchObject({ retractions: 1, enqueued: 0 });
    const retraction = (await store.listAlerts()).find((i) => i.type === 'finding.retracted');
    expect(retraction).toMatchObject({ channel: 'soc', route: 'retraction', alert: { reasons: ['retracted'], finding: { retracted: { reason: 'explained by a later record' } } } });
  });
});
