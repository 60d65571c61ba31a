// Screenshots of the council console for the README: `npx tsx scripts/console-screenshots.ts`.
// Starts a council host for Reading (sample data, a throwaway database) and Debian's Chromium, signs in as
// a made-up publisher, and writes PNGs (1000×800) to docs/console/: sign-in, step 1, the preview of a
// cancellation for a postcode area, and the dashboard with an open-ended disruption's reminder.
import '../gateway/disable-telemetry.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { projectPath } from '../lib/project-path.js';
import { loadShippedBankHolidays } from '../subgraphs/calendar/load-bank-holidays.js';
import { ConsoleAccounts } from '../subgraphs/council/console/auth/accounts.js';
import { TEST_SCRYPT_COST } from '../subgraphs/council/console/auth/index.js';
import { startCouncilHostWithDisruptions } from '../subgraphs/council/disruptions/run-council-host.js';
import { SampleCouncilSource } from '../subgraphs/council/sample/sample-source.js';
import { loadDirectoryData } from '../subgraphs/directory/server.js';

const READING = 'E06000038';
const OUT = projectPath('docs', 'console');
const EMAIL = 'alex.morgan@reading.invalid';
const PASSWORD = 'screenshots only, not a real account';

async function main(): Promise<void> {
  const data = loadDirectoryData();
  const council = data.councils.get(READING)!;
  const dir = mkdtempSync(join(tmpdir(), 'binfo-console-screenshots-'));
  // The console's clock runs five hours ahead once the open-ended disruption is published, so its reminder shows.
  let hoursAhead = 0;
  const running = await startCouncilHostWithDisruptions({
    sources: [new SampleCouncilSource(council, data.postcodes, loadShippedBankHolidays())],
    dbPath: join(dir, 'disruptions.sqlite'),
    webhooks: false,
    console: { councilName: (code) => data.councils.get(code)?.name, now: () => new Date(Date.now() + hoursAhead * 3_600_000) },
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    await new ConsoleAccounts(running.store.database, { passwordCost: TEST_SCRYPT_COST }).create({ councilCode: READING, email: EMAIL, name: 'Alex Morgan', roles: ['editor', 'publisher'], password: PASSWORD });
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const base = running.host.url;
    const shot = async (name: string) => {
      // The top of the page, as a person arriving at it sees it.
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      console.log(`docs/console/${name}.png`);
    };

    await page.goto(`${base}/console/`);
    await shot('sign-in');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);

    // An open-ended disruption first, for the dashboard's reminder.
    await page.goto(`${base}/console/disruptions/new`);
    await page.check('input[name="reason"][value="OPERATIONAL"]');
    await page.fill('#title', 'Garden waste collections paused');
    await page.fill('#detail', 'Crews are helping with general waste. Garden waste collections will restart as soon as we can.');
    await shot('step-1');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
    await page.check('#area');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
    const today = new Date();
    await page.fill('#starts-day', String(today.getDate()));
    await page.fill('#starts-month', String(today.getMonth() + 1));
    await page.fill('#starts-year', String(today.getFullYear()));
    await page.check('#effect');
    await page.check('#services-2');
    await page.check('input[name="serviceTypes"][value="GARDEN_WASTE"]');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue to preview")')]);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Publish now")')]);

    // A cancellation for a postcode area, to its preview.
    await page.goto(`${base}/console/disruptions/new`);
    await page.check('input[name="reason"][value="ROAD_CLOSURE"]');
    await page.fill('#title', 'Kings Road closed: collections cancelled today');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
    await page.check('#area-2');
    await page.fill('#postcodes', 'RG1 3\nRG1 4');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
    await page.fill('#starts-day', String(today.getDate()));
    await page.fill('#starts-month', String(today.getMonth() + 1));
    await page.fill('#starts-year', String(today.getFullYear()));
    await page.fill('#ends-day', String(today.getDate()));
    await page.fill('#ends-month', String(today.getMonth() + 1));
    await page.fill('#ends-year', String(today.getFullYear()));
    await page.check('#effect');
    await page.check('#services');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue to preview")')]);
    await shot('preview');

    hoursAhead = 5;
    await page.goto(`${base}/console/`);
    await shot('dashboard-reminder');
  } finally {
    await browser.close();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
