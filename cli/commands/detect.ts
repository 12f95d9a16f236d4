import { configPath, loadConfig } from '../../core/config.ts';
import { logger } from '../../core/logger.ts';
import { alertOnChanges, alertsConfigOf, deliverAlerts } from '../../pipeline/alerting.ts';
import { runDetection, type DetectionRun } from '../../pipeline/run-detection.ts';
import { EXIT, openStore, stringOption, timeOption, type Command } from '../command.ts';

/**
 * `sspr detect`: runs the detectors over stored events (incremental unless --rebuild) and stores findings. With
 * an `alerts` section in the config it then puts an alert in the outbox for each new finding and material
 * update on each matching route, and delivers what is due for up to `alerts.deliverTimeoutSeconds`.
 */
export const detectCommand: Command = {
  name: 'detect',
  summary: 'run the detectors over stored events and store the findings',
  usage: 'sspr detect [--rebuild] [--since TIME] [--until TIME] [--config FILE] [--db PATH] [--json]',
  options: { rebuild: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' }, config: { type: 'string' } },
  async run({ values }, io) {
    const path = configPath(stringOption(values, 'config'), io.env);
    const config = loadConfig(path);
    const alerts = alertsConfigOf(config, path);
    const since = timeOption(values, 'since');
    const until = timeOption(values, 'until');
    const store = openStore(values, io.env);
    try {
      const run = await runDetection(store, {
        config,
        rebuild: values.rebuild === true,
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
      });
      const summary: Record<string, unknown> = { ...run, changes: countChanges(run) };
      logger.child({ module: 'detect' }).info(summary, 'detection finished');
      let alertLine = '';
      if (alerts) {
        const queued = await alertOnChanges(store, run.changes, alerts);
        const delivery = await deliverAlerts(store, alerts, { untilIdle: true, deadline: Date.now() + alerts.deliverTimeoutSeconds * 1000 });
        const outbox = await store.countAlerts();
        summary.alerts = { ...queued, ...delivery, outbox };
        alertLine =
          `alerts: ${queued.enqueued} queued (${queued.held} held for digests); ${delivery.delivered} delivered, ` +
          `${delivery.retried} retries scheduled, ${delivery.dead} dead; outbox: ${outbox.pending} pending, ${outbox.held} held, ${outbox.dead} dead\n`;
      }
      io.stdout(values.json ? `${JSON.stringify(summary)}\n` : `${describeRun(run)}${alertLine}`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export function describeRun(run: DetectionRun): string {
  const late = run.engine.late > 0 ? ` (${run.engine.late} arrived after the watermark)` : '';
  return `detect (${run.mode}): ${run.events} event(s) read${late}; findings: ${run.findings.inserted} new, ${run.findings.updated} updated\n`;
}

/** How many findings the run created, updated and retracted (the `changes` field of `sspr detect --json`). */
export function countChanges(run: DetectionRun): Record<'created' | 'updated' | 'retracted', number> {
  const counts = { created: 0, updated: 0, retracted: 0 };
  for (const change of run.changes) counts[change.kind] += 1;
  return counts;
}
