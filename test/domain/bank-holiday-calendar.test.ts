import { describe, expect, it } from 'vitest';
import {
  BankHolidayCalendar,
  BankHolidayFeedError,
  divisionForNation,
  mergeBankHolidayFeeds,
  parseBankHolidayFeed,
  type GovUkBankHolidayFeed,
} from '../../domain/bank-holidays/calendar.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';

const calendar = loadShippedBankHolidays();

describe('the shipped GOV.UK calendar (data/bank-holidays.json)', () => {
  it('covers 2012 to 2028 in every division', () => {
    expect(calendar.coverage()).toEqual({ firstYear: 2012, lastYear: 2028 });
    expect(calendar.coverage('scotland')).toEqual({ firstYear: 2012, lastYear: 2028 });
  });

  it('Easter Monday 6 April 2026 is a bank holiday in England and Wales but not in Scotland', () => {
    expect(calendar.holidayOn('england-and-wales', '2026-04-06')?.title).toBe('Easter Monday');
    expect(calendar.isHoliday('scotland', '2026-04-06')).toBe(false);
  });

  it('Good Friday 3 April 2026 is a bank holiday in Scotland', () => {
    expect(calendar.holidayOn('scotland', '2026-04-03')?.title).toBe('Good Friday');
  });

  it('Boxing Day 2026 is a substitute day on Monday 28 December', () => {
    expect(calendar.holidayOn('england-and-wales', '2026-12-28')).toMatchObject({ title: 'Boxing Day', notes: 'Substitute day' });
    expect(calendar.isHoliday('england-and-wales', '2026-12-26')).toBe(false);
  });

  it('Scotland has New Year’s Day on Friday 1 January 2027 and 2nd January on Monday 4 January 2027', () => {
    expect(calendar.holidays('scotland', '2027-01-01', '2027-01-31').map((h) => [h.date, h.title])).toEqual([
      ['2027-01-01', 'New Year’s Day'],
      ['2027-01-04', '2nd January'],
    ]);
    expect(calendar.holidays('england-and-wales', '2027-01-01', '2027-01-31').map((h) => h.date)).toEqual(['2027-01-01']);
  });

  it('Northern Ireland has St Patrick’s Day (17 March 2026) and the Battle of the Boyne (13 July 2026)', () => {
    expect(calendar.isHoliday('northern-ireland', '2026-03-17')).toBe(true);
    expect(calendar.isHoliday('northern-ireland', '2026-07-13')).toBe(true);
    expect(calendar.isHoliday('england-and-wales', '2026-03-17')).toBe(false);
  });

  it('has the one-off Scottish World Cup bank holiday on 15 June 2026, announced after the 2025 feed', () => {
    expect(calendar.holidayOn('scotland', '2026-06-15')?.title).toBe('World Cup bank holiday');
  });

  it('has the proclaimed one-off holidays: the coronation on 8 May 2023 and VE Day moved to Friday 8 May 2020', () => {
    expect(calendar.holidayOn('england-and-wales', '2023-05-08')?.title).toMatch(/coronation/i);
    expect(calendar.isHoliday('england-and-wales', '2020-05-08')).toBe(true);
    expect(calendar.isHoliday('england-and-wales', '2020-05-04')).toBe(false);
  });

  it('knows nothing outside its coverage (2029 is not in the data)', () => {
    expect(calendar.holidays('england-and-wales', '2029-01-01', '2029-12-31')).toEqual([]);
  });
});

describe('divisionForNation', () => {
  it.each([
    ['ENGLAND', 'england-and-wales'],
    ['WALES', 'england-and-wales'],
    ['SCOTLAND', 'scotland'],
    ['NORTHERN_IRELAND', 'northern-ireland'],
  ] as const)('%s → %s', (nation, division) => {
    expect(divisionForNation(nation)).toBe(division);
  });
});

function feed(events: Partial<Record<keyof GovUkBankHolidayFeed, [string, string][]>>): GovUkBankHolidayFeed {
  const division = (name: keyof GovUkBankHolidayFeed) => ({
    division: name,
    events: (events[name] ?? [['2026-12-25', 'Christmas Day']]).map(([date, title]) => ({ title, date, notes: '', bunting: true })),
  });
  return { 'england-and-wales': division('england-and-wales'), scotland: division('scotland'), 'northern-ireland': division('northern-ireland') };
}

describe('feed validation names the bad field', () => {
  it('rejects an impossible date', () => {
    const bad = feed({ scotland: [['2026-02-30', 'Nonsense Day']] });
    expect(() => BankHolidayCalendar.fromFeed(bad)).toThrow(BankHolidayFeedError);
    expect(() => BankHolidayCalendar.fromFeed(bad)).toThrow(/scotland\.events\.0\.date: date must be a real date/);
  });

  it('rejects a missing division and a division under the wrong name', () => {
    const { scotland: _omitted, ...withoutScotland } = feed({});
    expect(() => parseBankHolidayFeed(withoutScotland)).toThrow(/scotland: /);
    const misnamed = feed({});
    misnamed.scotland.division = 'northern-ireland';
    expect(() => parseBankHolidayFeed(misnamed)).toThrow(/scotland\.division: says "northern-ireland"/);
  });

  it('accepts fields GOV.UK may add later', () => {
    const withExtra = { ...feed({}), generatedAt: 'today' };
    expect(() => parseBankHolidayFeed(withExtra)).not.toThrow();
  });
});

describe('mergeBankHolidayFeeds: the live feed over the shipped file, a year at a time', () => {
  const shipped = feed({
    'england-and-wales': [
      ['2012-12-25', 'Christmas Day'],
      ['2020-05-04', 'Early May bank holiday'],
      ['2028-12-25', 'Christmas Day'],
    ],
  });
  const live = feed({
    'england-and-wales': [
      ['2020-05-08', 'Early May bank holiday (VE day)'],
      ['2021-05-03', 'Early May bank holiday'],
    ],
  });
  const merged = mergeBankHolidayFeeds(shipped, live)['england-and-wales'].events.map((e) => e.date);

  it('keeps the years the live feed does not cover (2012, 2028)', () => {
    expect(merged).toContain('2012-12-25');
    expect(merged).toContain('2028-12-25');
  });

  it('replaces a covered year whole, so VE Day 2020 moving from 4 to 8 May drops the old date', () => {
    expect(merged).toEqual(['2012-12-25', '2020-05-08', '2021-05-03', '2028-12-25']);
  });
});
