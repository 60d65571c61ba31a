// The council console in a real headless browser (Debian's Chromium through playwright-core), on the whole
// local stack (council host, gateway, resident page), by keyboard alone: sign in, post from a template,
// check the preview, publish, see the banner on the resident page, change the effect, withdraw. axe-core
// (WCAG 2.1 A and AA, and best practices) runs on every console screen and must find nothing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ConsoleAccounts } from '../../subgraphs/council/console/auth/accounts.js';
import { TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/index.js';
import { gql } from '../support/graphql-client.js';

const CHROMIUM = '/usr/bin/chromium';
const READING = 'E06000038';
const EMAIL = 'sam.snow@reading.invalid';
const PASSWORD = 'gritter lorry winter morning';

const missing = !existsSync(CHROMIUM);
const MISSING_MESSAGE = `Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get update && apt-get install -y chromium) to run the browser tests.`;
if (missing && !process.env.CI) console.warn(`Skipping console-browser.test.ts: ${MISSING_MESSAGE}`);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(missing && !process.env.CI)('the council console in a real browser, by keyboard alone', { timeout: 120_000 }, () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  let consoleUrl = '';
  /** Every console screen axe has checked, with what it found. */
  const checked: Array<{ screen: string; violations: string[] }> = [];

  beforeAll(async () => {
    if (missing) throw new Error(MISSING_MESSAGE);
    stack = await startLocalStack({ port: 0, councilTimeoutMs: 10_000 });
    consoleUrl = `${stack.councilHost.url}/console/`;
    // As `npm run console-account -- add` does, with a cheap hash for the test.
    await new ConsoleAccounts(stack.disruptions.database, { passwordCost: TEST_SCRYPT_COST }).create({
      councilCode: READING,
      email: EMAIL,
      name: 'Sam Snow',
      roles: ['editor', 'publisher'],
      password: PASSWORD,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** axe-core on the current page (through the DevTools protocol, which the page's CSP does not govern). */
  async function checkAccessibility(screen: string): Promise<void> {
    await page.evaluate(axeSource);
    const results = await page.evaluate(() =>
      (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
    );
    const violations = (results.violations as Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>).map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
    checked.push({ screen, violations });
  }

  /** What has keyboard focus: its text, or an input's name. */
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return { text: (el?.textContent ?? '').trim().replace(/\s+/g, ' '), name: el?.getAttribute('name') ?? '', type: el?.type ?? '', value: el?.value ?? '' };
    });

  /** Presses Tab until focus is on what `matches` accepts (at most 80 times). */
  async function tabTo(description: string, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean): Promise<void> {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (matches(await focused())) return;
    }
    throw new Error(`Tab never reached ${description} on ${page.url()}`);
  }
  const tabToText = (text: string) => tabTo(`“${text}”`, (f) => f.text === text);
  const tabToField = (name: string) => tabTo(`the field ${name}`, (f) => f.name === name);
  /** Presses a key on what has focus and waits for the page it leads to. */
  const pressAndWait = async (key: 'Enter' | 'Space') => Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  const mainText = async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

  it('signs in, posts “Snow” from a template, previews, publishes, changes and withdraws it; the resident page shows it', async () => {
    // Sign in.
    await page.goto(consoleUrl);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await checkAccessibility('sign in');
    await tabToField('email');
    await page.keyboard.type(EMAIL);
    await tabToField('password');
    await page.keyboard.type(PASSWORD);
    await pressAndWait('Enter');
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await mainText()).toContain('Disruptions');
    await checkAccessibility('dashboard');

    // The three steps' screens (reached by their links), checked; step 1 also with its errors.
    await tabToText('Post a disruption');
    await pressAndWait('Enter');
    await checkAccessibility('step 1');
    await tabToText('Continue');
    await pressAndWait('Enter');
    expect(await mainText()).toContain('Select what happened');
    await checkAccessibility('step 1 with errors');
    await page.goto(consoleUrl);

    // Post from a template: straight to the preview.
    await tabToText('Snow: all of today’s collections cancelled');
    await pressAndWait('Space');
    expect(page.url()).toMatch(/\/console\/drafts\/[^/]+\/preview$/);
    const preview = await mainText();
    const counted = /It changes ([\d,]+) collections? at ([\d,]+) address(?:es)?/.exec(preview);
    expect(counted, preview).not.toBeNull();
    const draftPath = new URL(page.url()).pathname.replace(/\/preview$/, '');
    await checkAccessibility('preview');
    for (const step of ['where', 'when']) {
      await page.goto(`${stack.councilHost.url}${draftPath}/${step}`);
      await checkAccessibility(`step ${step}`);
    }
    await page.goto(`${stack.councilHost.url}${draftPath}/preview`);

    // Publish.
    await tabToText('Publish now');
    await pressAndWait('Enter');
    expect(await mainText()).toContain('Published. Residents see it now');
    await checkAccessibility('disruption');
    const disruptionPath = new URL(page.url()).pathname;
    const [published] = stack.disruptions.list(READING);
    expect(published).toMatchObject({ title: 'Snow: all of today’s collections are cancelled', effect: { kind: 'cancelled' }, area: { kind: 'council' } });

    // The resident page at the gateway shows the banner (pushed to it within seconds, not on its cache lifetime).
    const lookup = await gql(stack.gateway.graphqlUrl, '{ postcode(code: "RG1 1AA") { councils { properties(postcode: "RG1 1AA") { uprn } } } }');
    const resident = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const addressUrl = `${stack.gateway.url}/address/${READING}/${lookup.data.postcode.councils[0].properties[0].uprn}`;
    const shownBy = Date.now() + 10_000;
    let residentText = '';
    do {
      await resident.goto(addressUrl);
      residentText = await resident.locator('main').innerText();
    } while (!residentText.includes('Snow: all of today’s collections are cancelled') && Date.now() < shownBy && (await new Promise((r) => setTimeout(r, 500)), true));
    expect(residentText).toContain('Snow: all of today’s collections are cancelled');
    await resident.close();

    // Hour by hour: change the effect to a two-day delay, with its confirmation.
    await tabTo('the effect radios', (f) => f.name === 'effect' && f.type === 'radio');
    await page.keyboard.press('ArrowDown'); // Cancelled → Delayed
    await tabToField('delay-days');
    await page.keyboard.type('2');
    await tabToText('Change the effect');
    await pressAndWait('Enter');
    expect(await mainText()).toContain('Collections delayed by 2 days (it was: Collections cancelled)');
    await checkAccessibility('confirm a change');
    await tabToText('Confirm the change');
    await pressAndWait('Enter');
    expect(await mainText()).toContain('Changed. Residents see the change now.');
    expect(stack.disruptions.get(READING, published.id)?.effect).toEqual({ kind: 'delayed', days: 2 });

    // Withdraw.
    await tabToText('Withdraw this disruption');
    await pressAndWait('Space');
    await checkAccessibility('confirm withdrawal');
    await tabToText('Yes, withdraw it');
    await pressAndWait('Enter');
    expect(new URL(page.url()).pathname).toBe(disruptionPath);
    expect(await mainText()).toContain('Withdrawn. Collections are back to their usual days.');
    expect(stack.disruptions.get(READING, published.id)?.withdrawnAt).not.toBeNull();

    // The audit trail names who did each.
    await tabToText('Audit trail');
    await pressAndWait('Enter');
    const audit = await mainText();
    for (const action of ['Withdrawn', 'Changed', 'Published', 'Drafted']) expect(audit).toContain(`Sam Snow ${action}`);
    await checkAccessibility('audit trail');

    expect(checked.filter((c) => c.violations.length > 0)).toEqual([]);
    expect(checked.map((c) => c.screen)).toHaveLength(11);
  });
});
