import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, HttpSide } from '../../alerts/channels/channel.ts';
import { emailChannel } from '../../alerts/channels/email.ts';
import { slackChannel } from '../../alerts/channels/slack.ts';
import { teamsChannel } from '../../alerts/channels/teams.ts';
import { webhookChannel } from '../../alerts/channels/webhook.ts';
import { emailChannelSchema, slackChannelSchema, teamsChannelSchema, webhookChannelSchema } from '../../alerts/config.ts';
import { createHttpTransport, type HttpTransport } from '../../alerts/http/transport.ts';
import { createMailer } from '../../alerts/mail-transport.ts';
import type { SendOutcome } from '../../alerts/retry.ts';
import { startReceiver, type Receiver, type Reply } from './helpers/receiver.ts';
import { sampleAlerts } from './helpers/alerts.ts';
import { startSmtp, type SmtpSink } from './helpers/smtp.ts';

const defaults = { timeoutSeconds: 10 };
const ctx = { id: 'msg_test', dashboardUrl: 'https://sspr.example.org/' };
const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

/**
 * One contract for every alert channel: render is pure and deterministic (snapshotted), and one send through a
 * real receiver on loopback reports delivered, retry (with Retry-After) or dead exactly as the status contract says.
 */
interface Case {
  name: string;
  make(target: { url: string; port: number }, timeoutSeconds?: number): { render(a: unknown, c: typeof ctx): unknown; send(m: unknown): Promise<SendOutcome> };
  /** Answers that mean: delivered, retry after 7 s, dead, and a receiver that never answers. */
  kind: 'http' | 'smtp';
}

let http: HttpTransport;
const side = (): HttpSide => ({ http, now: Date.now });
const bind = <M, T>(channel: Channel<M, T>, transport: T) => ({
  render: (a: unknown, c: typeof ctx) => channel.render(a as Parameters<Channel<M, T>['render']>[0], c),
  send: (m: unknown) => channel.send(m as M, transport),
});

const cases: Case[] = [
  { name: 'webhook (sspr)', kind: 'http', make: (t, s) => bind(webhookChannel(webhookChannelSchema.parse({ type: 'webhook', url: t.url, secret, allowPrivateNetwork: true, timeoutSeconds: s }), defaults), side()) },
  { name: 'webhook (ocsf)', kind: 'http', make: (t, s) => bind(webhookChannel(webhookChannelSchema.parse({ type: 'webhook', url: t.url, secret, format: 'ocsf', allowPrivateNetwork: true, timeoutSeconds: s }), defaults), side()) },
  { name: 'slack', kind: 'http', make: (t, s) => bind(slackChannel(slackChannelSchema.parse({ type: 'slack', url: t.url, allowPrivateNetwork: true, timeoutSeconds: s }), defaults), side()) },
  { name: 'teams', kind: 'http', make: (t, s) => bind(teamsChannel(teamsChannelSchema.parse({ type: 'teams', url: t.url, allowPrivateNetwork: true, timeoutSeconds: s }), defaults), side()) },
  {
    name: 'email',
    kind: 'smtp',
    make: (t, s) => {
      const config = emailChannelSchema.parse({ type: 'email', smtp: { host: '127.0.0.1', port: t.port }, from: 'sspr-watch <sspr@example.org>', to: ['oncall@example.org'], timeoutSeconds: s });
      return bind(emailChannel(config, defaults), createMailer(config.smtp, (s ?? 10) * 1000));
    },
  },
];

beforeAll(() => {
  http = createHttpTransport();
});
afterAll(async () => {
  await http.close();
});

describe.each(cases)('alert channel contract: $name', (c) => {
  const alerts = sampleAlerts();
  let script: Reply[] = [];
  let receiver: Receiver;
  let smtp: SmtpSink;
  let smtpCodes: Array<number | undefined> = [];
  beforeAll(async () => {
    receiver = await startReceiver(() => script.shift() ?? { status: 200 });
    smtp = await startSmtp({ rejectData: () => smtpCodes.shift() });
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });
  const target = () => (c.kind === 'http' ? { url: `${receiver.url}/hook`, port: receiver.port } : { url: '', port: smtp.port });

  it('renders each kind of alert the same way twice without touching the alert', () => {
    const channel = c.make({ url: 'https://receiver.example.org/hook', port: 25 });
    for (const [kind, alert] of Object.entries(alerts)) {
      const frozen = structuredClone(alert);
      const message = channel.render(alert, ctx);
      expect(channel.render(alert, ctx)).toEqual(message);
      expect(alert).toEqual(frozen);
      expect(message).toMatchSnapshot(kind);
    }
  });

  it('reports a 2xx or a 250 as delivered', async () => {
    const channel = c.make(target());
    expect(await channel.send(channel.render(alerts.created, ctx))).toMatchObject({ ok: true });
  });

  it('reports 503 with Retry-After and SMTP 451 as retryable, and 400 or SMTP 550 as dead', async () => {
    const channel = c.make(target());
    script = [{ status: 503, headers: { 'retry-after': '7' } }, { status: 400, body: 'invalid_payload' }];
    smtpCodes = [451, 550];
    const first = await channel.send(channel.render(alerts.created, ctx));
    const second = await channel.send(channel.render(alerts.created, ctx));
    expect(first).toMatchObject({ ok: false, retryable: true, code: c.kind === 'http' ? 503 : 451 });
    if (c.kind === 'http') expect(first).toMatchObject({ retryAfterMs: 7000 });
    expect(second).toMatchObject({ ok: false, retryable: false, code: c.kind === 'http' ? 400 : 550 });
    smtpCodes = [];
  });

  it('reports a receiver that never answers as a retryable timeout', async () => {
    if (c.kind === 'http') script = ['hang'];
    // An SMTP "receiver" that never answers: a TCP listener that accepts and says nothing.
    const silent = c.kind === 'smtp' ? await startReceiver() : undefined;
    const channel = c.make(c.kind === 'http' ? target() : { url: '', port: silent!.port }, 0.3);
    const outcome = await channel.send(channel.render(alerts.created, ctx));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect((outcome as { error: string }).error).toMatch(/timeout|Greeting never received|ETIMEDOUT/i);
    await silent?.close();
  });

  it('reports a refused connection as retryable', async () => {
    const closed = await startReceiver();
    await closed.close();
    const channel = c.make({ url: `${closed.url}/gone`, port: closed.port });
    expect(await channel.send(channel.render(alerts.created, ctx))).toMatchObject({ ok: false, retryable: true });
  });
});
