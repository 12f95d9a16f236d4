import type { Alert } from '../../core/alert.ts';
import type { EmailChannelConfig } from '../config.ts';
import type { SendOutcome } from '../retry.ts';
import type { Channel, RenderContext } from './channel.ts';
import { briefOf, digestBriefOf } from './compose.ts';
import { digestEmail, findingEmail } from './email-body.ts';

/** A rendered email, in nodemailer's message shape. */
export interface EmailMessage {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** `<webhook-id@sspr-watch>`: one message id per alert, the same on every retry. */
  messageId: string;
  /** Threads every alert of one finding together in mail clients. */
  references?: string;
  headers: Record<string, string>;
}

/** The SMTP side: a nodemailer transporter (or anything with its `sendMail`). */
export interface Mailer {
  sendMail(message: EmailMessage): Promise<{ accepted?: unknown[]; rejected?: unknown[]; response?: string }>;
}

const TRANSIENT = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPROTOCOL']);

/**
 * SMTP reply codes decide as HTTP statuses do: 4xx is transient (retry), 5xx permanent (dead letter,
 * RFC 5321 §4.2.1); a connection, socket or timeout failure is retried.
 */
export function smtpOutcome(error: unknown): SendOutcome {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const code = e.responseCode;
  const reason = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 200);
  if (code !== undefined && code >= 500) return { ok: false, retryable: false, code, error: `SMTP ${code}: ${reason}` };
  if (code !== undefined && code >= 400) return { ok: false, retryable: true, code, error: `SMTP ${code}: ${reason}` };
  const retryable = e.code === undefined || TRANSIENT.has(e.code) || e.code === 'EENVELOPE';
  return { ok: false, retryable, error: `${e.code ?? 'SMTP'}: ${reason}` };
}

/** Email to the on-call list: an HTML and a plain-text part with the same essentials. */
export function emailChannel(config: EmailChannelConfig, defaults: { timeoutSeconds: number }): Channel<EmailMessage, Mailer> & { timeoutMs: number } {
  const timeoutMs = Math.round((config.timeoutSeconds ?? defaults.timeoutSeconds) * 1000);
  return {
    type: 'email',
    timeoutMs,
    render(alert: Alert, ctx: RenderContext): EmailMessage {
      const base = { from: config.from, to: config.to, ...(config.cc ? { cc: config.cc } : {}), messageId: `<${ctx.id}@sspr-watch>` };
      if (alert.finding) {
        const brief = briefOf(alert, alert.finding, ctx.dashboardUrl);
        return {
          ...base,
          subject: brief.title,
          ...findingEmail(brief),
          references: `<finding-${alert.finding.id}@sspr-watch>`,
          headers: { 'X-SSPR-Finding': alert.finding.id, 'X-SSPR-Severity': alert.finding.severity, 'X-SSPR-Alert-Type': alert.type },
        };
      }
      const digest = digestBriefOf(alert, ctx.dashboardUrl);
      return { ...base, subject: digest.title, ...digestEmail(digest), headers: { 'X-SSPR-Alert-Type': alert.type } };
    },
    async send(message: EmailMessage, mailer: Mailer): Promise<SendOutcome> {
      let timer: NodeJS.Timeout | undefined;
      // nodemailer's timeouts are per phase; this bounds the whole exchange so a lease never runs out mid-send.
      const overall = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      });
      try {
        const info = await Promise.race([mailer.sendMail(message), overall]);
        return { ok: true, ...(info.response ? { code: Number(info.response.slice(0, 3)) || 250 } : {}) };
      } catch (error) {
        return smtpOutcome(error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
