import type { Kpi } from '../../../kpi/report.ts';

/** `2026-03-09 15:04 UTC`: every time in the app is shown in UTC, as the logs and the CLI show it. */
export function utc(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const day = (iso: string | null | undefined): string => (iso === null || iso === undefined ? '—' : iso.slice(0, 10));

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A KPI value in its unit: `73.6 %`, `2.7 min`, `14,957 USD`, `217 users`. */
export function kpiText(k: Pick<Kpi, 'value' | 'unit' | 'available' | 'why'>): string {
  if (!k.available || k.value === null) return 'not available';
  if (k.unit === 'ratio') return `${number.format(k.value * 100)} %`;
  if (k.unit === 'minutes') return `${number.format(k.value)} min`;
  if (/^[A-Z]{3}$/.test(k.unit)) return new Intl.NumberFormat('en-US', { style: 'currency', currency: k.unit, maximumFractionDigits: 0 }).format(k.value);
  return `${number.format(k.value)} ${k.unit}`;
}

export const percent = (ratio: number | null | undefined): string => (typeof ratio === 'number' ? `${number.format(ratio * 100)} %` : '—');
export const count = (n: number | null | undefined): string => (typeof n === 'number' ? number.format(n) : '—');

/** The KPI's period as a sentence fragment: `2026-03-02 – 2026-03-29`. */
export function periodText(period: { from: string | null; to: string | null }): string {
  const to = period.to === null ? null : new Date(Date.parse(period.to) - 1).toISOString();
  return `${day(period.from)} – ${day(to)}`;
}
