import type { ReactNode } from 'react';
import type { Kpi } from '../../../../kpi/report.ts';
import { DataTable } from '../components/DataTable.tsx';
import { download, toCsv } from '../csv.ts';
import { kpiText, periodText } from '../format.ts';

type Cell = string | number | null | undefined;

export interface FigureProps {
  title: string;
  /** The KPIs the figure is about: headline values, their methods and period. */
  kpis: ReadonlyArray<Kpi | undefined>;
  chart?: ReactNode;
  /** The numbers behind the chart (also what the CSV holds). */
  columns: ReadonlyArray<{ key: string; label: string; format?: (v: Cell) => string }>;
  rows: ReadonlyArray<Record<string, Cell>>;
  csvName: string;
}

/** One leadership figure: headline values, a chart, its numbers in a table, the method sentences and period, CSV export. */
export function Figure({ title, kpis, chart, columns, rows, csvName }: FigureProps) {
  const present = kpis.filter((k): k is Kpi => k !== undefined);
  const period = present[0]?.period;
  return (
    <section className="figure" aria-label={title}>
      <header>
        <h2>{title}</h2>
        <button type="button" className="ghost small" onClick={() => download(`${csvName}.csv`, toCsv(columns.map((c) => c.key), rows))} disabled={rows.length === 0}>
          Export CSV
        </button>
      </header>
      <div className="headline">
        {present.map((k) => (
          <div key={k.id} className="metric" title={k.id}>
            <span className="value">{kpiText(k)}</span>
            <span className="label">{k.label}</span>
          </div>
        ))}
      </div>
      {chart}
      {rows.length > 0 && (
        <details>
          <summary>Numbers ({rows.length} rows)</summary>
          <DataTable columns={columns} rows={rows} />
        </details>
      )}
      <ul className="method">
        {present.map((k) => (
          <li key={k.id}>
            <strong>{k.label}:</strong> {k.available ? k.method : (k.why ?? 'not available')}
          </li>
        ))}
      </ul>
      {period !== undefined && <p className="period">Period {periodText(period)} (UTC)</p>}
    </section>
  );
}
