import { describe, expect, it } from 'vitest';
import {
  InvalidPatternError,
  patternProblems,
  patternToRRule,
  regularDates,
  type RoundPattern,
} from '../../domain/schedule/recurrence.js';

describe('weekly patterns', () => {
  it('every Tuesday from 6 January 2026', () => {
    const pattern: RoundPattern = { kind: 'weekly', weekday: 2, everyWeeks: 1, anchor: '2026-01-06' };
    expect(regularDates(pattern, '2026-01-01', '2026-01-31')).toEqual(['2026-01-06', '2026-01-13', '2026-01-20', '2026-01-27']);
  });

  it('every other Tuesday: the anchor 13 January 2026 picks the week, before and after it', () => {
    const pattern: RoundPattern = { kind: 'weekly', weekday: 2, everyWeeks: 2, anchor: '2026-01-13' };
    expect(regularDates(pattern, '2025-12-20', '2026-02-15')).toEqual(['2025-12-30', '2026-01-13', '2026-01-27', '2026-02-10']);
  });

  it('the other week of the same fortnight is the anchor a week later', () => {
    const weekB: RoundPattern = { kind: 'weekly', weekday: 2, everyWeeks: 2, anchor: '2026-01-20' };
    expect(regularDates(weekB, '2026-01-01', '2026-02-15')).toEqual(['2026-01-06', '2026-01-20', '2026-02-03']);
  });

  it('every 3 weeks on Monday, across the new year 2027', () => {
    const pattern: RoundPattern = { kind: 'weekly', weekday: 1, everyWeeks: 3, anchor: '2026-12-07' };
    expect(regularDates(pattern, '2026-12-01', '2027-01-31')).toEqual(['2026-12-07', '2026-12-28', '2027-01-18']);
  });

  it('includes both ends of the range', () => {
    const pattern: RoundPattern = { kind: 'weekly', weekday: 2, everyWeeks: 1, anchor: '2026-01-06' };
    expect(regularDates(pattern, '2026-01-06', '2026-01-13')).toEqual(['2026-01-06', '2026-01-13']);
    expect(regularDates(pattern, '2026-01-07', '2026-01-12')).toEqual([]);
  });

  it('writes the pattern as an RRULE', () => {
    expect(patternToRRule({ kind: 'weekly', weekday: 2, everyWeeks: 2, anchor: '2026-01-13' })).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU');
    expect(patternToRRule({ kind: 'weekly', weekday: 5, everyWeeks: 1, anchor: '2026-01-02' })).toBe('FREQ=WEEKLY;BYDAY=FR');
  });
});

describe('weekly pattern validation says what is wrong', () => {
  it('an anchor on the wrong weekday: 6 January 2026 is a Tuesday, not a Monday', () => {
    expect(patternProblems({ kind: 'weekly', weekday: 1, everyWeeks: 1, anchor: '2026-01-06' })).toEqual([
      'anchor 2026-01-06 is a Tuesday, not a Monday (weekday 1)',
    ]);
  });

  it.each([
    [{ weekday: 0, everyWeeks: 1, anchor: '2026-01-05' }, /weekday must be 1 \(Monday\) to 7 \(Sunday\), got 0/],
    [{ weekday: 1, everyWeeks: 9, anchor: '2026-01-05' }, /everyWeeks must be a whole number from 1 to 8, got 9/],
    [{ weekday: 1, everyWeeks: 1.5, anchor: '2026-01-05' }, /everyWeeks .* got 1.5/],
    [{ weekday: 1, everyWeeks: 1, anchor: '2026-1-5' }, /anchor must be a real date written YYYY-MM-DD, got "2026-1-5"/],
  ])('%o', (fields, message) => {
    const pattern = { kind: 'weekly', ...fields } as RoundPattern;
    expect(() => regularDates(pattern, '2026-01-01', '2026-02-01')).toThrow(InvalidPatternError);
    expect(() => regularDates(pattern, '2026-01-01', '2026-02-01')).toThrow(message);
  });
});

describe('RRULE patterns', () => {
  it('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU from 6 January 2026', () => {
    const pattern: RoundPattern = { kind: 'rrule', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', dtstart: '2026-01-06' };
    expect(regularDates(pattern, '2026-01-01', '2026-02-28')).toEqual(['2026-01-06', '2026-01-20', '2026-02-03', '2026-02-17']);
  });

  it('the first Monday of every month in 2026, accepting an "RRULE:" prefix', () => {
    const pattern: RoundPattern = { kind: 'rrule', rrule: 'RRULE:FREQ=MONTHLY;BYDAY=1MO', dtstart: '2026-01-01' };
    expect(regularDates(pattern, '2026-01-01', '2026-04-30')).toEqual(['2026-01-05', '2026-02-02', '2026-03-02', '2026-04-06']);
    expect(patternToRRule(pattern)).toBe('FREQ=MONTHLY;BYDAY=1MO');
  });

  it('stops at UNTIL and ignores days before DTSTART', () => {
    const pattern: RoundPattern = { kind: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=FR;UNTIL=20260130', dtstart: '2026-01-09' };
    expect(regularDates(pattern, '2026-01-01', '2026-03-01')).toEqual(['2026-01-09', '2026-01-16', '2026-01-23', '2026-01-30']);
  });

  it('is unaffected by the clock change on 29 March 2026', () => {
    const pattern: RoundPattern = { kind: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-03-16' };
    expect(regularDates(pattern, '2026-03-20', '2026-04-10')).toEqual(['2026-03-23', '2026-03-30', '2026-04-06']);
  });

  it.each([
    ['FREQ=HOURLY', /FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got HOURLY/],
    ['FREQ=WEEKLY;INTERVAL=abc', /INTERVAL must be a whole number of at least 1, got ABC/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY has unknown days XX/],
    ['BYDAY=MO', /rrule needs FREQ/],
    ['FREQ=WEEKLY;BYHOUR=9', /BYHOUR is not supported/],
    ['', /rrule must be a non-empty RRULE value/],
  ])('rejects %j', (rrule, message) => {
    expect(() => regularDates({ kind: 'rrule', rrule, dtstart: '2026-01-01' }, '2026-01-01', '2026-02-01')).toThrow(message);
  });
});
