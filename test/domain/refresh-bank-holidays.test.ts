// The refresh script must never leave a corrupt or shrunken calendar behind.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BankHolidayCalendar } from '../../domain/bank-holidays/calendar.js';
import { refreshBankHolidays } from '../../scripts/refresh-bank-holidays.js';

function feedWith(dates: string[]) {
  const division = (name: string) => ({ division: name, events: dates.map((date) => ({ title: 'Holiday', date, notes: '', bunting: true })) });
  return { 'england-and-wales': division('england-and-wales'), scotland: division('scotland'), 'northern-ireland': division('northern-ireland') };
}

let dir: string;
let out: string;
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-bank-holidays-'));
  out = join(dir, 'bank-holidays.json');
});

describe('refreshBankHolidays', () => {
  it('creates the file from a local feed with --from-file', async () => {
    const summary = await refreshBankHolidays({ fromFile: write('feed.json', feedWith(['2026-12-25', '2012-01-02'])), out });
    expect(summary.coverage).toEqual({ firstYear: 2012, lastYear: 2026 });
    const written = BankHolidayCalendar.fromFeed(JSON.parse(readFileSync(out, 'utf8')));
    expect(written.holidays('scotland', '2012-01-01', '2026-12-31').map((h) => h.date)).toEqual(['2012-01-02', '2026-12-25']);
  });

  it('merges over the existing file, keeping the years the feed does not cover', async () => {
    write('bank-holidays.json', feedWith(['2012-01-02', '2026-05-04', '2028-12-25']));
    const summary = await refreshBankHolidays({ fromFile: write('feed.json', feedWith(['2026-05-25'])), out });
    expect(summary.coverage).toEqual({ firstYear: 2012, lastYear: 2028 });
    expect(summary.removed).toContain('scotland 2026-05-04 Holiday');
    expect(summary.added).toContain('scotland 2026-05-25 Holiday');
  });

  it('leaves the existing file untouched, and no temporary file, when the feed is invalid', async () => {
    const before = JSON.stringify(feedWith(['2026-12-25']));
    write('bank-holidays.json', before);
    const badFeed = write('feed.json', feedWith(['2026-02-30']));
    await expect(refreshBankHolidays({ fromFile: badFeed, out })).rejects.toThrow(/date must be a real date/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['bank-holidays.json', 'feed.json']);
  });

  it('refuses to merge over an existing file that is not a valid calendar', async () => {
    write('bank-holidays.json', '{"truncated":');
    await expect(refreshBankHolidays({ fromFile: write('feed.json', feedWith(['2026-12-25'])), out })).rejects.toThrow(/not a valid calendar, so nothing was merged/);
    expect(readFileSync(out, 'utf8')).toBe('{"truncated":');
  });

  it('says how to work offline when the feed cannot be fetched', async () => {
    await expect(refreshBankHolidays({ url: 'https://bank-holidays.invalid/bank-holidays.json', out })).rejects.toThrow(/Cannot fetch .*--from-file/);
    expect(existsSync(out)).toBe(false);
  });
});
