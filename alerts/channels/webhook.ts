import type { Alert } from '../../core/alert.ts';
import type { Finding } from '../../core/finding.ts';
import type { WebhookChannelConfig } from '../config.ts';
import type { SendOutcome } from '../retry.ts';
import type { Channel, HttpSide, RenderContext } from './channel.ts';
import { findingUrl } from './compose.ts';
import { postOutcome } from './http-send.ts';
import { detectionFinding } from './ocsf.ts';
import { webhookHeaders, webhookKey } from './sign.ts';

/** A rendered webhook: where, the message id that becomes `webhook-id`, and the exact body bytes to sign. */
export interface WebhookMessage {
  url: string;
  id: string;
  body: string;
}

const withUrl = (finding: Finding, dashboardUrl: string | undefined): Record<string, unknown> => {
  const url = findingUrl(dashboardUrl, finding.id);
  return url !== undefined ? { ...finding, url } : { ...finding };
};

/**
 * Body for `format: "sspr"`: `{"type","timestamp","data":{<finding as sspr findings --json prints it>,"url"}}`;
 * a digest's data lists its findings. `reasons` (why an update was sent) and `test` extend it at the top level.
 */
export function ssprBody(alert: Alert, dashboardUrl: string | undefined): Record<string, unknown> {
  const head = { type: alert.type, timestamp: alert.at, ...(alert.reasons.length > 0 ? { reasons: alert.reasons } : {}), ...(alert.test ? { test: true } : {}) };
  if (alert.finding) return { ...head, data: withUrl(alert.finding, dashboardUrl) };
  const d = alert.digest;
  return {
    ...head,
    data: {
      route: d?.route,
      why: d?.why,
      from: d?.from,
      to: d?.to,
      count: d?.entries.length ?? 0,
      findings: (d?.entries ?? []).map((e) => ({ ...withUrl(e.finding, dashboardUrl), alert: e.type, reasons: e.reasons })),
    },
  };
}

/** Body for `format: "ocsf"`: one OCSF Detection Finding; a digest is a JSON array of them. */
export function ocsfBody(alert: Alert, id: string, dashboardUrl: string | undefined): unknown {
  if (alert.finding) return detectionFinding(alert.finding, alert, id, dashboardUrl);
  return (alert.digest?.entries ?? []).map((e) => detectionFinding(e.finding, { ...alert, type: e.type, reasons: e.reasons }, id, dashboardUrl));
}

/** The signed SOC webhook (Standard Webhooks): POST, JSON, `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export function webhookChannel(config: WebhookChannelConfig, defaults: { timeoutSeconds: number }): Channel<WebhookMessage, HttpSide> {
  const keys = (Array.isArray(config.secret) ? config.secret : [config.secret]).map(webhookKey);
  const timeoutMs = Math.round((config.timeoutSeconds ?? defaults.timeoutSeconds) * 1000);
  return {
    type: 'webhook',
    render(alert: Alert, ctx: RenderContext): WebhookMessage {
      const body = config.format === 'ocsf' ? ocsfBody(alert, ctx.id, ctx.dashboardUrl) : ssprBody(alert, ctx.dashboardUrl);
      return { url: config.url, id: ctx.id, body: JSON.stringify(body) };
    },
    send(message: WebhookMessage, side: HttpSide): Promise<SendOutcome> {
      // Signed at send time: each attempt carries its own timestamp, so a retry hours later is not "stale".
      const headers = { 'content-type': 'application/json', 'user-agent': 'sspr-watch', ...webhookHeaders(keys, message.id, side.now(), message.body) };
      return postOutcome(side, {
        url: message.url,
        headers,
        body: message.body,
        timeoutMs,
        allowPrivateNetwork: config.allowPrivateNetwork,
        maxRedirects: config.maxRedirects,
      });
    },
  };
}
