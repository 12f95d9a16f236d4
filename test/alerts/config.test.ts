import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { loadConfig } from '../../core/config.ts';
import { alertsConfigOf } from '../../pipeline/alerting.ts';
import { runCli } from '../cli/run-cli.ts';

const example = 'fixtures/alerts/example.config.json';
const dir = mkdtempSync(join(tmpdir(), 'sspr-alerts-config-'));

const yamlConfig = `
alerts:
  dashboardUrl: https://sspr.example.org/
  channels:
    soc: { type: webhook, url: "https://soc.example.org/hooks/sspr", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
    oncall:
      type: email
      smtp: { host: smtp.example.org, port: 587 }
      from: sspr-watch <sspr@example.org>
      to: [soc-oncall@example.org]
  routes:
    - name: page
      match: { severity: [critical] }
      channels: [soc, oncall]
`;

describe('alerts config', () => {
  it('accepts the full example with its defaults filled in', () => {
    const alerts = alertsConfigOf(loadConfig(example));
    expect(alerts?.routes.map((r) => r.name)).toEqual(['page', 'privileged', 'rest', 'siem-all']);
    expect(alerts?.channels.soc).toMatchObject({ type: 'webhook', format: 'sspr', allowPrivateNetwork: false, maxRedirects: 0 });
    expect(alerts?.routes[1]?.quietHours?.severityOverride).toBe('high');
    expect(alerts?.routes[3]?.match).toEqual({});
    expect(parseAlertsConfig({ channels: {}, routes: [] })).toMatchObject({ maxRetryHours: 24, deliverTimeoutSeconds: 30, timeoutSeconds: 10, timeZone: 'UTC' });
  });

  it('reads the same config from YAML by the file extension', () => {
    const path = join(dir, 'sspr.config.yaml');
    writeFileSync(path, yamlConfig);
    const alerts = alertsConfigOf(loadConfig(path));
    expect(alerts?.routes).toEqual([{ name: 'page', match: { severity: ['critical'] }, channels: ['soc', 'oncall'] }]);
    expect(alerts?.channels.oncall).toMatchObject({ type: 'email', to: ['soc-oncall@example.org'], smtp: { secure: false } });
  });

  it('names the path of every bad field', () => {
    const bad = (alerts: unknown) => {
      try {
        alertsConfigOf({ alerts: alerts as Record<string, unknown> });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const base = JSON.parse(readFileSync(example, 'utf8')).alerts;
    expect(bad({ ...base, routes: [{ name: 'x', channels: ['nope'] }] })).toMatch(/alerts\.routes\.0\.channels\.0: no channel "nope"/);
    expect(bad({ ...base, channels: { ...base.channels, soc: { ...base.channels.soc, secret: 'hunter2' } } })).toMatch(/alerts\.channels\.soc\.secret/);
    expect(bad({ ...base, channels: { ...base.channels, soc: { ...base.channels.soc, url: 'ftp://x' } } })).toMatch(/alerts\.channels\.soc\.url/);
    expect(bad({ ...base, routes: [{ name: 'x', match: { detector: ['mfa-fatige'] }, channels: ['soc'] }] })).toMatch(/alerts\.routes\.0\.match\.detector\.0: unknown detector "mfa-fatige"/);
    expect(bad({ ...base, routes: [{ name: 'x', match: { severity: ['urgent'] }, channels: ['soc'] }] })).toMatch(/alerts\.routes\.0\.match\.severity\.0/);
    expect(bad({ ...base, routes: [{ name: 'x', channels: ['soc'], quietHours: { from: '25:00', to: '07:00' } }] })).toMatch(/alerts\.routes\.0\.quietHours\.from/);
    expect(bad({ ...base, timeZone: 'Mars/Olympus' })).toMatch(/alerts\.timeZone/);
    expect(bad({ ...base, routes: [...base.routes, base.routes[0]] })).toMatch(/alerts\.routes\.4\.name: route "page" is defined twice/);
    expect(bad({ ...base, channels: { ...base.channels, chat: { type: 'pager', url: 'https://x' } } })).toMatch(/alerts\.channels\.chat\.type/);
  });

  it('makes sspr detect exit 2 with the bad field before it reads the store', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ alerts: { channels: {}, routes: [{ name: 'page', channels: ['soc'] }] } }));
    const detect = await runCli(['detect', '--config', path, '--db', join(dir, 'none', 'sspr.db')]);
    expect(detect.code).toBe(2);
    expect(detect.stderr).toMatch(/CONFIG_INVALID: .*alerts\.routes\.0\.channels\.0: no channel "soc"/);
    const deliver = await runCli(['alerts', 'deliver', '--config', path, '--db', join(dir, 'none', 'sspr.db')]);
    expect(deliver.code).toBe(2);
  });
});
