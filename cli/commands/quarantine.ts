import { SsprError } from '../../core/errors.ts';
import { retryQuarantine } from '../../ingest/retry-quarantine.ts';
import type { QuarantineEntry, QuarantineQuery, Store } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, type Command, type CommandIo } from '../command.ts';
import { formatEntry, formatList, formatRetry, QUARANTINE_CODES } from '../quarantine-text.ts';

const USAGE = 'sspr quarantine list [--code C] [--source S] [--limit N] | show KEY | retry [--code C] [--source S]  [--db PATH] [--json]';

/** The JSON form of an entry: the contract fields, in this order. */
function entryJson(e: QuarantineEntry): Record<string, unknown> {
  return { key: e.key, source: e.source, locator: e.locator, format: e.format ?? null, code: e.code, reason: e.reason, raw: e.raw, rawBytes: e.rawBytes, receivedAt: e.receivedAt };
}

function filterOf(values: Record<string, unknown>): Pick<QuarantineQuery, 'code' | 'source'> {
  const code = stringOption(values, 'code');
  const source = stringOption(values, 'source');
  if (code !== undefined && !(QUARANTINE_CODES as readonly string[]).includes(code)) {
    throw new SsprError('USAGE', `--code must be one of ${QUARANTINE_CODES.join(', ')}`);
  }
  return { ...(code !== undefined ? { code } : {}), ...(source !== undefined ? { source } : {}) };
}

function limitOf(values: Record<string, unknown>): number {
  const text = stringOption(values, 'limit');
  if (text === undefined) return 100;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new SsprError('USAGE', `--limit must be a whole number (0 for all), got "${text}"`);
  return n === 0 ? Number.POSITIVE_INFINITY : n;
}

/** Pages through the matching entries, in (receivedAt, key) order, at most `limit`. */
async function* entries(store: Store, filter: Pick<QuarantineQuery, 'code' | 'source'>, limit: number): AsyncGenerator<QuarantineEntry> {
  let after: QuarantineQuery['after'];
  let left = limit;
  while (left > 0) {
    const page = await store.queryQuarantine({ ...filter, limit: Math.min(500, left), ...(after ? { after } : {}) });
    for (const e of page) yield e;
    if (page.length === 0) return;
    left -= page.length;
    const last = page[page.length - 1]!;
    after = { receivedAt: last.receivedAt, key: last.key };
  }
}

async function list(store: Store, values: Record<string, unknown>, io: CommandIo): Promise<number> {
  const filter = filterOf(values);
  const limit = limitOf(values);
  if (values.json) {
    // Streamed: a quarantine can hold millions of records; memory stays one page.
    let first = true;
    io.stdout('[');
    for await (const e of entries(store, filter, limit)) {
      io.stdout(`${first ? '' : ','}${JSON.stringify(entryJson(e))}`);
      first = false;
    }
    io.stdout(']\n');
    return EXIT.ok;
  }
  const shown: QuarantineEntry[] = [];
  for await (const e of entries(store, filter, limit)) shown.push(e);
  const total = await store.countQuarantine(filter);
  const byCode: Array<[string, number]> = [];
  for (const code of QUARANTINE_CODES) {
    if (filter.code !== undefined && filter.code !== code) continue;
    const n = await store.countQuarantine({ ...filter, code });
    if (n > 0) byCode.push([code, n]);
  }
  io.stdout(formatList(shown, total, byCode));
  return EXIT.ok;
}

async function show(store: Store, key: string | undefined, values: Record<string, unknown>, io: CommandIo): Promise<number> {
  if (key === undefined || !/^[0-9a-f]{4,64}$/i.test(key)) throw new SsprError('USAGE', `name the key of a quarantined record (at least its first 4 hex characters)\nusage: ${USAGE}`);
  const found = await store.queryQuarantine({ keyPrefix: key, limit: 2 });
  if (found.length === 0) throw new SsprError('QUARANTINE_KEY_UNKNOWN', `no quarantined record has a key starting with ${key} (sspr quarantine list shows them)`);
  if (found.length > 1) throw new SsprError('USAGE', `more than one quarantined record has a key starting with ${key}: give more of it`);
  const entry = found[0]!;
  io.stdout(values.json ? `${JSON.stringify(entryJson(entry))}\n` : formatEntry(entry));
  return EXIT.ok;
}

async function retry(store: Store, values: Record<string, unknown>, io: CommandIo): Promise<number> {
  const summary = await retryQuarantine(store, filterOf(values));
  io.stdout(values.json ? `${JSON.stringify(summary)}\n` : formatRetry(summary));
  return summary.stillQuarantined + summary.notRetryable > 0 ? EXIT.partial : EXIT.ok;
}

/** `sspr quarantine list|show|retry`: see, inspect and re-parse the records ingest refused. */
export const quarantineCommand: Command = {
  name: 'quarantine',
  summary: 'list, show and retry the records ingest refused',
  usage: USAGE,
  options: { code: { type: 'string' }, source: { type: 'string' }, limit: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [action, key, ...extra] = positionals;
    if (action === undefined || !['list', 'show', 'retry'].includes(action) || extra.length > 0 || (action !== 'show' && key !== undefined)) {
      throw new SsprError('USAGE', `name one of list, show KEY, retry\nusage: ${USAGE}`);
    }
    const store = openStore(values, io.env);
    try {
      if (action === 'list') return await list(store, values, io);
      if (action === 'show') return await show(store, key, values, io);
      return await retry(store, values, io);
    } finally {
      await store.close();
    }
  },
};
