import nodemailer from 'nodemailer';
import type { EmailChannelConfig } from './config.ts';
import type { EmailMessage, Mailer } from './channels/email.ts';

/** A nodemailer SMTP transporter for one email channel, with the channel's timeout on every phase. */
export function createMailer(smtp: EmailChannelConfig['smtp'], timeoutMs: number): Mailer & { close(): void } {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.requireTLS !== undefined ? { requireTLS: smtp.requireTLS } : {}),
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    ...(smtp.tls ? { tls: smtp.tls } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // nodemailer's own logger stays off: it would print the SMTP conversation, AUTH included.
    logger: false,
    debug: false,
  });
  return {
    sendMail: (message: EmailMessage) => transporter.sendMail(message),
    close: () => transporter.close(),
  };
}
