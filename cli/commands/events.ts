import type { Action } from '../../core/event.ts';
import { actionSchema } from '../../core/event.ts';
import { SsprError } from '../../core/errors.ts';
import type { EventQuery } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, timeOption, type Command } from '../command.ts';

/** `sspr events`: query stored events by user, IP, time and action. */
export const eventsCommand: Command = {
  name: 'events',
  summary: 'query stored events by user, IP, time or action',
  usage: 'sspr events [--user UPN] [--ip IP] [--since TIME] [--until TIME] [--action A]... [--limit N] [--db PATH] [--json]',
  options: {
    user: { type: 'string' },
    ip: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    action: { type: 'string', multiple: true },
    limit: { type: 'string' },
  },
  async run({ values }, io) {
    const actions = (values.action as string[] | undefined) ?? [];
    for (const a of actions) {
      if (!actionSchema.safeParse(a).success) throw new SsprError('USAGE', `unknown --action "${a}"; known: ${actionSchema.options.join(', ')}`);
    }
    const limitText = stringOption(values, 'limit') ?? '1000';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) throw new SsprError('USAGE', `--limit must be a whole number, got "${limitText}"`);
    const query: EventQuery = { limit };
    const user = stringOption(values, 'user');
    const ip = stringOption(values, 'ip');
    const from = timeOption(values, 'since');
    const to = timeOption(values, 'until');
    if (user !== undefined) query.user = user;
    if (ip !== undefined) query.ip = ip;
    if (from !== undefined) query.from = from;
    if (to !== undefined) query.to = to;
    if (actions.length > 0) query.actions = actions as Action[];
    const store = openStore(values, io.env);
    try {
      const events = [];
      for await (const event of store.queryEvents(query)) events.push(event);
      if (values.json) {
        io.stdout(`${JSON.stringify(events)}\n`);
        return EXIT.ok;
      }
      for (const e of events) {
        const where = [e.source?.ip, e.source?.geo?.city ?? e.source?.geo?.country].filter(Boolean).join(' ');
        io.stdout(`${e.timestamp}  ${e.action.padEnd(22)} ${e.outcome.padEnd(8)} ${e.user.name.padEnd(32)} ${e.actor.kind.padEnd(9)} ${where}\n`);
      }
      io.stdout(`${events.length} event(s)${events.length === limit ? ` (limit ${limit}; raise --limit for more)` : ''}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
