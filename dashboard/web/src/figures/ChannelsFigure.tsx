import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiReport } from '../../../../kpi/report.ts';
import { usePalette } from '../theme.ts';
import { Figure } from './Figure.tsx';
import { kpiOf, rowsOf } from './kpi.ts';

/** Resets and unlocks by channel, week by week, with the password-ticket reduction against the baseline. */
export function ChannelsFigure({ report }: { report: KpiReport }) {
  const p = usePalette();
  const share = kpiOf(report, 'resets.selfServiceShare');
  const rows = rowsOf(share, 'byWeek');
  return (
    <Figure
      title="Resets by channel and ticket reduction"
      kpis={[kpiOf(report, 'ticketReduction.rate'), kpiOf(report, 'resets.selfService'), kpiOf(report, 'resets.helpdesk'), share]}
      chart={
        rows.length > 0 && (
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
              <XAxis dataKey="weekStart" stroke={p.text} fontSize={11} />
              <YAxis stroke={p.text} fontSize={11} allowDecimals={false} />
              <Tooltip contentStyle={{ background: p.surface }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="selfServiceResets" name="self-service resets" stackId="s" fill={p.series[0]} isAnimationActive={false} />
              <Bar dataKey="selfServiceUnlocks" name="self-service unlocks" stackId="s" fill={p.series[5]} isAnimationActive={false} />
              <Bar dataKey="helpdeskResets" name="helpdesk resets" stackId="h" fill={p.series[1]} isAnimationActive={false} />
              <Bar dataKey="helpdeskUnlocks" name="helpdesk unlocks" stackId="h" fill={p.series[3]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )
      }
      columns={[
        { key: 'weekStart', label: 'Week of' },
        { key: 'selfServiceResets', label: 'Self-service resets' },
        { key: 'selfServiceUnlocks', label: 'Self-service unlocks' },
        { key: 'helpdeskResets', label: 'Helpdesk resets' },
        { key: 'helpdeskUnlocks', label: 'Helpdesk unlocks' },
        { key: 'passwordTickets', label: 'Password tickets' },
      ]}
      rows={rows}
      csvName="resets-by-channel"
    />
  );
}
