import { configPath, loadConfig } from '../../core/config.ts';
import { SsprError } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import { resolveCredential } from '../../ingest/sources/log-analytics/credential.ts';
import type { PullSummary } from '../../ingest/sources/log-analytics/pull.ts';
import { DEFAULT_ENDPOINT, DEFAULT_TABLES, parseLogAnalyticsSettings } from '../../ingest/sources/log-analytics/settings.ts';
import { realClock, runLogAnalyticsPull } from '../../pipeline/pull-log-analytics.ts';
import { EXIT, openStore, stringOption, type Command } from '../command.ts';
import { parseDuration, parseTimeOrAgo } from '../durations.ts';

const USAGE =
  'sspr pull log-analytics --workspace ID [--tables AuditLogs,SigninLogs,AADNonInteractiveUserSignInLogs] [--since TIME] ' +
  '[--follow [--every 60s]] [--endpoint URL] [--overlap 30m] [--access-token-file F] [--config FILE] [--db PATH] [--json]';

/** `sspr pull log-analytics`: reads Entra tables from a Log Analytics workspace into the store. */
export const pullCommand: Command = {
  name: 'pull',
  summary: 'read Entra tables from Log Analytics into the store (once, or --follow)',
  usage: USAGE,
  options: {
    workspace: { type: 'string' },
    tables: { type: 'string' },
    since: { type: 'string' },
    follow: { type: 'boolean' },
    every: { type: 'string' },
    endpoint: { type: 'string' },
    overlap: { type: 'string' },
    'access-token-file': { type: 'string' },
    config: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [kind, ...extra] = positionals;
    if (kind !== 'log-analytics' || extra.length > 0) {
      throw new SsprError('USAGE', `${kind === undefined ? 'name a source' : `unknown source "${[kind, ...extra].join(' ')}"`}: log-analytics\nusage: ${USAGE}`);
    }
    const settings = parseLogAnalyticsSettings(loadConfig(configPath(stringOption(values, 'config'), io.env)).logAnalytics);
    const workspace = stringOption(values, 'workspace') ?? settings.workspace;
    if (workspace === undefined || workspace.trim() === '') throw new SsprError('USAGE', `--workspace is required (or logAnalytics.workspace in the config)\nusage: ${USAGE}`);
    const tables = tablesOption(stringOption(values, 'tables')) ?? settings.tables ?? [...DEFAULT_TABLES];
    const endpoint = endpointOption(stringOption(values, 'endpoint') ?? settings.endpoint ?? DEFAULT_ENDPOINT);
    const since = stringOption(values, 'since');
    const every = stringOption(values, 'every');
    const overlap = stringOption(values, 'overlap');
    if (every !== undefined && values.follow !== true) throw new SsprError('USAGE', `--every needs --follow\nusage: ${USAGE}`);
    const everyMs = every !== undefined ? parseDuration(every, 'every') : settings.everySeconds * 1000;
    if (everyMs <= 0) throw new SsprError('USAGE', '--every must be longer than 0');
    const tokenFile = stringOption(values, 'access-token-file');
    const { credential, kind: credentialKind } = await resolveCredential({
      ...(tokenFile !== undefined ? { tokenFile } : {}),
      ...(io.env.SSPR_LA_TOKEN !== undefined ? { envToken: io.env.SSPR_LA_TOKEN } : {}),
    });

    const log = logger.child({ module: 'pull' });
    log.info({ workspace, tables, endpoint, credential: credentialKind }, 'pull starting');
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while stopping is a user who does not want to wait: leave at once (128 + SIGINT).
      if (stop.signal.aborted) process.exit(130);
      log.info({ signal }, 'stopping: the request in flight is abandoned, stored slices stay checkpointed');
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const store = openStore(values, io.env);
    try {
      const result = await runLogAnalyticsPull(
        store,
        {
          workspace,
          tables,
          endpoint,
          credential,
          settings,
          ...(since !== undefined ? { sinceMs: parseTimeOrAgo(since, 'since', Date.now()) } : {}),
          overlapMs: overlap !== undefined ? parseDuration(overlap, 'overlap') : settings.overlapMinutes * 60_000,
          follow: values.follow === true,
          everyMs,
        },
        {
          now: Date.now,
          clock: realClock,
          log,
          signal: stop.signal,
          onRound: (summary) => io.stdout(values.json ? `${JSON.stringify(summary)}\n` : describePull(summary)),
        },
      );
      for (const f of result.failed) io.stderr(`sspr pull: ${f.code}: ${f.table}: ${f.message}\n`);
      if (result.failed.length > 0) return EXIT.fatal;
      return result.quarantined > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await store.close();
    }
  },
};

function tablesOption(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const tables = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const bad = tables.find((t) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t));
  if (tables.length === 0 || bad !== undefined) throw new SsprError('USAGE', `--tables takes comma-separated table names, got "${text}"`);
  return tables;
}

function endpointOption(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new SsprError('USAGE', `--endpoint must be a URL such as ${DEFAULT_ENDPOINT}, got "${text}"`, { cause });
  }
  // The client refuses to send a bearer token over plain HTTP, and so should we.
  if (url.protocol !== 'https:') throw new SsprError('USAGE', `--endpoint must be https (a bearer token goes with every request), got "${text}"`);
  return text.replace(/\/+$/, '');
}

export function describePull(s: PullSummary): string {
  const lines = [
    `pull ${s.workspace}${s.stopped ? ' (stopped)' : ''}: ${s.read} read, ${s.accepted} accepted, ${s.skipped} skipped, ${s.duplicates} duplicates, ${s.quarantined} quarantined`,
  ];
  for (const [table, t] of Object.entries(s.tables)) {
    const state = t.error ? `FAILED ${t.error.code}` : `checkpoint ${t.checkpoint ?? '-'}`;
    lines.push(`  ${table.padEnd(32)} ${String(t.accepted).padStart(8)} new ${String(t.duplicates).padStart(8)} dup  ${t.slices} slice(s), ${t.splits} split(s)  ${state}`);
  }
  return `${lines.join('\n')}\n`;
}
