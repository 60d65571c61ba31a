// The bin-day page in a real headless browser (Debian's Chromium through playwright-core): the journey a
// resident takes, by mouse and by keyboard alone, the council-down fallback, an automated accessibility
// check (axe-core: WCAG 2.1 A and AA, and best practices), and screenshots in test-output/screenshots/ for people to look at.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-path.js';
import { CANNED_COUNCIL, CANNED_UPRN, SNOW, cannedGraph } from './canned-graph.js';
import { READING, serveWeb, startWebTestServer, type WebTestServer } from './web-test-server.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = projectPath('test-output', 'screenshots');
/** Pinned to the week before Christmas 2026, so the page shows collections moved by the bank holidays. */
const TODAY = '2026-12-21';

const missing = !existsSync(CHROMIUM);
const MISSING_MESSAGE = `Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get update && apt-get install -y chromium) to run the browser tests.`;
// In CI a missing browser is a broken build, not a reason to skip; on a developer's machine it is optional.
if (missing && !process.env.CI) console.warn(`Skipping bin-day-page.browser.test.ts: ${MISSING_MESSAGE}`);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(missing && !process.env.CI)('the bin-day page in a real browser', { timeout: 60_000 }, () => {
  let server: WebTestServer;
  let browser: Browser;
  let page: Page;
  /** Every URL the browser asked for, the servers it may ask, and every console error (a CSP violation shows up here). */
  const requested: string[] = [];
  const ownServers: string[] = [];
  const consoleErrors: string[] = [];
  /** The page of the first address in RG1 1AA, e.g. /address/E06000038/703860552650. */
  let addressPath = '';

  beforeAll(async () => {
    if (missing) throw new Error(MISSING_MESSAGE);
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startWebTestServer({ today: () => TODAY });
    ownServers.push(server.url);
    const lookup = await server.execute('{ postcode(code: "RG1 1AA") { councils { properties(postcode: "RG1 1AA") { uprn } } } }');
    addressPath = `/address/${READING}/${lookup.data.postcode.councils[0].properties[0].uprn}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      // Expected 4xx/5xx answers (error pages) are logged as failed loads; anything else is a real problem.
      if (message.type() === 'error' && !/the server responded with a status of (400|404|503)/.test(message.text())) consoleErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const screenshot = (name: string, target: Page = page) => target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  /** axe-core's WCAG 2.1 A and AA rules and its best practices (heading order, landmarks) on the current page; returns the violations, described. */
  async function accessibilityViolations(target: Page = page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
    await target.evaluate(axeSource);
    const results = await target.evaluate(() =>
      (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
    );
    return (results.violations as Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>).map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  }

  it('finds the collections for an address: postcode RG1 1AA, choose an address, see the bin days', async () => {
    await page.goto(`${server.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
    await screenshot('1-start');
    expect(await accessibilityViolations()).toEqual([]);

    await page.getByLabel('Postcode').fill('RG1 1AA');
    await page.getByRole('button', { name: 'Find bin days' }).click();
    await page.waitForURL(/\?postcode=RG1\+1AA$/);
    await expect.poll(async () => (await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Select your address');
    await expect.poll(() => page.getByText('These are sample collection days, not real ones').isVisible()).toBe(true);
    await screenshot('2-choose-address');
    expect(await accessibilityViolations()).toEqual([]);

    const firstAddress = page.getByRole('radio').first();
    const addressText = (await page.locator('label[for="address"]').textContent())!.trim();
    await firstAddress.check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(new RegExp(`/address/${READING}/\\d+$`));
    expect((await page.getByRole('heading', { level: 1 }).textContent())!.trim()).toBe(addressText);
    await expect.poll(() => page.getByRole('heading', { name: 'Next collection of each bin' }).isVisible()).toBe(true);
    // The council's own names, each with its colour in words as well as in the swatch.
    expect(await page.getByText('Grey bin (general waste)').first().isVisible()).toBe(true);
    expect(await page.getByText('General waste bin (grey)').first().isVisible()).toBe(true);
    // A collection moved by the bank holidays is highlighted and says why.
    expect(await page.getByText('Moved from Thursday 31 December because of a bank holiday.').first().isVisible()).toBe(true);
    // GOV.UK's button macro gives a link styled as a button the button role.
    const subscribe = page.getByRole('button', { name: 'Subscribe in your calendar app' });
    expect(await subscribe.getAttribute('href')).toMatch(new RegExp(`^webcal://127\\.0\\.0\\.1:\\d+/calendar/${READING}/\\d+\\.ics$`));
    await screenshot('3-bin-days');
    expect(await accessibilityViolations()).toEqual([]);

    const mobile = await browser.newPage({ viewport: { width: 375, height: 740 } });
    try {
      await mobile.goto(page.url());
      await screenshot('3-bin-days-mobile', mobile);
      expect(await accessibilityViolations(mobile)).toEqual([]);
    } finally {
      await mobile.close();
    }
  });

  it('works from the keyboard alone: Tab to the postcode, type, Enter; choose an address; Enter', async () => {
    await page.goto(`${server.url}/`);
    // The first Tab reaches the skip link, which then shows on screen.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    expect((await page.locator('.govuk-skip-link').boundingBox())!.height).toBeGreaterThan(10);

    let tabs = 1;
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'postcode' && tabs < 5) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('postcode');
    // GOV.UK Frontend's focus style: a yellow outline on the focused field.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineColor);
    expect(outline).toBe('rgb(255, 221, 0)');
    await page.keyboard.type('rg1 1aa');
    await screenshot('4-keyboard-focus');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?postcode=rg1\+1aa$/);

    // Into the radio group, choose with the arrow keys, then on to Continue.
    while ((await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)) !== 'radio') await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    const chosen = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Continue');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/address/${chosen}$`));
    await expect.poll(() => page.getByRole('heading', { name: 'The next 4 weeks' }).isVisible()).toBe(true);
  });

  it('shows the GOV.UK error summary for a malformed postcode', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Postcode').fill('<script>alert(1)</script>');
    await page.getByRole('button', { name: 'Find bin days' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('is not a valid UK postcode');
    expect(await page.title()).toMatch(/^Error: /);
    // The summary's link takes keyboard and screen-reader users to the field.
    await page.getByRole('link', { name: /is not a valid UK postcode/ }).click();
    expect(await page.evaluate(() => location.hash)).toBe('#postcode');
    await screenshot('5-error-summary');
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('links to the council\'s own bin-day page when the council is down', async () => {
    const restore = server.takeReadingDown();
    try {
      await page.goto(`${server.url}/?postcode=RG1+1AA`);
      const fallback = page.getByRole('link', { name: "Check your bin day on Reading Borough Council's website" });
      expect(await fallback.getAttribute('href')).toBe('https://www.reading.gov.uk/bin-calendar/');
      await screenshot('6-council-down-postcode');

      await page.goto(`${server.url}${addressPath}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sorry, we cannot show your bin days at the moment');
      const link = page.getByRole('link', { name: "Check your bin day on Reading Borough Council's website" });
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toBe('https://www.reading.gov.uk/bin-calendar/');
      await screenshot('7-council-down-address');
      expect(await accessibilityViolations()).toEqual([]);
    } finally {
      restore();
    }
  });

  it('shows a council\'s disruption as a banner, and a cancelled collection in words as well as colour', async () => {
    // The sample data has no disruptions: this page is served from canned graph answers.
    const web = await serveWeb({ execute: cannedGraph(), today: () => '2026-11-30' });
    ownServers.push(web.url);
    try {
      await page.goto(`${web.url}/address/${CANNED_COUNCIL}/${CANNED_UPRN}`);
      const banner = page.getByRole('region', { name: 'Important' });
      expect(await banner.isVisible()).toBe(true);
      expect(await banner.textContent()).toContain(SNOW.title);
      const cancelled = page.locator('.binfo-collection--cancelled');
      expect(await cancelled.textContent()).toContain('Cancelled');
      expect(await cancelled.textContent()).toContain(`Cancelled because of severe weather: ${SNOW.title}.`);
      await screenshot('8-disruption');
      expect(await accessibilityViolations()).toEqual([]);

      // On a 375 px phone the bin days come before the banners, which stay, short, newest first.
      const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
      try {
        await phone.goto(`${web.url}/address/${CANNED_COUNCIL}/${CANNED_UPRN}`);
        await screenshot('8-disruption-mobile', phone);
        const nextTop = (await phone.getByRole('heading', { name: 'Next collection of each bin' }).boundingBox())!.y;
        const bannerBox = (await phone.getByRole('region', { name: 'Important' }).boundingBox())!;
        expect(nextTop).toBeLessThan(bannerBox.y);
        expect(nextTop).toBeLessThan(740);
        // Short: the council's longer message is folded away behind "Message from ...".
        expect(bannerBox.height).toBeLessThan(300);
        expect(await phone.locator('#disruption-1').getByText(SNOW.message).isVisible()).toBe(false);
        expect(await accessibilityViolations(phone)).toEqual([]);
      } finally {
        await phone.close();
      }
    } finally {
      await web.close();
    }
  });

  it('offers the page in Welsh from a visible link, and the Welsh page passes the same accessibility checks', async () => {
    await page.goto(`${server.url}${addressPath}`);
    await page.getByRole('link', { name: 'Cymraeg' }).click();
    await page.waitForURL(/\?lang=cy$/);
    expect(await page.getAttribute('html', 'lang')).toBe('cy');
    await expect.poll(() => page.getByRole('heading', { name: 'Casgliad nesaf pob bin' }).isVisible()).toBe(true);
    await screenshot('9-welsh');
    expect(await accessibilityViolations()).toEqual([]);
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Next collection of each bin' }).isVisible()).toBe(true);
  });

  it('loaded nothing from anywhere but this server, with no console errors (so no CSP violations)', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !ownServers.some((origin) => url.startsWith(origin)))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
