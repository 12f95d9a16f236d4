import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/**
 * Where the e2e run writes its screenshots: `docs/screenshots/` (shown by the README) when SSPR_SCREENSHOTS=docs,
 * as `npm run screenshots` sets it; otherwise a temporary folder, so that a plain `npm test` takes them all the same
 * but leaves the working tree clean.
 */
export const SCREENSHOTS =
  process.env.SSPR_SCREENSHOTS === 'docs'
    ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'sspr-screenshots-'));

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), headless, no sandbox (CI runs as root), no background traffic. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (.ci/run installs it)`);
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
}

/**
 * A page at 1280×800 that records, for the app at `origin`: console errors (a CSP violation is one), page errors,
 * failed requests and error responses — except the signed-out session probe (GET /api/v1/session → 401), which is
 * how the app learns it must show the sign-in page. Pages of the identity provider are not the app's business.
 */
export async function newPage(browser: Browser, origin: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  const problems: string[] = [];
  const ours = (url: string): boolean => url.startsWith(origin);
  page.on('console', (m) => {
    // Network failures are reported with their URL below; this keeps script errors and CSP refusals.
    if (m.type() === 'error' && ours(page.url()) && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is the browser cancelling a fetch in flight because the test navigated away: not a failure.
    const error = r.failure()?.errorText ?? '';
    if (ours(r.url()) && error !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${error}`);
  });
  page.on('response', (r) => {
    const probe = r.status() === 401 && new URL(r.url()).pathname === '/api/v1/session';
    if (ours(r.url()) && r.status() >= 400 && !probe) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return { page, problems };
}

/** Waits (auto-waiting, no sleeps) until the locator is visible; fails with Playwright's timeout message otherwise. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible' });
  return locator;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
