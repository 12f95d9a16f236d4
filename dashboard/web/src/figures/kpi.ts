import type { Kpi, KpiReport } from '../../../../kpi/report.ts';

export const kpiOf = (report: KpiReport, id: string): Kpi | undefined => report.kpis.find((k) => k.id === id);

/** A KPI's breakdown table by name (empty when absent). */
export const rowsOf = (k: Kpi | undefined, name: string): Array<Record<string, string | number | null>> => k?.breakdown?.[name] ?? [];

export const pct = (v: string | number | null | undefined): string => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—');
