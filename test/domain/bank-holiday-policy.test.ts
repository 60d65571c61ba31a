// Each test is a calendar fact checked against the shipped GOV.UK data (data/bank-holidays.json).
import { describe, expect, it } from 'vitest';
import {
  adjustForBankHolidays,
  type BankHolidayPolicy,
  type CouncilBankHolidayRules,
  type ExplicitMoves,
} from '../../domain/bank-holidays/policy.js';
import { addDays, eachDay } from '../../domain/dates.js';
import type { BankHolidayDivision, IsoDate } from '../../domain/types.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';

const calendar = loadShippedBankHolidays();

/** Regular date → actual date for every day of a week, Monday to Saturday. */
function week(monday: IsoDate, division: BankHolidayDivision, policy: BankHolidayPolicy, table?: ExplicitMoves) {
  const rules: CouncilBankHolidayRules = { division, policy, table };
  return Object.fromEntries(eachDay(monday, addDays(monday, 5)).map((day) => [day, adjustForBankHolidays(day, calendar, rules).date]));
}

const slip: BankHolidayPolicy = { kind: 'slip' };
const saturdayBefore: BankHolidayPolicy = { kind: 'saturday-before' };
const workThrough: BankHolidayPolicy = { kind: 'work-through' };

describe('Easter Monday, 6 April 2026, in England', () => {
  it('slip: every collection that week moves a day later, Monday → Tuesday … Friday → Saturday', () => {
    expect(week('2026-04-06', 'england-and-wales', slip)).toEqual({
      '2026-04-06': '2026-04-07',
      '2026-04-07': '2026-04-08',
      '2026-04-08': '2026-04-09',
      '2026-04-09': '2026-04-10',
      '2026-04-10': '2026-04-11',
      '2026-04-11': '2026-04-11', // Saturday rounds do not move
    });
  });

  it('slip: reports the move and the holiday behind it', () => {
    const thursday = adjustForBankHolidays('2026-04-09', calendar, { division: 'england-and-wales', policy: slip });
    expect(thursday).toMatchObject({ date: '2026-04-10', moved: true, cancelled: false, holiday: { title: 'Easter Monday' } });
  });

  it('saturday-before: Monday’s collection is on Saturday 4 April, Tuesday to Friday unchanged', () => {
    expect(week('2026-04-06', 'england-and-wales', saturdayBefore)).toEqual({
      '2026-04-06': '2026-04-04',
      '2026-04-07': '2026-04-07',
      '2026-04-08': '2026-04-08',
      '2026-04-09': '2026-04-09',
      '2026-04-10': '2026-04-10',
      '2026-04-11': '2026-04-11',
    });
  });

  it('work-through: nothing changes', () => {
    const unchanged = adjustForBankHolidays('2026-04-06', calendar, { division: 'england-and-wales', policy: workThrough });
    expect(unchanged).toEqual({ date: '2026-04-06', moved: false, cancelled: false, holiday: null, note: null });
  });
});

describe('Easter 2026 in Scotland', () => {
  it('a Monday collection on 6 April 2026 is not moved: Easter Monday is no bank holiday in Scotland', () => {
    expect(week('2026-04-06', 'scotland', slip)['2026-04-06']).toBe('2026-04-06');
  });

  it('Good Friday 3 April 2026 is a holiday in Scotland: Friday’s collection slips to Saturday 4 April', () => {
    expect(week('2026-03-30', 'scotland', slip)).toEqual({
      '2026-03-30': '2026-03-30',
      '2026-03-31': '2026-03-31',
      '2026-04-01': '2026-04-01',
      '2026-04-02': '2026-04-02',
      '2026-04-03': '2026-04-04',
      '2026-04-04': '2026-04-04',
    });
  });
});

describe('Christmas 2026 in England: Friday 25 December and Monday 28 December (substitute Boxing Day)', () => {
  it('slip: Christmas Day’s collection moves to Saturday 26 December; the days before are unchanged', () => {
    expect(week('2026-12-21', 'england-and-wales', slip)).toMatchObject({
      '2026-12-21': '2026-12-21',
      '2026-12-24': '2026-12-24',
      '2026-12-25': '2026-12-26',
    });
  });

  it('slip: the week of Boxing Day (Mon 28) and New Year’s Day (Fri 1 Jan) moves Thursday and Friday both to Saturday 2 January', () => {
    expect(week('2026-12-28', 'england-and-wales', slip)).toEqual({
      '2026-12-28': '2026-12-29',
      '2026-12-29': '2026-12-30',
      '2026-12-30': '2026-12-31',
      '2026-12-31': '2027-01-02', // would land on New Year's Day, so goes on to Saturday
      '2027-01-01': '2027-01-02', // nothing moves past Saturday
      '2027-01-02': '2027-01-02',
    });
  });

  // A cascade over two weeks as councils publish it: each day moves on one working day,
  // and New Year's Day's collection goes to the following Monday, pushing that week too.
  const christmasTable: ExplicitMoves = {
    moves: [
      { from: '2026-12-25', to: '2026-12-29', note: 'Christmas Day collections' },
      { from: '2026-12-28', to: '2026-12-30' },
      { from: '2026-12-29', to: '2026-12-31' },
      { from: '2026-12-30', to: '2027-01-02' },
      { from: '2026-12-31', to: '2027-01-04' },
      { from: '2027-01-01', to: '2027-01-05' },
      { from: '2027-01-04', to: '2027-01-06' },
    ],
    cancelled: ['2026-12-24'],
  };

  it('an explicit Christmas table overrides slip for the dates it lists', () => {
    expect(week('2026-12-28', 'england-and-wales', slip, christmasTable)).toEqual({
      '2026-12-28': '2026-12-30',
      '2026-12-29': '2026-12-31',
      '2026-12-30': '2027-01-02',
      '2026-12-31': '2027-01-04',
      '2027-01-01': '2027-01-05',
      '2027-01-02': '2027-01-02',
    });
  });

  it('the table moves Monday 4 January 2027 although it is no holiday in England, and carries its note', () => {
    const rules: CouncilBankHolidayRules = { division: 'england-and-wales', policy: slip, table: christmasTable };
    expect(adjustForBankHolidays('2027-01-04', calendar, rules)).toMatchObject({ date: '2027-01-06', moved: true });
    expect(adjustForBankHolidays('2026-12-25', calendar, rules)).toMatchObject({ date: '2026-12-29', note: 'Christmas Day collections', holiday: null });
  });

  it('the table can cancel a date (no collection on Christmas Eve 2026)', () => {
    const rules: CouncilBankHolidayRules = { division: 'england-and-wales', policy: slip, table: christmasTable };
    expect(adjustForBankHolidays('2026-12-24', calendar, rules)).toMatchObject({ date: '2026-12-24', moved: false, cancelled: true });
  });

  it('dates the table does not list still follow the rule (Easter Monday 2027, 29 March)', () => {
    const rules: CouncilBankHolidayRules = { division: 'england-and-wales', policy: slip, table: christmasTable };
    expect(adjustForBankHolidays('2027-03-29', calendar, rules)).toMatchObject({ date: '2027-03-30', moved: true });
  });

  it('saturday-before: Christmas Day’s collection is on Saturday 19 December and Boxing Day’s on Saturday 26 December', () => {
    const rules: CouncilBankHolidayRules = { division: 'england-and-wales', policy: saturdayBefore };
    expect(adjustForBankHolidays('2026-12-25', calendar, rules).date).toBe('2026-12-19');
    expect(adjustForBankHolidays('2026-12-28', calendar, rules).date).toBe('2026-12-26');
  });
});

describe('New Year in Scotland', () => {
  it('2027: New Year’s Day (Fri 1 Jan) slips to Saturday 2 January, and the whole week of 2nd January (Mon 4 Jan) slips a day', () => {
    expect(week('2027-01-04', 'scotland', slip)).toEqual({
      '2027-01-04': '2027-01-05',
      '2027-01-05': '2027-01-06',
      '2027-01-06': '2027-01-07',
      '2027-01-07': '2027-01-08',
      '2027-01-08': '2027-01-09',
      '2027-01-09': '2027-01-09',
    });
    expect(week('2026-12-28', 'scotland', slip)['2027-01-01']).toBe('2027-01-02');
  });

  it('2027: England has no holiday on Monday 4 January, so nothing moves there', () => {
    expect(week('2027-01-04', 'england-and-wales', slip)['2027-01-04']).toBe('2027-01-04');
  });

  it('2026: two holidays in one week (Thu 1 and Fri 2 January) send Thursday’s and Friday’s collections to Saturday 3 January', () => {
    expect(week('2025-12-29', 'scotland', slip)).toEqual({
      '2025-12-29': '2025-12-29',
      '2025-12-30': '2025-12-30',
      '2025-12-31': '2025-12-31',
      '2026-01-01': '2026-01-03',
      '2026-01-02': '2026-01-03',
      '2026-01-03': '2026-01-03',
    });
  });
});

describe('two holidays on consecutive days: Christmas Day Monday 25 and Boxing Day Tuesday 26 December 2028', () => {
  it('slip moves each collection past both holidays and never beyond Saturday', () => {
    expect(week('2028-12-25', 'england-and-wales', slip)).toEqual({
      '2028-12-25': '2028-12-27', // Tuesday is Boxing Day, so Monday's collection goes on to Wednesday
      '2028-12-26': '2028-12-28',
      '2028-12-27': '2028-12-29',
      '2028-12-28': '2028-12-30',
      '2028-12-29': '2028-12-30',
      '2028-12-30': '2028-12-30',
    });
  });
});

describe('rules validation', () => {
  it('names the bad field', () => {
    const rules = {
      division: 'wales',
      policy: { kind: 'slide' },
      table: { moves: [{ from: '2026-12-25', to: '2026-12-32' }, { from: '2026-12-25', to: '2026-12-29' }] },
    } as unknown as CouncilBankHolidayRules;
    const attempt = () => adjustForBankHolidays('2026-12-25', calendar, rules);
    expect(attempt).toThrow(/division must be one of england-and-wales, scotland, northern-ireland, got "wales"/);
    expect(attempt).toThrow(/policy.kind must be one of slip, saturday-before, work-through, got "slide"/);
    expect(attempt).toThrow(/table.moves\[0\].to must be a real date/);
    expect(attempt).toThrow(/table.moves\[1\].from 2026-12-25 appears more than once/);
  });
});
