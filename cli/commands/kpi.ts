import { configPath, loadConfig } from '../../core/config.ts';
import { formatKpiReport } from '../../kpi/compute.ts';
import { parseKpiConfig } from '../../kpi/config.ts';
import { kpiReport } from '../../kpi/store-report.ts';
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
