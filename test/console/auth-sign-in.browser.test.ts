// Console sign-in in Debian's Chromium (playwright-core): keyboard only, axe clean, and the browser keeps the
// Secure __Host- cookies on http://127.0.0.1 (a "potentially trustworthy" origin), so development needs no TLS.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-path.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/index.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = projectPath('test-output', 'screenshots');
const READING = 'E06000038';
const PASSWORD = 'correct horse battery staple';

const missing = !existsSync(CHROMIUM);
const MISSING_MESSAGE = `Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get update && apt-get install -y chromium) to run the browser tests.`;
if (missing && !process.env.CI) console.warn(`Skipping auth-sign-in.browser.test.ts: ${MISSING_MESSAGE}`);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(missing && !process.env.CI)('console sign-in in a real browser', { timeout: 60_000 }, () => {
  let dir: string;
  let running: CouncilHostWithDisruptions;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(MISSING_MESSAGE);
    mkdirSync(SCREENSHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'binfo-console-browser-'));
    running = await startCouncilHostWithDisruptions({
      sources: [new SampleCouncilSource({ code: READING, shortName: 'Reading', nation: 'ENGLAND' }, { lookup: () => READING }, loadShippedBankHolidays())],
      dbPath: join(dir, 'disruptions.sqlite'),
      port: 0,
      webhooks: false,
      consoleAuth: { passwordCost: TEST_SCRYPT_COST },
    });
    await running.consoleAuth.accounts.create({ councilCode: READING, email: 'ann@reading.gov.uk', name: 'Ann', roles: ['editor'], password: PASSWORD });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    page.on('console', (message) => {
      // Refusals (401, 429) are logged as failed loads; anything else (a CSP violation) is a real problem.
      if (message.type() === 'error' && !/the server responded with a status of (401|404|429)/.test(message.text())) consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function accessibilityViolations(): Promise<string[]> {
    await page.evaluate(axeSource);
    const results = await page.evaluate(() => (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
    return (results.violations as Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>).map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }

  /** Keyboard only: Tab from the top of the page to the email field, type, Tab, type, Enter. */
  async function signInByKeyboard(email: string, password: string): Promise<void> {
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab'); // the service name in the header
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(password);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('shows an accessible error for a wrong password, then signs in by keyboard and keeps the Secure cookie on 127.0.0.1', async () => {
    await page.goto(`${running.host.url}/console/sign-in?next=${encodeURIComponent('/console/somewhere')}`);
    expect(await page.title()).toBe('Sign in – Binfo council console');
    expect(await accessibilityViolations()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in.png'), fullPage: true });

    await signInByKeyboard('ann@reading.gov.uk', 'not the password');
    expect(await page.title()).toBe('Error: Sign in – Binfo council console');
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('The email address or password is not right.');
    expect(await accessibilityViolations()).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in-error.png'), fullPage: true });

    await page.goto(`${running.host.url}/console/sign-in?next=${encodeURIComponent('/console/somewhere')}`);
    await signInByKeyboard('ann@reading.gov.uk', PASSWORD);
    // The console pages are another module's; this host may not serve /console/somewhere, but we were sent there.
    expect(new URL(page.url()).pathname).toBe('/console/somewhere');
    const cookies = await page.context().cookies();
    expect(cookies.map(({ name, secure, httpOnly, sameSite, path }) => ({ name, secure, httpOnly, sameSite, path }))).toEqual([
      { name: '__Host-binfo-console', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' },
    ]);
    // The browser sends it back: the sign-in page now moves a signed-in person on.
    await page.goto(`${running.host.url}/console/sign-in`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(consoleErrors).toEqual([]);
  });
});
