import { SsprError } from '../../core/errors.ts';
import { stringOption, type Command } from '../command.ts';

/** A `--port` value: 0 (any free port) to 65535. */
export function portOption(values: Record<string, unknown>): number {
  const text = stringOption(values, 'port') ?? '8080';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SsprError('USAGE', `--port must be 0-65535, got "${text}"`);
  return port;
}

/** `sspr serve`: the dashboard and its API. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the dashboard and its API (/api/v1, OpenAPI at /api/v1/openapi.json)',
  usage: 'sspr serve [--host 127.0.0.1] [--port 8080] [--config FILE] [--db PATH]',
  options: { host: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' } },
  async run({ values }, io) {
    // Loaded only for this command: express, helmet and openid-client stay out of every other command's start-up.
    const { serveDashboard } = await import('../serve-dashboard.ts');
    return serveDashboard({ host: stringOption(values, 'host') ?? '127.0.0.1', port: portOption(values), config: stringOption(values, 'config'), db: stringOption(values, 'db') }, io);
  },
};
