import type { Logger } from '../core/logger.ts';
import { bindChannels, type Sender } from './channels/index.ts';
import type { Mailer } from './channels/email.ts';
import type { AlertsConfig } from './config.ts';
import { createHttpTransport, type HttpTransportOptions } from './http/transport.ts';
import { createMailer } from './mail-transport.ts';

/** The senders of every configured channel over real transports, and how to close them when done. */
export interface AlertRuntime {
  senders: Map<string, Sender>;
  close(): Promise<void>;
}

/** Opens the HTTP client and (lazily) one SMTP transporter per email channel. */
export function openAlertRuntime(config: AlertsConfig, options: { http?: HttpTransportOptions; now?: () => number; log?: Logger } = {}): AlertRuntime {
  const http = createHttpTransport({ connectionsPerOrigin: config.concurrency, ...options.http });
  const mailers = new Map<string, Mailer & { close(): void }>();
  const senders = bindChannels(config, {
    http,
    now: options.now ?? Date.now,
    mailer(channel, smtp, timeoutMs) {
      let mailer = mailers.get(channel);
      if (!mailer) {
        mailer = createMailer(smtp, timeoutMs);
        mailers.set(channel, mailer);
      }
      return mailer;
    },
  });
  return {
    senders,
    async close() {
      for (const mailer of mailers.values()) mailer.close();
      await http.close();
    },
  };
}
