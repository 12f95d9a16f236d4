import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  mails: ParsedMail[];
  /** AUTH credentials the server saw (to check they arrive, and never appear in logs). */
  logins: Array<{ user: string; pass: string }>;
  waitFor(count: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, without STARTTLS, that parses every message with
 * mailparser. `rejectData(n)` may answer the n-th DATA with an SMTP error code (e.g. 451 or 550).
 */
export async function startSmtp(options: { rejectData?: (n: number) => number | undefined; auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const logins: Array<{ user: string; pass: string }> = [];
  const waiters: Array<{ count: number; resolve: (m: ParsedMail[]) => void }> = [];
  let dataCount = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      if (options.auth && (auth.username !== options.auth.user || auth.password !== options.auth.pass)) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      dataCount += 1;
      const code = options.rejectData?.(dataCount);
      simpleParser(stream).then(
        (mail) => {
          if (code !== undefined) return callback(Object.assign(new Error(`rejected with ${code}`), { responseCode: code }));
          mails.push(mail);
          for (const w of [...waiters]) {
            if (mails.length >= w.count) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(mails.slice());
            }
          }
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    logins,
    waitFor: (count) => (mails.length >= count ? Promise.resolve(mails.slice()) : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
