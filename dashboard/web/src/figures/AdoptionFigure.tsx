import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiReport } from '../../../../kpi/report.ts';
import { usePalette } from '../theme.ts';
import { Figure } from './Figure.tsx';
import { kpiOf, pct, rowsOf } from './kpi.ts';

/** Adoption over time: the share of eligible users registered for SSPR, day by day. */
export function AdoptionFigure({ report }: { report: KpiReport }) {
  const p = usePalette();
  const rate = kpiOf(report, 'adoption.rate');
  const rows = rowsOf(rate, 'byDay');
  return (
    <Figure
      title="Adoption over time"
      kpis={[rate, kpiOf(report, 'adoption.registered'), kpiOf(report, 'adoption.eligible')]}
      chart={
        rows.length > 0 && (
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
              <XAxis dataKey="day" stroke={p.text} fontSize={11} />
              <YAxis stroke={p.text} fontSize={11} domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
              <Tooltip formatter={(v) => pct(v as number)} contentStyle={{ background: p.surface }} />
              <Line type="monotone" dataKey="rate" name="adoption" stroke={p.series[0]} dot={false} strokeWidth={2} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )
      }
      columns={[
        { key: 'day', label: 'Day' },
        { key: 'registered', label: 'Registered' },
        { key: 'rate', label: 'Adoption', format: pct },
      ]}
      rows={rows}
      csvName="adoption-by-day"
    />
  );
}
