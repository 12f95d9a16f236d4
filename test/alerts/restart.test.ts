import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { enqueueChanges } from '../../alerts/enqueue.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { makeFinding } from '../helpers/make-finding.ts';
import { spawnCli } from '../helpers/spawn-cli.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

const secret = `whsec_${Buffer.from('restart test key: 32 bytes long!').toString('base64')}`;
const slackUrl = 'https://hooks.slack.com/services/T0001/B0001/sEcReTsLaCkToKeN0001';
const smtpPass = 'smtp-Pa55-never-logged';
const ALERTS = 20;
/** The request during which the first sender is killed: mid-retries, with attempts in flight. */
const KILL_AT = 25;

function deliverProcess(db: string, config: string) {
  return spawnCli(['alerts', 'deliver', '--until-idle', '--db', db, '--config', config], { SSPR_LOG_LEVEL: 'debug' });
}

describe('a delivery process killed in the middle of retries', () => {
  let dir: string;
  let receiver: Receiver;
  const answered = new Map<string, number[]>();
  let killPoint: () => void = () => undefined;
  const reachedKillPoint = new Promise<void>((resolve) => {
    killPoint = resolve;
  });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-restart-'));
    // Each id fails twice (503), then is accepted. Request KILL_AT is left hanging while the sender is killed.
    receiver = await startReceiver((r) => {
      const id = r.headers['webhook-id'] ?? '';
      if (r.n === KILL_AT) {
        killPoint();
        return 'hang';
      }
      const seen = answered.get(id) ?? [];
      const status = seen.length < 2 ? 503 : 200;
      answered.set(id, [...seen, status]);
      return { status };
    });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('delivers every alert after a restart, each webhook-id accepted, none missing', async () => {
    const raw = {
      channels: {
        soc: { type: 'webhook', url: `${receiver.url}/hook`, secret, allowPrivateNetwork: true },
        chat: { type: 'slack', url: slackUrl },
        oncall: { type: 'email', smtp: { host: '127.0.0.1', port: 1, auth: { user: 'sspr', pass: smtpPass } }, from: 'a@example.org', to: ['b@example.org'] },
      },
      routes: [{ name: 'all', channels: ['soc'] }],
      timeoutSeconds: 1,
      concurrency: 4,
      retry: { initialDelaySeconds: 0.02, maxDelaySeconds: 0.1 },
    };
    const configPath = join(dir, 'sspr.config.json');
    writeFileSync(configPath, JSON.stringify({ alerts: raw }));
    const db = join(dir, 'sspr.db');
    const store = new SqliteStore(db);
    const changes = Array.from({ length: ALERTS }, (_, i) => ({ kind: 'created' as const, finding: makeFinding({ id: `f-${i}` }) }));
    expect((await enqueueChanges(store, changes, parseAlertsConfig(raw), { now: Date.now() })).enqueued).toBe(ALERTS);
    const ids = (await store.listAlerts()).map((a) => a.id).sort();
    await store.close();

    const first = deliverProcess(db, configPath);
    await reachedKillPoint;
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const hungId = receiver.received[KILL_AT - 1]!.headers['webhook-id']!;
    const acceptedBeforeRestart = [...answered.values()].filter((s) => s.includes(200)).length;
    expect(acceptedBeforeRestart).toBeLessThan(ALERTS);

    const second = deliverProcess(db, configPath);
    const finished = await second.done;
    expect(finished.code, finished.stderr).toBe(0);

    // The receiver acts on the first accepted request of each webhook-id and drops repeats (at-least-once: a
    // kill between its 200 and the outbox's record resends one): every id is acted on exactly once, none missing.
    const acted = [...answered].filter(([, statuses]) => statuses.includes(200)).map(([id]) => id).sort();
    expect(acted).toEqual(ids);
    // The alert whose request was cut by the kill was sent again under the same id.
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === hungId).length).toBeGreaterThan(1);
    const after = new SqliteStore(db);
    expect(await after.countAlerts()).toMatchObject({ delivered: ALERTS, pending: 0, dead: 0 });
    await after.close();
    // Debug logs of both processes carry no secret: not the signing key, the SMTP password or the Slack URL.
    const logs = killed.stderr + finished.stderr;
    expect(logs).toMatch(/alert delivered/);
    for (const s of [secret, secret.slice(6), smtpPass, slackUrl, 'sEcReTsLaCkToKeN0001']) expect(logs).not.toContain(s);
  });
});
