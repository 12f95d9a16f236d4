import { SsprError } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import { formatIds } from '../../ingest/formats/index.ts';
import { ingestPaths, type IngestSummary } from '../../ingest/ingest.ts';
import { EXIT, openStore, stringOption, timeOption, type Command } from '../command.ts';

/** `sspr ingest <files or folders...>`: streams log exports into the store. */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'read log exports (files or folders) into the store',
  usage: 'sspr ingest <files or folders...> [--format ID] [--as-of TIME] [--db PATH] [--json]',
  options: { format: { type: 'string' }, 'as-of': { type: 'string' } },
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new SsprError('USAGE', `name at least one file or folder\nusage: ${this.usage}`);
    const format = stringOption(values, 'format');
    if (format !== undefined && !formatIds.includes(format)) {
      throw new SsprError('USAGE', `unknown --format "${format}"; known: ${formatIds.join(', ')}`);
    }
    const asOf = timeOption(values, 'as-of');
    const store = openStore(values, io.env);
    const started = performance.now();
    let lastDraw = 0;
    try {
      const summary = await ingestPaths(store, positionals, {
        ...(format !== undefined ? { format } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
        onProgress: io.interactive
          ? ({ bytesRead, bytesTotal, summary: s }) => {
              const now = performance.now();
              if (now - lastDraw < 100 && bytesRead < bytesTotal) return;
              lastDraw = now;
              io.stderr(`\r${progressLine(bytesRead, bytesTotal, s.read, (now - started) / 1000)}`);
            }
          : undefined,
      });
      if (io.interactive) io.stderr('\r\x1b[K');
      const seconds = (performance.now() - started) / 1000;
      const { bySource: _bySource, snapshots: _snapshots, ...counts } = summary;
      logger.child({ module: 'ingest' }).info({ ...counts, seconds }, 'ingest finished');
      io.stdout(values.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, seconds));
      return summary.quarantined > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

function progressLine(bytesRead: number, bytesTotal: number, records: number, seconds: number): string {
  const share = bytesTotal > 0 ? bytesRead / bytesTotal : 1;
  const width = 30;
  const filled = Math.round(share * width);
  const rate = seconds > 0 ? Math.round(records / seconds) : 0;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${mb(bytesRead)}/${mb(bytesTotal)} MB  ${records.toLocaleString('en-US')} records  ${rate.toLocaleString('en-US')}/s`;
}

function formatSummary(s: IngestSummary, seconds: number): string {
  const lines = [
    `ingested ${s.files} file(s) in ${seconds.toFixed(1)} s: ${s.read} read, ${s.accepted} accepted, ${s.skipped} skipped, ${s.duplicates} duplicates, ${s.quarantined} quarantined`,
  ];
  const sources = Object.entries(s.bySource).sort(([a], [b]) => a.localeCompare(b));
  if (sources.length > 0) {
    lines.push('', `  ${'source'.padEnd(28)}${['read', 'accepted', 'skipped', 'duplicates', 'quarantined'].map((h) => h.padStart(12)).join('')}`);
    for (const [name, c] of sources) {
      lines.push(`  ${name.padEnd(28)}${[c.read, c.accepted, c.skipped, c.duplicates, c.quarantined].map((n) => String(n).padStart(12)).join('')}`);
    }
  }
  for (const snap of s.snapshots) lines.push(`  snapshot ${snap.kind}: ${snap.rows} rows as of ${snap.takenAt} (${snap.source})`);
  const reasons = Object.entries(s.quarantineReasons);
  if (reasons.length > 0) {
    lines.push('', `  quarantined by reason: ${reasons.map(([code, n]) => `${code} ${n}`).join(', ')}`);
    lines.push('  (kept with their raw text and reason: `sspr quarantine list` shows them, `sspr quarantine retry` re-parses them after an upgrade)');
  }
  return `${lines.join('\n')}\n`;
}
