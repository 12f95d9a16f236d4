import type { Breakdown, Kpi, KpiFamily, KpiReport } from './report.ts';

/**
 * The terminal rendering of a KPI report: one section per family, each KPI as `label  value  (id)` with its
 * method sentence (or why it is not available) under it, and its breakdown tables, long ones cut short.
 */

const FAMILY_TITLES: Readonly<Record<KpiFamily, string>> = {
  adoption: 'Adoption',
  channels: 'Resets by channel and ticket reduction',
  ttr: 'Time to resolution',
  cost: 'Cost saved',
  posture: 'Security posture of SSPR',
};

const COUNT_UNITS = new Set(['users', 'resets', 'unlocks', 'tickets', 'flows', 'events']);

/** A value with its unit, for people: ratios as percentages, minutes and money with two decimals. */
export function formatValue(kpi: Pick<Kpi, 'value' | 'unit'>): string {
  const { value, unit } = kpi;
  if (value === null) return 'n/a';
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'minutes') return `${value.toFixed(1)} min`;
  if (COUNT_UNITS.has(unit)) return `${Number.isInteger(value) ? value : value.toFixed(2)} ${unit}`;
  if (/^[A-Z]{3}$/.test(unit)) return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${unit}`;
  return `${value} ${unit}`;
}

function cell(value: string | number | null): string {
  if (value === null) return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  return value;
}

/** A breakdown table as aligned text, at most `maxRows` rows. */
function table(name: string, rows: Breakdown[string], maxRows: number): string[] {
  if (rows.length === 0) return [`      ${name}: (none)`];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const shown = rows.slice(0, maxRows).map((r) => columns.map((c) => cell(r[c] ?? null)));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...shown.map((r) => r[i]!.length))));
  const line = (cells: readonly string[]): string => `        ${cells.map((v, i) => v.slice(0, 60).padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const out = [`      ${name}:`, line(columns), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`        … ${rows.length - maxRows} more (use --json for all)`);
  return out;
}

/** Renders the report for a terminal. `maxRows` caps each breakdown table. */
export function formatKpiReport(report: KpiReport, options: { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 10;
  const lines: string[] = [];
  const period = `${report.period.from ?? '(no start)'} → ${report.period.to ?? '(no end)'}`;
  lines.push(`SSPR KPIs for ${period}`);
  if (report.asOf !== null) lines.push(`Point-in-time figures (adoption, registered methods) as of ${report.asOf}`);
  const families = Object.keys(FAMILY_TITLES) as KpiFamily[];
  const labelWidth = Math.max(...report.kpis.map((k) => k.label.length), 10);
  for (const family of families) {
    const kpis = report.kpis.filter((k) => k.family === family);
    if (kpis.length === 0) continue;
    lines.push('', FAMILY_TITLES[family], '-'.repeat(FAMILY_TITLES[family].length));
    for (const kpi of kpis) {
      lines.push(`  ${kpi.label.padEnd(labelWidth)}  ${formatValue(kpi).padStart(16)}  (${kpi.id})`);
      if (!kpi.available && kpi.why !== undefined) lines.push(`      ${kpi.why}`);
      lines.push(`      method: ${kpi.method}`);
      for (const [name, rows] of Object.entries(kpi.breakdown ?? {})) lines.push(...table(name, rows, maxRows));
    }
  }
  return `${lines.join('\n')}\n`;
}
