import type { Alert } from '../../core/alert.ts';
import type { AlertsConfig, ChannelConfig } from '../config.ts';
import type { HttpTransport } from '../http/transport.ts';
import type { SendOutcome } from '../retry.ts';
import type { Channel, HttpSide, RenderContext } from './channel.ts';
import { emailChannel, type Mailer } from './email.ts';
import { slackChannel } from './slack.ts';
import { teamsChannel } from './teams.ts';
import { webhookChannel } from './webhook.ts';

/** The transports channels send through: the shared HTTP client, an SMTP mailer per email channel, the clock. */
export interface Transports {
  http: HttpTransport;
  mailer(channel: string, smtp: Extract<ChannelConfig, { type: 'email' }>['smtp'], timeoutMs: number): Mailer;
  now(): number;
}

/** A configured channel ready to deliver an alert under its id: render, then send through its transport. */
export interface Sender {
  type: ChannelConfig['type'];
  /** Longest one attempt may take (the delivery loop leases an alert for twice this). */
  timeoutMs: number;
  send(alert: Alert, id: string): Promise<SendOutcome>;
}

/** Renders then sends through the transport the channel takes: one generic step for all four channel types. */
function deliverer<M, T>(channel: Channel<M, T>, transport: () => T, ctx: (id: string) => RenderContext): Sender['send'] {
  return (alert, id) => channel.send(channel.render(alert, ctx(id)), transport());
}

/** Binds every configured channel to the transports; the delivery loop looks senders up by channel name. */
export function bindChannels(config: AlertsConfig, transports: Transports): Map<string, Sender> {
  const defaults = { timeoutSeconds: config.timeoutSeconds };
  const side: HttpSide = { http: transports.http, now: transports.now };
  const ctx = (id: string): RenderContext => ({ id, ...(config.dashboardUrl !== undefined ? { dashboardUrl: config.dashboardUrl } : {}) });
  const senders = new Map<string, Sender>();
  for (const [name, channel] of Object.entries(config.channels)) {
    const timeoutMs = Math.round((channel.timeoutSeconds ?? config.timeoutSeconds) * 1000);
    const send =
      channel.type === 'email'
        ? deliverer(emailChannel(channel, defaults), () => transports.mailer(name, channel.smtp, timeoutMs), ctx)
        : channel.type === 'webhook'
          ? deliverer(webhookChannel(channel, defaults), () => side, ctx)
          : deliverer(channel.type === 'slack' ? slackChannel(channel, defaults) : teamsChannel(channel, defaults), () => side, ctx);
    senders.set(name, { type: channel.type, timeoutMs, send });
  }
  return senders;
}
