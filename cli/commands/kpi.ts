import { configPath, loadConfig } from '../../core/config.ts';
import { computeKpis, formatKpiReport, kpiActions, type KpiReport } from '../../kpi/compute.ts';
import { parseKpiConfig } from '../../kpi/config.ts';
import type { Store } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, timeOption, type Command } from '../command.ts';

/** `sspr kpi`: adoption, channels, time to resolution, cost and posture KPIs, each with its method. */
export const kpiCommand: Command = {
  name: 'kpi',
  summary: 'ROI and adoption KPIs (adoption, ticket reduction, time to resolution, cost, method mix)',
  usage: 'sspr kpi [--from TIME] [--to TIME] [--config FILE] [--db PATH] [--json]',
  options: { from: { type: 'string' }, to: { type: 'string' }, config: { type: 'string' } },
  async run({ values }, io) {
    const path = configPath(stringOption(values, 'config'), io.env);
    const config = parseKpiConfig(loadConfig(path).kpi ?? {}, `${path ?? 'config'}#kpi`);
    const from = timeOption(values, 'from');
    const to = timeOption(values, 'to');
    const store = openStore(values, io.env);
    try {
      const report = await kpiReport(store, { from, to }, config);
      io.stdout(values.json ? `${JSON.stringify(report)}\n` : formatKpiReport(report));
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

/** Computes the KPI report from the store: every KPI-relevant event up to `to` plus the directory snapshots. */
export async function kpiReport(store: Store, period: { from?: string | undefined; to?: string | undefined }, config: ReturnType<typeof parseKpiConfig>): Promise<KpiReport> {
  return computeKpis({
    // Not filtered by `from`: registrations before the period feed point-in-time adoption, and a reset's
    // record in the other plane may sit just before the period start.
    events: store.queryEvents({ ...(period.to !== undefined ? { to: period.to } : {}), actions: kpiActions }),
    snapshots: {
      users: await store.listSnapshots('users'),
      registration: await store.listSnapshots('registration'),
      privileged: await store.listSnapshots('privileged'),
      tickets: await store.listSnapshots('tickets'),
    },
    period,
    config,
  });
}
