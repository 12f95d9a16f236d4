import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTenant } from '../../fixtures/generator/index.ts';
import { configPath, loadConfig } from '../../core/config.ts';
import { ingestPaths } from '../../ingest/ingest.ts';
import { parseKpiConfig } from '../../kpi/config.ts';
import { formatValue } from '../../kpi/format.ts';
import { stableKpiIds, type KpiReport } from '../../kpi/report.ts';
import { kpiReport } from '../../kpi/store-report.ts';
import { runDetection } from '../../pipeline/run-detection.ts';
import { SsprError } from '../../core/errors.ts';
import { EXIT, dbPath, openStore, stringOption, type Command } from '../command.ts';
import { portOption } from './serve.ts';
import { describeRun } from './detect.ts';
import { formatFindings, sortForTriage } from './findings.ts';

// Found next to the code, so the demo runs from any working directory.
const DEMO_CONFIG = fileURLToPath(new URL('../../fixtures/demo.config.json', import.meta.url));

/** `sspr demo`: generate a seeded tenant in the real log formats, ingest it, detect, and print findings and KPIs. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'generate a realistic tenant with injected attacks, ingest it, detect, and show findings and KPIs',
  usage: 'sspr demo [--seed N] [--users N] [--days N] [--out DIR] [--config FILE] [--db PATH] [--json] [--serve [--port N]]',
  options: {
    serve: { type: 'boolean' },
    port: { type: 'string' },
    seed: { type: 'string' },
    users: { type: 'string' },
    days: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
  },
  async run({ values }, io) {
    const number = (name: string, fallback: number): number => {
      const text = stringOption(values, name);
      if (text === undefined) return fallback;
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) throw new SsprError('USAGE', `--${name} must be a positive whole number, got "${text}"`);
      return n;
    };
    const seed = number('seed', 7);
    const users = number('users', 300);
    const days = number('days', 28);
    const out = stringOption(values, 'out') ?? join('data', `demo-tenant-${seed}`);
    // The demo's cost inputs are examples, in a file the user can read and change; real runs set their own.
    const path = configPath(stringOption(values, 'config'), io.env) ?? demoConfigCopy(dbPath(values, io.env));
    const config = loadConfig(path);
    const kpiConfig = parseKpiConfig(config.kpi ?? {}, `${path}#kpi`);
    const say = (text: string): void => {
      if (!values.json) io.stdout(text);
    };

    say(`1/4 generating a ${users}-user tenant over ${days} days (seed ${seed}) into ${out}\n`);
    const { truth } = await writeTenant(out, { seed, users, days });
    const store = openStore(values, io.env);
    let code: number;
    try {
      say(`2/4 ingesting its Entra, AD and directory exports into ${dbPath(values, io.env)}\n`);
      const ingest = await ingestPaths(store, ['entra', 'ad', 'directory'].map((d) => join(out, d)));
      say(`    ${ingest.read} records: ${ingest.accepted} accepted, ${ingest.skipped} skipped, ${ingest.duplicates} duplicates, ${ingest.quarantined} quarantined\n`);
      say('3/4 running the detectors\n');
      const detection = await runDetection(store, { config, rebuild: true });
      say(`    ${describeRun(detection)}`);
      const findings = sortForTriage(await store.listFindings());
      say(`\nFindings (ground truth: ${truth.incidents.length} injected incidents, ${truth.benign.length} benign look-alikes; see ${join(out, 'truth.json')})\n\n`);
      say(formatFindings(findings, 25));
      say(`\n4/4 KPIs (cost inputs from ${path})\n\n`);
      const report = await kpiReport(store, {}, kpiConfig);
      say(kpiHeadline(report));
      say(`\nNext: npm run --silent sspr -- findings --severity critical | kpi (every KPI with its method and breakdowns) | events --user <upn>\n`);
      const serve = ['serve', '--db', dbPath(values, io.env), '--config', path];
      say(`The dashboard: npm run --silent sspr -- ${serve.join(' ')}   (or npm run demo -- --serve; it prints a one-time admin sign-in link)\n`);
      if (values.json) io.stdout(`${JSON.stringify({ tenant: out, ingest, detection, findings, kpis: report })}\n`);
      code = ingest.quarantined > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      await store.close();
    }
    if (!values.serve) return code;
    const { serveDashboard } = await import('../serve-dashboard.ts');
    return serveDashboard({ host: '127.0.0.1', port: portOption(values), config: path, db: dbPath(values, io.env) }, io);
  },
};

/**
 * The demo's config (example cost inputs) copied next to its store, so the dashboard's tuning changes are written to a
 * file the user owns, not to the checked-in fixture. An existing copy is kept (it may hold accepted changes).
 */
function demoConfigCopy(db: string): string {
  const copy = join(dirname(db), 'sspr.config.json');
  if (!existsSync(copy)) {
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(DEMO_CONFIG, copy);
  }
  return copy;
}

/** The KPIs scripts rely on, one line each; `sspr kpi` prints every KPI with its method and breakdowns. */
function kpiHeadline(report: KpiReport): string {
  const rows = stableKpiIds.map((id) => report.kpis.find((k) => k.id === id)).filter((k) => k !== undefined);
  const width = Math.max(...rows.map((k) => k.label.length));
  return `${rows.map((k) => `  ${k.label.padEnd(width)}  ${(k.available ? formatValue(k) : (k.why ?? 'not available')).padStart(12)}  ${k.id}`).join('\n')}\n`;
}
