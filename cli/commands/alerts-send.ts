import type { AlertsConfig } from '../../alerts/config.ts';
import { findingAlertId } from '../../alerts/ids.ts';
import { openAlertRuntime } from '../../alerts/runtime.ts';
import { sampleAlert } from '../../alerts/sample.ts';
import { configPath, loadConfig } from '../../core/config.ts';
import { SsprError } from '../../core/errors.ts';
import { detectorById } from '../../detectors/registry.ts';
import { alertsConfigOf, deliverAlerts } from '../../pipeline/alerting.ts';
import type { Store } from '../../store/contract.ts';
import { EXIT, stringOption, type CommandIo } from '../command.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

function requireAlerts(values: Values, io: CommandIo): AlertsConfig {
  const path = configPath(stringOption(values, 'config'), io.env);
  const alerts = alertsConfigOf(loadConfig(path), path);
  if (!alerts) throw new SsprError('CONFIG_INVALID', `${path ?? 'no config file'}: alerts: an "alerts" section with channels and routes is needed (see README, Alerts)`);
  return alerts;
}

/** `sspr alerts deliver`: what is due now, or with --until-idle until nothing is pending; --max-seconds bounds it. */
export function prepareDeliver(values: Values, io: CommandIo): (store: Store) => Promise<number> {
  const alerts = requireAlerts(values, io);
  const maxText = stringOption(values, 'max-seconds');
  const max = maxText === undefined ? undefined : Number(maxText);
  if (max !== undefined && !(Number.isFinite(max) && max >= 0)) throw new SsprError('USAGE', `--max-seconds must be a number of seconds, got "${maxText}"`);
  return async (store) => {
    const report = await deliverAlerts(store, alerts, {
      untilIdle: values['until-idle'] === true,
      ...(max !== undefined ? { deadline: Date.now() + max * 1000 } : {}),
    });
    const outbox = await store.countAlerts();
    io.stdout(
      values.json
        ? `${JSON.stringify({ ...report, outbox })}\n`
        : `alerts deliver (${report.stoppedBy}): ${report.attempts} attempt(s), ${report.delivered} delivered, ${report.retried} retries scheduled, ` +
            `${report.dead} dead, ${report.digests} digest(s) made; outbox: ${outbox.pending} pending, ${outbox.held} held, ${outbox.dead} dead\n`,
    );
    // Partial: something became a dead letter in this run (kept with its last error; `sspr alerts dlq` shows it).
    return report.dead > 0 ? EXIT.partial : EXIT.ok;
  };
}

/** `sspr alerts test --route NAME`: sends a marked sample finding through each of the route's channels now. */
export function prepareTest(values: Values, io: CommandIo): (store: Store) => Promise<number> {
  const alerts = requireAlerts(values, io);
  const name = stringOption(values, 'route');
  if (name === undefined) throw new SsprError('USAGE', '--route NAME is needed');
  const route = alerts.routes.find((r) => r.name === name);
  if (!route) throw new SsprError('USAGE', `no route "${name}" in alerts.routes (routes: ${alerts.routes.map((r) => r.name).join(', ') || 'none'})`);
  return async () => {
    const meta = detectorById('mfa-fatigue')?.meta;
    const alert = sampleAlert(Date.now(), meta ? { title: meta.title, triage: meta.triage } : undefined);
    const runtime = openAlertRuntime(alerts);
    try {
      const results = [];
      for (const channel of route.channels) {
        const sender = runtime.senders.get(channel);
        const started = Date.now();
        const outcome = sender ? await sender.send(alert, findingAlertId(channel, alert.type, alert.finding!)) : { ok: false as const, retryable: false, error: 'not configured' };
        results.push({ channel, ms: Date.now() - started, ...outcome });
      }
      io.stdout(
        values.json
          ? `${JSON.stringify({ route: name, results })}\n`
          : results.map((r) => `${r.ok ? 'ok    ' : 'FAILED'} ${r.channel} (${r.ms} ms)${r.ok ? '' : `: ${r.error}`}`).join('\n') + '\n',
      );
      const failed = results.filter((r) => !r.ok).map((r) => r.channel);
      if (failed.length > 0) throw new SsprError('ALERT_DELIVERY_FAILED', `route "${name}": ${failed.join(', ')} did not accept the test alert`);
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  };
}
