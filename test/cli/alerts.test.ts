import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { startReceiver, type Receiver, type Reply } from '../alerts/helpers/receiver.ts';
import { startSmtp, type SmtpSink } from '../alerts/helpers/smtp.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { runCli } from './run-cli.ts';

const secret = `whsec_${Buffer.from('cli alerts test key, 32 bytes!!').toString('base64')}`;
const T0 = Date.parse('2026-03-02T02:00:00.000Z');

/** The n-th refused push for alice (3 s apart, each its own request), from one attacker address. */
const denial = (n: number) =>
  makeEvent({
    id: `entra.signin:push-${n}`,
    dataset: 'entra.signin',
    action: 'mfa.challenge',
    outcome: 'failure',
    mfaResult: 'denied',
    requestId: `req-${n}`,
    user: 'alice@contoso.com',
    ip: '203.0.113.66',
    at: T0 + n * 3000,
  });

describe('sspr detect and sspr alerts with real receivers', () => {
  let dir: string;
  let receiver: Receiver;
  let smtp: SmtpSink;
  let script: Reply[] = [];
  let config: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-cli-alerts-'));
    receiver = await startReceiver(() => script.shift() ?? { status: 200 });
    smtp = await startSmtp();
    config = join(dir, 'sspr.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        alerts: {
          dashboardUrl: 'https://sspr.example.org/',
          deliverTimeoutSeconds: 20,
          timeoutSeconds: 2,
          retry: { initialDelaySeconds: 0.05, maxDelaySeconds: 0.2 },
          channels: {
            soc: { type: 'webhook', url: `${receiver.url}/hooks/sspr`, secret, allowPrivateNetwork: true },
            oncall: { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port }, from: 'sspr-watch <sspr@example.org>', to: ['soc-oncall@example.org'] },
          },
          routes: [
            { name: 'page', match: { severity: ['critical'] }, channels: ['soc', 'oncall'] },
            { name: 'rest', match: { severity: ['high', 'medium'], detector: ['reset-spray', 'mfa-fatigue'] }, channels: ['soc', 'oncall'] },
          ],
        },
      }),
    );
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });

  it('turns 1,000 refused pushes for one user, detected run by run, into one finding, one email and one webhook, plus one update when it turns critical', async () => {
    const db = join(dir, 'flood.db');
    const runs: Array<{ alerts: { enqueued: number; unchanged: number; delivered: number } }> = [];
    for (let batch = 0; batch < 10; batch += 1) {
      const store = new SqliteStore(db);
      await store.insertEvents(Array.from({ length: 100 }, (_, i) => denial(batch * 100 + i)));
      await store.close();
      const out = await runCli(['detect', '--db', db, '--config', config, '--json']);
      expect(out.code, out.stderr).toBe(0);
      runs.push(JSON.parse(out.stdout));
    }
    expect(runs[0]!.alerts).toMatchObject({ enqueued: 2, delivered: 2 });
    expect(runs.slice(1).map((r) => r.alerts.enqueued)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(runs.slice(1).every((r) => r.alerts.unchanged === 1)).toBe(true);
    // The approval two minutes after the last refusal: the same finding becomes critical — one update each.
    const store = new SqliteStore(db);
    await store.insertEvents([
      makeEvent({ id: 'entra.signin:approve', dataset: 'entra.signin', action: 'mfa.challenge', outcome: 'success', mfaResult: 'approved', requestId: 'req-x', user: 'alice@contoso.com', ip: '203.0.113.66', at: T0 + 1000 * 3000 + 120_000 }),
    ]);
    await store.close();
    expect((await runCli(['detect', '--db', db, '--config', config])).stdout).toMatch(/alerts: 2 queued \(0 held for digests\); 2 delivered/);

    const findings = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Array<{ id: string; severity: string }>;
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
    expect(receiver.received).toHaveLength(2);
    const bodies = receiver.received.map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: { id: string; severity: string; url: string } });
    expect(bodies.map((b) => [b.type, b.data.id, b.data.severity])).toEqual([
      ['finding.created', findings[0]!.id, 'high'],
      ['finding.updated', findings[0]!.id, 'critical'],
    ]);
    expect(bodies[0]!.data.url).toBe(`https://sspr.example.org/findings/${findings[0]!.id}`);
    const mails = await smtp.waitFor(2);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.subject?.slice(0, 22))).toEqual(['[HIGH] mfa-fatigue: al', '[CRITICAL] mfa-fatigue']);
    expect(mails[1]!.text).toContain('Updated: severity raised from high to critical');
    // The evidence table is read back from the stored events.
    expect(mails[0]!.text).toMatch(/2026-03-02 02:00:00 UTC \| mfa\.challenge failure \| alice@contoso\.com \| 203\.0\.113\.66 \| denied/);
    const listed = JSON.parse((await runCli(['alerts', 'list', '--db', db, '--json'])).stdout) as Array<{ status: string; channel: string; type: string }>;
    expect(listed.map((l) => [l.status, l.channel, l.type]).sort()).toEqual([
      ['delivered', 'oncall', 'finding.created'],
      ['delivered', 'oncall', 'finding.updated'],
      ['delivered', 'soc', 'finding.created'],
      ['delivered', 'soc', 'finding.updated'],
    ]);
  });

  it('keeps a dead letter with its reason, lists it, and delivers it on replay under the same webhook-id', async () => {
    const db = join(dir, 'dlq.db');
    const store = new SqliteStore(db);
    await store.insertEvents(Array.from({ length: 6 }, (_, i) => denial(5000 + i)));
    await store.close();
    const seen = receiver.received.length;
    script = [{ status: 404, body: 'no such hook' }];
    expect((await runCli(['detect', '--db', db, '--config', config, '--json'])).code).toBe(0);
    const dead = JSON.parse((await runCli(['alerts', 'dlq', '--db', db, '--json'])).stdout) as Array<{ id: string; channel: string; lastError: string; attempts: number }>;
    expect(dead.map((d) => [d.channel, d.attempts, d.lastError])).toEqual([['soc', 1, 'HTTP 404 Not Found: no such hook']]);
    expect((await runCli(['alerts', 'dlq', '--db', db, '--replay', 'msg_nope'])).code).toBe(1);
    expect((await runCli(['alerts', 'dlq', '--db', db, '--replay', dead[0]!.id])).stdout).toMatch(/replayed 1 dead letter/);
    const deliver = await runCli(['alerts', 'deliver', '--db', db, '--config', config, '--until-idle', '--json']);
    expect(JSON.parse(deliver.stdout)).toMatchObject({ delivered: 1, dead: 0, stoppedBy: 'idle', outbox: { dead: 0, pending: 0 } });
    expect(receiver.received.slice(seen).map((r) => r.headers['webhook-id'])).toEqual([dead[0]!.id, dead[0]!.id]);
    expect(JSON.parse((await runCli(['alerts', 'list', '--db', db, '--status', 'dead', '--json'])).stdout)).toEqual([]);
  });

  it('leaves what the receiver does not take within deliverTimeoutSeconds in the outbox for sspr alerts deliver', async () => {
    const db = join(dir, 'later.db');
    const quick = join(dir, 'quick.json');
    const base = JSON.parse((await import('node:fs')).readFileSync(config, 'utf8')) as { alerts: Record<string, unknown> };
    writeFileSync(quick, JSON.stringify({ alerts: { ...base.alerts, deliverTimeoutSeconds: 0, routes: [{ name: 'all', channels: ['soc'] }] } }));
    const store = new SqliteStore(db);
    await store.insertEvents(Array.from({ length: 6 }, (_, i) => denial(7000 + i)));
    await store.close();
    const detect = JSON.parse((await runCli(['detect', '--db', db, '--config', quick, '--json'])).stdout) as { alerts: Record<string, unknown> };
    expect(detect.alerts).toMatchObject({ enqueued: 1, delivered: 0, stoppedBy: 'deadline', outbox: { pending: 1 } });
    script = [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }];
    const deliver = await runCli(['alerts', 'deliver', '--db', db, '--config', quick, '--until-idle']);
    expect(deliver.stdout).toMatch(/3 attempt\(s\), 1 delivered, 2 retries scheduled, 0 dead/);
  });

  it('sends a marked sample through every channel of a route with sspr alerts test', async () => {
    const seen = receiver.received.length;
    const mailsBefore = smtp.mails.length;
    const out = await runCli(['alerts', 'test', '--route', 'page', '--config', config, '--db', join(dir, 'test.db'), '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as { results: Array<{ channel: string; ok: boolean }> }).results.map((r) => [r.channel, r.ok])).toEqual([['soc', true], ['oncall', true]]);
    const body = new Webhook(secret).verify(receiver.received[seen]!.body, receiver.received[seen]!.headers) as { type: string; test: boolean; data: { summary: string } };
    expect(body).toMatchObject({ type: 'finding.created', test: true });
    expect(body.data.summary).toMatch(/^TEST ALERT/);
    const [mail] = (await smtp.waitFor(mailsBefore + 1)).slice(mailsBefore);
    expect(mail!.subject).toMatch(/^TEST \[HIGH\] mfa-fatigue/);
    const failing = await runCli(['alerts', 'test', '--route', 'nope', '--config', config, '--db', join(dir, 'test.db')]);
    expect(failing.code).toBe(2);
  });
});
