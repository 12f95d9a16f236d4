import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiReport } from '../../../../kpi/report.ts';
import { usePalette } from '../theme.ts';
import { Figure } from './Figure.tsx';
import { kpiOf, pct, rowsOf } from './kpi.ts';

/** Method mix of SSPR resets and the share of users whose only methods are weak. */
export function MethodsFigure({ report }: { report: KpiReport }) {
  const p = usePalette();
  const mix = kpiOf(report, 'methods.resetMix');
  const rows = rowsOf(mix, 'methods');
  return (
    <Figure
      title="Method mix and weak-method share"
      kpis={[kpiOf(report, 'methods.weakShare'), kpiOf(report, 'methods.privilegedWeakOnly'), mix]}
      chart={
        rows.length > 0 && (
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 40 }}>
              <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
              <XAxis type="number" stroke={p.text} fontSize={11} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
              <YAxis type="category" dataKey="method" stroke={p.text} fontSize={11} width={130} />
              <Tooltip formatter={(v) => pct(v as number)} contentStyle={{ background: p.surface }} />
              <Bar dataKey="share" name="share of SSPR resets" fill={p.series[4]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )
      }
      columns={[
        { key: 'method', label: 'Method' },
        { key: 'class', label: 'Strength' },
        { key: 'count', label: 'Resets' },
        { key: 'share', label: 'Share', format: pct },
      ]}
      rows={rows}
      csvName="reset-method-mix"
    />
  );
}
