import { pino, type Logger } from 'pino';

/**
 * The root logger: JSON lines on stderr (stdout belongs to command output), secrets redacted.
 * Modules take a child: `logger.child({ module: 'ingest' })`. Level from SSPR_LOG_LEVEL (default `warn`
 * for the CLI, so a terminal shows results, not chatter).
 */
export const logger: Logger = pino(
  {
    level: process.env.SSPR_LOG_LEVEL ?? 'warn',
    redact: {
      paths: ['*.password', '*.token', '*.secret', '*.authorization', '*.apiKey', '*.pass', '*.secrets', '*.auth', '*.smtp.auth', '*.headers'],
      censor: '[redacted]',
    },
    base: { app: 'sspr-watch' },
  },
  pino.destination(2),
);

export type { Logger };
