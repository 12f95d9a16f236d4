import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiText } from '../../dashboard/web/src/format.ts';
import type { Finding } from '../../core/finding.ts';
import type { KpiReport } from '../../kpi/report.ts';
import { writeTenant } from '../../fixtures/generator/index.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { runCli } from '../cli/run-cli.ts';
import { DEMO_CONFIG } from '../dashboard/harness.ts';
import { openIdProvider, type OpenIdProvider } from '../dashboard/openid-provider.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { launchChromium, newPage, screenshot, visible } from './browser.ts';
import { startServe, type ServeProcess } from './serve-process.ts';

/** Twelve SSPR resets of a service account on day `d` of the tenant: its own nightly script, which reset-spike flags. */
function scriptResets(d: number): ReturnType<typeof makeEvent>[] {
  const day = Date.parse('2026-03-03T01:00:00.000Z') + d * 86_400_000;
  return Array.from({ length: 12 }, (_, i) => {
    const base = { user: 'svc-reset@contoso.example', ip: '192.0.2.10', correlationId: `svc-${d}-${i}` };
    return [
      makeEvent({ ...base, id: `entra.audit:svc-${d}-${i}-p`, action: 'sspr.progress', ssprStep: 'userIdSubmitted', at: day + i * 600_000 }),
      makeEvent({ ...base, id: `entra.audit:svc-${d}-${i}-r`, action: 'sspr.reset', outcome: 'success', at: day + i * 600_000 + 60_000 }),
    ];
  }).flat();
}

describe('the dashboard in Chromium against sspr serve on a generated tenant', () => {
  let dir: string;
  let db: string;
  let config: string;
  let idp: OpenIdProvider;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-e2e-'));
    db = join(dir, 'sspr.db');
    config = join(dir, 'sspr.config.json');
    // The tenant at a fixed path and its directory exports at a fixed date: the method sentences the pages show
    // name them, and the screenshots (committed) then change only where a page shows the wall clock.
    const tenant = join(tmpdir(), 'sspr-e2e-tenant');
    rmSync(tenant, { recursive: true, force: true });
    await writeTenant(tenant, { seed: 7, users: 200, days: 21 });
    idp = await openIdProvider({
      alice: { name: 'alice@contoso.example', roles: ['SSPR.Analyst'] },
      vera: { name: 'vera@contoso.example', roles: ['SSPR.Viewer'] },
    });
    copyFileSync(DEMO_CONFIG, config);
    const oidc = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, scopes: ['openid', 'profile'], roles: { admin: ['SSPR.Admin'], analyst: ['SSPR.Analyst'], viewer: ['SSPR.Viewer'] } };
    // Alerts to a webhook on a closed loopback port: detection queues them, delivery fails and retries later, and
    // the health page shows the route and the outbox.
    const secret = `whsec_${Buffer.from('e2e-webhook-secret-of-32-bytes!!').toString('base64')}`;
    const alerts = {
      channels: { soc: { type: 'webhook', url: 'http://127.0.0.1:9/hooks/sspr', secret, format: 'sspr', allowPrivateNetwork: true } },
      routes: [{ name: 'page', match: { severity: ['critical'] }, channels: ['soc'] }],
      deliverTimeoutSeconds: 1,
    };
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), dashboard: { oidc }, alerts }, null, 2));
    expect((await runCli(['ingest', join(tenant, 'entra'), join(tenant, 'ad'), join(tenant, 'directory'), '--as-of', '2026-03-23', '--db', db])).code).toBe(0);
    const store = new SqliteStore(db);
    await store.insertEvents([0, 1, 2].flatMap(scriptResets));
    await store.close();
    expect((await runCli(['detect', '--db', db, '--config', config])).code).toBe(0);
    serve = await startServe(['--db', db, '--config', config]);
    idp.start(`${serve.url}auth/callback`);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await idp?.close();
  });

  const signInWithOidc = async (page: Page, login: string): Promise<void> => {
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await visible(page.getByRole('heading', { name: 'Overview' }));
  };

  it('signs an analyst in with OpenID Connect, shows the KPIs, opens a finding, resolves it and shows the audit entry', { timeout: 120_000 }, async () => {
    const { page, problems } = await newPage(browser, serve.url);
    await page.goto(serve.url);
    await visible(page.getByRole('link', { name: 'Sign in with your organisation' }));
    await screenshot(page, 'signin');
    await signInWithOidc(page, 'alice');

    const report = JSON.parse((await runCli(['kpi', '--db', db, '--config', config, '--json'])).stdout) as KpiReport;
    const adoption = report.kpis.find((k) => k.id === 'adoption.rate')!;
    const figure = page.getByRole('region', { name: 'Adoption over time' });
    await visible(figure.getByText(kpiText(adoption), { exact: true }));
    await visible(page.getByRole('region', { name: 'Resets by channel and ticket reduction' }).getByText('Password ticket reduction vs baseline'));
    await screenshot(page, 'overview');
    const download = page.waitForEvent('download');
    await figure.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await (await download).createReadStream();
    let text = '';
    for await (const chunk of csv) text += String(chunk);
    expect(text.split('\r\n')[0]).toBe('day,registered,rate');
    expect(text.split('\r\n').length).toBe((adoption.breakdown?.byDay?.length ?? 0) + 2);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Findings' }).click();
    const queue = await visible(page.getByRole('table', { name: 'Triage queue' }));
    await screenshot(page, 'findings');
    const first = queue.locator('tbody tr').first().getByRole('link');
    const summary = (await first.textContent()) ?? '';
    await first.click();
    await visible(page.getByRole('heading', { name: summary, level: 1 }));
    await visible(page.getByRole('heading', { name: 'Why it fired' }));
    await screenshot(page, 'finding');

    await page.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByRole('textbox', { name: 'Reason' }).fill('confirmed with the user by phone');
    await page.getByRole('form', { name: 'Resolve' }).getByRole('button', { name: 'Resolve' }).click();
    await visible(page.getByText('resolved: true-positive'));
    const audit = page.getByRole('list', { name: 'Audit trail' });
    await visible(audit.getByText('alice@contoso.example'));
    await visible(audit.getByText('resolve', { exact: true }));
    await visible(audit.getByText('Reason: confirmed with the user by phone'));
    await screenshot(page, 'finding-resolved');

    const stored = JSON.parse((await runCli(['findings', '--db', db, '--json'])).stdout) as Finding[];
    expect(stored.find((f) => f.summary === summary)).toMatchObject({ status: 'resolved', resolution: 'true-positive', triagedBy: 'alice@contoso.example' });
    expect(problems).toEqual([]);
  });

  it('keeps queue filters in the URL and triages from the keyboard, one finding and in bulk', { timeout: 60_000 }, async () => {
    const { page, problems } = await newPage(browser, serve.url);
    await signInWithOidc(page, 'alice');
    await page.goto(`${serve.url}findings?severity=high,medium`);
    const queue = await visible(page.getByRole('table', { name: 'Triage queue' }));
    await visible(page.getByRole('button', { name: 'high', pressed: true }));
    await visible(page.getByRole('button', { name: 'low', pressed: false }));
    const rows = queue.locator('tbody tr');
    await page.keyboard.press('j');
    await visible(rows.nth(1).and(page.locator('[aria-selected="true"]')));
    await page.keyboard.press('a');
    await visible(page.getByRole('status').getByText('acknowledge: 1 done'));
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bulk = await visible(page.getByRole('region', { name: 'Bulk actions' }));
    await visible(bulk.getByText('2 selected'));
    await bulk.getByRole('button', { name: 'Acknowledge selected' }).click();
    // The first of the two was acknowledged a moment ago: that one is refused, the other done.
    await visible(page.getByRole('status').getByText('acknowledge: 1 done, 1 not'));
    await page.keyboard.press('r');
    // The bulk action cleared the selection: r resolves the focused finding.
    const dialog = await visible(page.getByRole('dialog', { name: 'Resolve 1 finding(s)' }));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Why it fired' }));

    // The detector-specific stories: the two places of an impossible travel, the prompts of an MFA fatigue attack.
    await page.goto(`${serve.url}findings?detector=impossible-travel&status=all`);
    await page.getByRole('table', { name: 'Triage queue' }).locator('tbody tr').first().getByRole('link').click();
    await visible(page.getByRole('table').getByText('Speed needed (km/h)'));
    await visible(page.getByRole('img', { name: /^Places: / }));
    await screenshot(page, 'finding-travel');
    await page.goto(`${serve.url}findings?detector=mfa-fatigue&status=all`);
    await page.getByRole('table', { name: 'Triage queue' }).locator('tbody tr').first().getByRole('link').click();
    await visible(page.getByRole('list', { name: 'MFA prompts in order' }).getByText('denied'));
    await screenshot(page, 'finding-mfa');
    expect(problems).toEqual([]);
  });

  it('shows a viewer the KPIs but not the findings', { timeout: 60_000 }, async () => {
    const { page } = await newPage(browser, serve.url);
    await signInWithOidc(page, 'vera');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Overview']);
    await page.goto(`${serve.url}findings`);
    await visible(page.getByText('Your role (viewer) cannot see findings'));
  });

  it('lets the admin of the one-time link close a script\'s findings as benign, accept the tuning proposal, and see the next detection run use it', { timeout: 120_000 }, async () => {
    expect(serve.link).toBeDefined();
    const { page, problems } = await newPage(browser, serve.url);
    await page.goto(serve.link!);
    await visible(page.getByRole('heading', { name: 'Overview' }));
    for (let i = 0; i < 3; i += 1) {
      await page.goto(`${serve.url}findings?detector=reset-spike&q=user%3Asvc-reset`);
      await visible(page.getByRole('table', { name: 'Triage queue' }));
      await page.getByRole('table', { name: 'Triage queue' }).locator('tbody tr').first().getByRole('link').click();
      await page.getByRole('button', { name: 'Resolve…' }).click();
      await page.getByRole('radio', { name: 'benign' }).check();
      await page.getByRole('combobox', { name: 'Cause' }).selectOption('own-script');
      await page.getByRole('form', { name: 'Resolve' }).getByRole('button', { name: 'Resolve' }).click();
      await visible(page.getByText('resolved: benign'));
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tuning' }).click();
    const proposal = await visible(page.getByRole('region', { name: /Raise reset-spike's floor for user:svc-reset@contoso.example to 13/ }));
    await screenshot(page, 'tuning');
    await proposal.getByRole('textbox', { name: 'Decision reason' }).fill('nightly self-test of the reset flow');
    await proposal.getByRole('button', { name: 'Accept' }).click();
    await visible(proposal.getByText('takes effect on the next sspr detect'));
    expect(JSON.parse(readFileSync(config, 'utf8')).detectors['reset-spike'].keyFloors).toEqual([{ key: 'user:svc-reset@contoso.example', minCount: 13 }]);

    expect((await runCli(['detect', '--db', db, '--config', config])).code).toBe(0);
    await page.reload();
    await visible(page.getByText(/in effect since the detection run of/));
    await visible(page.getByRole('heading', { name: 'Config versions' }));
    await screenshot(page, 'tuning-accepted');
    expect(problems).toEqual([]);
  });

  it('shows health, API tokens, the printable one-page weekly report and dark mode', { timeout: 120_000 }, async () => {
    const { page, problems } = await newPage(browser, serve.url);
    const link = (await runCli(['token', 'link', '--url', serve.url, '--db', db])).stdout.split('\n')[0]!;
    await page.goto(link);
    await visible(page.getByRole('heading', { name: 'Overview' }));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
    await visible(page.getByRole('heading', { name: 'Last ingest per source' }));
    await visible(page.getByRole('cell', { name: 'winlogbeat' }));
    await visible(page.getByRole('cell', { name: 'soc (webhook)' }));
    await screenshot(page, 'health');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('soar-playbook');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await visible(page.locator('pre.secret'));
    expect(await secret.textContent()).toMatch(/^sspr_[\w-]{43}$/);
    await screenshot(page, 'tokens');

    await page.goto(`${serve.url}report`);
    await visible(page.getByRole('heading', { name: 'SSPR weekly report' }));
    await visible(page.getByRole('cell', { name: 'Adoption rate' }));
    await screenshot(page, 'report');
    await page.emulateMedia({ media: 'print' });
    const pdf = (await page.pdf({ format: 'A4', printBackground: false })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });

    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await visible(page.locator('html[data-theme="dark"]'));
    await visible(page.getByRole('region', { name: 'SSPR funnel' }));
    await screenshot(page, 'overview-dark');
    expect(problems).toEqual([]);
  });
});
