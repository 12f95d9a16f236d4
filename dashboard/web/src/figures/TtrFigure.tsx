import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiReport } from '../../../../kpi/report.ts';
import { usePalette } from '../theme.ts';
import { Figure } from './Figure.tsx';
import { kpiOf } from './kpi.ts';

/** Time to resolution, self-service against helpdesk: median and 90th percentile, in minutes. */
export function TtrFigure({ report }: { report: KpiReport }) {
  const p = usePalette();
  const ids = ['ttr.selfService.medianMinutes', 'ttr.selfService.p90Minutes', 'ttr.helpdesk.medianMinutes', 'ttr.helpdesk.p90Minutes'];
  const [sm, sp, hm, hp] = ids.map((id) => kpiOf(report, id));
  const rows = [
    { channel: 'self-service', median: sm?.value ?? null, p90: sp?.value ?? null },
    { channel: 'helpdesk', median: hm?.value ?? null, p90: hp?.value ?? null },
  ];
  const minutes = (v: string | number | null | undefined): string => (typeof v === 'number' ? `${v.toFixed(1)} min` : '—');
  return (
    <Figure
      title="Time to resolution"
      kpis={[sm, hm, sp, hp]}
      chart={
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 24 }}>
            <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
            <XAxis type="number" stroke={p.text} fontSize={11} unit=" min" />
            <YAxis type="category" dataKey="channel" stroke={p.text} fontSize={11} width={80} />
            <Tooltip formatter={(v) => minutes(v as number)} contentStyle={{ background: p.surface }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="median" name="median" fill={p.series[0]} isAnimationActive={false} />
            <Bar dataKey="p90" name="90th percentile" fill={p.series[1]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
      columns={[
        { key: 'channel', label: 'Channel' },
        { key: 'median', label: 'Median', format: minutes },
        { key: 'p90', label: '90th percentile', format: minutes },
      ]}
      rows={rows}
      csvName="time-to-resolution"
    />
  );
}
