import { SsprError } from '../../core/errors.ts';
import type { OutboxItem, OutboxStatus, Store } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, type Command, type CommandIo } from '../command.ts';
import { prepareDeliver, prepareTest } from './alerts-send.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

const statuses: readonly OutboxStatus[] = ['pending', 'held', 'digested', 'delivered', 'dead'];

/** One outbox row as `sspr alerts list --json` prints it (the alert body itself stays in the store). */
export function listRow(item: OutboxItem): Record<string, unknown> {
  const f = item.alert.finding;
  const { alert: _alert, ...row } = item;
  return {
    ...row,
    ...(f ? { severity: f.severity, detector: f.detector, summary: f.summary } : {}),
    ...(item.alert.digest ? { summary: `digest of ${item.alert.digest.entries.length} finding(s)` } : {}),
  };
}

function formatRows(items: readonly OutboxItem[]): string {
  if (items.length === 0) return 'no alerts\n';
  const lines = items.map((i) => {
    const what = i.alert.finding ? `${i.alert.finding.severity} ${i.alert.finding.detector}: ${i.alert.finding.summary}` : `digest of ${i.alert.digest?.entries.length ?? 0}`;
    const error = i.lastError && i.status !== 'delivered' ? `  [${i.lastError}]` : '';
    return `${i.status.padEnd(10)}${i.id}  ${i.channel.padEnd(10)} ${i.type.padEnd(18)} tries ${String(i.attempts).padEnd(3)} ${what.slice(0, 90)}${error}`;
  });
  return `${lines.join('\n')}\n`;
}

function limitOf(values: Values): number {
  const text = stringOption(values, 'limit');
  if (text === undefined) return 1000;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new SsprError('USAGE', `--limit must be a whole number, got "${text}"`);
  return n;
}

async function list(store: Store, values: Values, io: CommandIo): Promise<number> {
  const status = stringOption(values, 'status');
  if (status !== undefined && !statuses.includes(status as OutboxStatus)) throw new SsprError('USAGE', `--status must be one of ${statuses.join(', ')}`);
  const items = await store.listAlerts({ ...(status ? { status: status as OutboxStatus } : {}), limit: limitOf(values) });
  io.stdout(values.json ? `${JSON.stringify(items.map(listRow))}\n` : formatRows(items));
  return EXIT.ok;
}

async function dlq(store: Store, values: Values, io: CommandIo): Promise<number> {
  const replay = values.replay;
  const ids = Array.isArray(replay) ? replay : typeof replay === 'string' ? [replay] : [];
  if (ids.length === 0 && values['replay-all'] !== true) {
    const dead = await store.listAlerts({ status: 'dead', limit: limitOf(values) });
    io.stdout(values.json ? `${JSON.stringify(dead.map(listRow))}\n` : formatRows(dead));
    return EXIT.ok;
  }
  const now = new Date().toISOString();
  if (values['replay-all'] === true) {
    const n = await store.replayDeadAlerts('all', now);
    io.stdout(values.json ? `${JSON.stringify({ replayed: n })}\n` : `replayed ${n} dead letter(s); they go out on the next sspr alerts deliver or sspr detect\n`);
    return EXIT.ok;
  }
  for (const id of ids) {
    const item = await store.getAlert(id);
    if (!item) throw new SsprError('ALERT_NOT_FOUND', `no alert ${id} in the outbox`);
    if (item.status !== 'dead') throw new SsprError('ALERT_NOT_FOUND', `alert ${id} is ${item.status}, not a dead letter`);
  }
  const n = await store.replayDeadAlerts(ids, now);
  io.stdout(values.json ? `${JSON.stringify({ replayed: n })}\n` : `replayed ${n} dead letter(s); they go out on the next sspr alerts deliver or sspr detect\n`);
  return EXIT.ok;
}

/** `sspr alerts`: the alert outbox — deliver, list, dead letters and replay, test a route. */
export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'deliver, list, replay and test alerts (email, signed webhooks, Slack, Teams)',
  usage: [
    'sspr alerts deliver --config FILE [--until-idle] [--max-seconds N] [--json]',
    '       sspr alerts list [--status pending|held|digested|delivered|dead] [--limit N] [--json]',
    '       sspr alerts dlq [--replay ID]... [--replay-all] [--json]',
    '       sspr alerts test --route NAME --config FILE [--json]',
    '       (each also takes --db PATH)',
  ].join('\n'),
  options: {
    config: { type: 'string' },
    'until-idle': { type: 'boolean' },
    'max-seconds': { type: 'string' },
    status: { type: 'string' },
    limit: { type: 'string' },
    replay: { type: 'string', multiple: true },
    'replay-all': { type: 'boolean' },
    route: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new SsprError('USAGE', `unexpected argument "${extra[0]}"\nusage: ${this.usage}`);
    if (sub !== 'deliver' && sub !== 'list' && sub !== 'dlq' && sub !== 'test') {
      throw new SsprError('USAGE', `${sub === undefined ? 'a subcommand is needed' : `unknown subcommand "${sub}"`}\nusage: ${this.usage}`);
    }
    // deliver and test validate their config before the store opens: a bad field fails at start (exit 2).
    const work: (store: Store) => Promise<number> =
      sub === 'deliver' ? prepareDeliver(values, io) : sub === 'test' ? prepareTest(values, io) : sub === 'list' ? (s) => list(s, values, io) : (s) => dlq(s, values, io);
    const store = openStore(values, io.env);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  },
};
