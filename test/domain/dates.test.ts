import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareIso,
  daysBetween,
  eachDay,
  isIsoDate,
  isoWeekday,
  startOfIsoWeek,
  todayInLondon,
} from '../../domain/dates.js';

describe('isIsoDate', () => {
  it.each(['2026-01-01', '2028-02-29', '2026-12-31'])('accepts the real date %s', (date) => {
    expect(isIsoDate(date)).toBe(true);
  });

  it.each<[unknown, string]>([
    ['2026-02-30', 'there is no 30 February'],
    ['2026-02-29', '2026 is not a leap year'],
    ['2100-02-29', '2100 is not a leap year'],
    ['2026-2-1', 'month and day need two digits'],
    ['2026-13-01', 'there is no 13th month'],
    ['2026-01-01T00:00:00Z', 'a timestamp is not a date'],
    [' 2026-01-01', 'no padding'],
    [20260101, 'not a string'],
  ])('rejects %s (%s)', (value) => {
    expect(isIsoDate(value)).toBe(false);
  });
});

describe('date arithmetic runs in UTC, so clock changes do not matter', () => {
  it('adds days across the spring clock change (29 March 2026)', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });

  it('adds days across the autumn clock change (25 October 2026) and the year end', () => {
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
  });

  it('counts days between dates, negative when the second is earlier', () => {
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
    expect(daysBetween('2026-04-01', '2026-03-01')).toBe(-31);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  });

  it('refuses half days and bad dates with a message naming the value', () => {
    expect(() => addDays('2026-01-01', 0.5)).toThrow(/whole number/);
    expect(() => addDays('2026-2-1', 1)).toThrow(/"2026-2-1"/);
  });
});

describe('weekdays', () => {
  it('numbers Monday 1 to Sunday 7: Easter Monday 2026 is a Monday, Christmas Day 2026 a Friday', () => {
    expect(isoWeekday('2026-04-06')).toBe(1);
    expect(isoWeekday('2026-12-25')).toBe(5);
    expect(isoWeekday('2026-12-27')).toBe(7);
  });

  it('finds the Monday of the week: New Year’s Day 2027 (Friday) is in the week of Monday 28 December', () => {
    expect(startOfIsoWeek('2027-01-01')).toBe('2026-12-28');
    expect(startOfIsoWeek('2026-12-28')).toBe('2026-12-28');
    expect(startOfIsoWeek('2027-01-03')).toBe('2026-12-28');
  });
});

describe('eachDay and compareIso', () => {
  it('lists every day, both ends included', () => {
    expect(eachDay('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(eachDay('2026-01-02', '2026-01-01')).toEqual([]);
  });

  it('sorts dates', () => {
    expect(['2027-01-01', '2026-12-25', '2026-12-28'].sort(compareIso)).toEqual(['2026-12-25', '2026-12-28', '2027-01-01']);
    expect(compareIso('2026-01-01', '2026-01-01')).toBe(0);
  });
});

describe('todayInLondon', () => {
  it.each([
    ['2026-06-30T23:30:00Z', '2026-07-01', 'in summer time London is an hour ahead of UTC'],
    ['2026-12-31T23:30:00Z', '2026-12-31', 'in winter London is on UTC'],
    ['2026-03-29T00:30:00Z', '2026-03-29', 'just before the clocks go forward'],
    ['2026-10-24T23:30:00Z', '2026-10-25', 'the night the clocks go back'],
  ])('at %s it is %s in London (%s)', (instant, expected) => {
    expect(todayInLondon(new Date(instant))).toBe(expected);
  });
});
