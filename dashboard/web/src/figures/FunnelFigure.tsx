import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiReport } from '../../../../kpi/report.ts';
import { usePalette } from '../theme.ts';
import { Figure } from './Figure.tsx';
import { kpiOf, pct, rowsOf } from './kpi.ts';

/** The SSPR funnel: flows started, verified, succeeded, and where the others stopped. */
export function FunnelFigure({ report }: { report: KpiReport }) {
  const p = usePalette();
  const rate = kpiOf(report, 'funnel.completionRate');
  const rows = rowsOf(rate, 'stages');
  return (
    <Figure
      title="SSPR funnel"
      kpis={[rate, kpiOf(report, 'funnel.started'), kpiOf(report, 'funnel.succeeded')]}
      chart={
        rows.length > 0 && (
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
              <XAxis dataKey="stage" stroke={p.text} fontSize={11} />
              <YAxis stroke={p.text} fontSize={11} allowDecimals={false} />
              <Tooltip contentStyle={{ background: p.surface }} />
              <Bar dataKey="flows" name="flows" fill={p.series[2]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )
      }
      columns={[
        { key: 'stage', label: 'Stage' },
        { key: 'flows', label: 'Flows' },
        { key: 'shareOfStarted', label: 'Share of started', format: pct },
      ]}
      rows={rows}
      csvName="sspr-funnel"
    />
  );
}
