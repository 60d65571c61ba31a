// Refreshes data/bank-holidays.json from GOV.UK (Open Government Licence v3.0).
//
//   npx tsx scripts/refresh-bank-holidays.ts                      # fetch https://www.gov.uk/bank-holidays.json
//   npx tsx scripts/refresh-bank-holidays.ts --from-file feed.json  # use a local copy instead of the network
//   ... --out other.json                                            # write somewhere else (default: the shipped file)
//
// The live feed spans only a few years, so it is MERGED over the existing file a whole year at a
// time (see mergeBankHolidayFeeds): years the feed lists are replaced, older and newer years kept.
// Both inputs and the result are validated, and the file is replaced by renaming a temporary
// file, so an interrupted or failed run never leaves a corrupt calendar behind.

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BankHolidayCalendar, mergeBankHolidayFeeds, parseBankHolidayFeed } from '../domain/bank-holidays/calendar.js';
import type { GovUkBankHolidayFeed } from '../domain/bank-holidays/calendar.js';
import { BANK_HOLIDAY_DIVISIONS } from '../domain/types.js';

export const GOVUK_BANK_HOLIDAYS_URL = 'https://www.gov.uk/bank-holidays.json';
const SHIPPED_PATH = fileURLToPath(new URL('../data/bank-holidays.json', import.meta.url));

export interface RefreshOptions {
  /** A local feed file; when absent the feed is fetched from `url`. */
  fromFile?: string;
  url?: string;
  out?: string;
}

export interface RefreshSummary {
  out: string;
  coverage: { firstYear: number; lastYear: number };
  added: string[];
  removed: string[];
}

export async function refreshBankHolidays(options: RefreshOptions = {}): Promise<RefreshSummary> {
  const out = options.out ?? SHIPPED_PATH;
  const incoming = parseBankHolidayFeed(options.fromFile ? readJson(options.fromFile) : await fetchFeed(options.url ?? GOVUK_BANK_HOLIDAYS_URL));
  const existing = existsSync(out) ? readExisting(out) : null;
  const merged = existing ? mergeBankHolidayFeeds(existing, incoming) : incoming;
  const calendar = BankHolidayCalendar.fromFeed(merged);
  writeAtomically(out, `${JSON.stringify(calendar.toFeed(), null, 2)}\n`);
  return { out, coverage: calendar.coverage(), ...differences(existing, merged) };
}

async function fetchFeed(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    // undici says only "fetch failed"; the reason (DNS, refused, timeout) is in `cause`.
    const cause = (error as Error).cause as Error | undefined;
    throw new Error(`Cannot fetch ${url}: ${cause?.message ?? (error as Error).message} (use --from-file <path> offline)`);
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  return response.json();
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read JSON from ${path}: ${(error as Error).message}`);
  }
}

function readExisting(path: string): GovUkBankHolidayFeed {
  try {
    return parseBankHolidayFeed(readJson(path));
  } catch (error) {
    // Merging over a broken file would silently drop the years only it holds.
    throw new Error(`The existing ${path} is not a valid calendar, so nothing was merged: ${(error as Error).message}`);
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    parseBankHolidayFeed(JSON.parse(readFileSync(temporary, 'utf8'))); // what is on disk is what was meant
    renameSync(temporary, path); // atomic on one file system: readers see the old file or the new one
  } finally {
    rmSync(temporary, { force: true });
  }
}

function differences(before: GovUkBankHolidayFeed | null, after: GovUkBankHolidayFeed): { added: string[]; removed: string[] } {
  const keys = (feed: GovUkBankHolidayFeed | null) =>
    new Set(feed ? BANK_HOLIDAY_DIVISIONS.flatMap((d) => feed[d].events.map((e) => `${d} ${e.date} ${e.title}`)) : []);
  const [old, now] = [keys(before), keys(after)];
  return { added: [...now].filter((k) => !old.has(k)), removed: [...old].filter((k) => !now.has(k)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'from-file': { type: 'string' }, out: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log('Usage: npx tsx scripts/refresh-bank-holidays.ts [--from-file <feed.json>] [--url <url>] [--out <path>]');
    return;
  }
  const summary = await refreshBankHolidays({ fromFile: values['from-file'], url: values.url, out: values.out });
  console.log(`Wrote ${summary.out}: ${summary.coverage.firstYear}–${summary.coverage.lastYear}`);
  // A first run adds every holiday: list changes only when a reviewer can read them.
  const changes = [...summary.added.map((line) => `  + ${line}`), ...summary.removed.map((line) => `  - ${line}`)];
  if (changes.length <= 40) changes.forEach((line) => console.log(line));
  else console.log(`  ${summary.added.length} holidays added, ${summary.removed.length} removed`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`refresh-bank-holidays: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
