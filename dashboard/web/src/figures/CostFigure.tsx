import type { KpiReport } from '../../../../kpi/report.ts';
import { Figure } from './Figure.tsx';
import { kpiOf, rowsOf } from './kpi.ts';

/** Cost saved: per month, in the period, per resolution and per user, with every input of the formula. */
export function CostFigure({ report }: { report: KpiReport }) {
  const month = kpiOf(report, 'cost.savedPerMonth');
  return (
    <Figure
      title="Cost saved"
      kpis={[month, kpiOf(report, 'cost.savedInPeriod'), kpiOf(report, 'cost.savedPerResolution'), kpiOf(report, 'cost.savedPerUserPerMonth')]}
      columns={[
        { key: 'input', label: 'Input' },
        { key: 'value', label: 'Value' },
        { key: 'unit', label: 'Unit' },
        { key: 'source', label: 'Source' },
      ]}
      rows={rowsOf(month, 'inputs')}
      csvName="cost-inputs"
    />
  );
}
