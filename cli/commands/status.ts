import { pipelineStatus, type PipelineStatus } from '../../pipeline/status.ts';
import { EXIT, openStore, type Command } from '../command.ts';

/** `sspr status`: per pull-source table, the checkpoint and how far behind now it is. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'show each pull source table\'s checkpoint and ingestion lag',
  usage: 'sspr status [--db PATH] [--json]',
  options: {},
  async run({ values }, io) {
    const store = openStore(values, io.env);
    try {
      const status = await pipelineStatus(store, Date.now());
      io.stdout(values.json ? `${JSON.stringify(status)}\n` : describeStatus(status));
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function describeStatus(status: PipelineStatus): string {
  const rows = Object.entries(status.sources).flatMap(([table, s]) =>
    Object.entries(s.workspaces).map(([ws, p]) => [table, ws, p.checkpoint, ago(p.lagSeconds), p.newestEvent ?? '-', p.lastPullAt]),
  );
  if (rows.length === 0) return `no pull source has run yet (as of ${status.asOf}); start one with sspr pull log-analytics\n`;
  const head = ['table', 'workspace', 'checkpoint', 'lag', 'newest event', 'last pull'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[`sources as of ${status.asOf}`, '', line(head), ...rows.map(line)].join('\n')}\n`;
}
