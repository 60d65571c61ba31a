// Pattern inference that respects the evidence: the simplest weekly cycle consistent with every date
// of a feed, moves read as moves (not extras) on feeds as short as two weeks, and why a date moved.
// Property-based over generated rounds, holidays and feed windows; then one example per defect.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BankHolidayCalendar } from '../../domain/bank-holidays/calendar.js';
import { bankHolidayAdjuster, type BankHolidayPolicy } from '../../domain/bank-holidays/policy.js';
import { addDays, isoWeekday } from '../../domain/dates.js';
import { collectionsBetween } from '../../domain/schedule/engine.js';
import { regularDates } from '../../domain/schedule/recurrence.js';
import { parseCalendar } from '../../subgraphs/council/adapters/ics/ics-calendar.js';
import { calendarRounds } from '../../subgraphs/council/adapters/ics/ics-rounds.js';
import { bankHolidayExplainer, likelyHolidayMove } from '../../subgraphs/council/adapters/shared/move-reason.js';
import { ServiceCatalogue } from '../../subgraphs/council/adapters/shared/service-catalogue.js';
import { inferWeeklyLattice } from '../../subgraphs/council/adapters/shared/weekly-lattice.js';
import { bankHolidays, describeCollection } from './support.js';

const DIVISION = 'england-and-wales';
const WORK_THROUGH = { division: DIVISION, policy: { kind: 'work-through' } } as const;
const catalogue = new ServiceCatalogue([{ id: 'refuse', match: 'Refuse', type: 'GENERAL_WASTE', name: 'Refuse' }]);

/** A calendar of invented holidays (the other divisions need one event each to be a valid feed). */
function calendarOf(holidays: readonly string[]): BankHolidayCalendar {
  const filler = [{ title: 'Filler', date: '2000-01-03', notes: '', bunting: false }];
  const events = [...new Set(holidays)].sort().map((date) => ({ title: `Holiday ${date}`, date, notes: '', bunting: true }));
  return BankHolidayCalendar.fromFeed({
    'england-and-wales': { division: DIVISION, events: events.length > 0 ? events : filler },
    scotland: { division: 'scotland', events: filler },
    'northern-ireland': { division: 'northern-ireland', events: filler },
  });
}

/** A Bristol-style calendar: every collection its own one-off event, no rules. */
function oneOffCalendar(dates: readonly string[]): string {
  const events = dates.flatMap((date, i) => ['BEGIN:VEVENT', `UID:e${i}`, 'SUMMARY:Refuse collection', `DTSTART;VALUE=DATE:${date.replaceAll('-', '')}`, 'END:VEVENT']);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events, 'END:VCALENDAR'].join('\r\n');
}

/** The feed as the adapter serves it: inferred rounds through the schedule engine. */
function served(dates: readonly string[], calendar: BankHolidayCalendar, from: string, to: string): string[] {
  const { byService } = calendarRounds(parseCalendar(oneOffCalendar(dates), 'round.ics').events, {
    round: 'R',
    file: 'round.ics',
    catalogue,
    changedMarker: /changed collection/i,
    withinDays: 7,
    explain: bankHolidayExplainer(calendar, DIVISION),
    likelyMove: likelyHolidayMove(calendar, DIVISION),
  });
  return collectionsBetween({ rounds: [...byService.values()].flat(), from, to, bankHolidays: calendar, rules: WORK_THROUGH }).map(
    (c) => `${describeCollection(c)}${c.changeReason ? ` ${c.changeReason}` : ''}`,
  );
}

// A round, a feed window of two to six weeks, some bank holidays, and how the council moves collections.
const scenario = fc
  .record({
    weekday: fc.integer({ min: 1, max: 5 }),
    everyWeeks: fc.integer({ min: 1, max: 4 }),
    firstMonday: fc.integer({ min: 0, max: 150 }).map((weeks) => addDays('2024-01-01', weeks * 7)),
    phaseWeeks: fc.integer({ min: 0, max: 3 }),
    windowWeeks: fc.integer({ min: 2, max: 6 }),
    holidayOffsets: fc.uniqueArray(fc.integer({ min: -7, max: 6 * 7 + 7 }), { maxLength: 3 }),
    policy: fc.constantFrom<BankHolidayPolicy>({ kind: 'slip' }, { kind: 'saturday-before' }),
  })
  .map((s) => {
    const windowStart = s.firstMonday;
    const windowEnd = addDays(windowStart, s.windowWeeks * 7 - 1);
    // Holidays fall on working days, as bank holidays do.
    const holidays = s.holidayOffsets.map((n) => addDays(windowStart, n)).filter((date) => isoWeekday(date) <= 5);
    const calendar = calendarOf(holidays);
    const anchor = addDays(windowStart, s.weekday - 1 + (s.phaseWeeks % s.everyWeeks) * 7);
    const adjust = bankHolidayAdjuster(calendar, { division: DIVISION, policy: s.policy });
    const regular = regularDates({ kind: 'weekly', weekday: s.weekday as 1, everyWeeks: s.everyWeeks, anchor }, windowStart, windowEnd);
    const collections = regular.map((date) => ({ regular: date, actual: adjust(date).date }));
    return { ...s, windowStart, windowEnd, holidays, calendar, collections };
  });

describe('weekly cycle inference (property-based)', () => {
  it('finds the generating cycle, and reads every bank-holiday slip as a move of its regular date', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const moved = s.collections.filter((c) => c.actual !== c.regular);
        const unmoved = s.collections.length - moved.length;
        // The evidence must be able to tell: two collections at least, and more on their day than moved.
        fc.pre(s.collections.length >= 2 && unmoved > moved.length);
        const lattice = inferWeeklyLattice(
          s.collections.map((c) => c.actual),
          { plausibleMove: likelyHolidayMove(s.calendar, DIVISION) },
        )!;
        expect({ weekday: lattice.weekday, everyWeeks: lattice.everyWeeks }).toEqual({ weekday: s.weekday, everyWeeks: s.everyWeeks });
        expect(lattice.moves).toEqual(moved.map((c) => ({ from: c.regular, to: c.actual })));
      }),
      { numRuns: 400 },
    );
  });

  it('serves the feed back date for date: moves MOVED from their regular date because of a BANK_HOLIDAY, the rest SCHEDULED', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const moved = s.collections.filter((c) => c.actual !== c.regular);
        fc.pre(s.collections.length >= 2 && s.collections.length - moved.length > moved.length);
        const expected = s.collections
          .map((c) => (c.actual === c.regular ? `${c.actual} refuse` : `${c.actual} refuse from ${c.regular} BANK_HOLIDAY`))
          .sort();
        expect(served(s.collections.map((c) => c.actual), s.calendar, addDays(s.windowStart, -7), addDays(s.windowEnd, 7))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the defects of issue 14, one example each', () => {
  it('keeps a fortnightly round fortnightly on a three-week feed, and its Monday-to-Saturday slip MOVED', () => {
    // Monday 14 December, then the 28 December round (Boxing Day's substitute holiday) collected on Saturday 2 January.
    const lattice = inferWeeklyLattice(['2026-12-14', '2027-01-02'], { plausibleMove: likelyHolidayMove(bankHolidays, DIVISION) })!;
    expect(lattice).toMatchObject({ weekday: 1, everyWeeks: 2, first: '2026-12-14', last: '2026-12-28', moves: [{ from: '2026-12-28', to: '2027-01-02' }] });
    expect(served(['2026-12-14', '2027-01-02'], bankHolidays, '2026-12-07', '2027-01-10')).toEqual(['2026-12-14 refuse', '2027-01-02 refuse from 2026-12-28 BANK_HOLIDAY']);
  });

  it('does not take a four-weekly cycle for four weeks of a fortnightly round with a slip', () => {
    const dates = ['2026-12-14', '2027-01-02', '2027-01-11'];
    expect(inferWeeklyLattice(dates)).toMatchObject({ weekday: 1, everyWeeks: 2, moves: [{ from: '2026-12-28', to: '2027-01-02' }], missing: ['2026-12-28'] });
    expect(served(dates, bankHolidays, '2026-12-07', '2027-01-17')).toEqual([
      '2026-12-14 refuse',
      '2027-01-02 refuse from 2026-12-28 BANK_HOLIDAY',
      '2027-01-11 refuse',
    ]);
  });

  it('pairs two Saturday-before moves in a row with their own Fridays, not the nearest ones', () => {
    // Fridays; Christmas Day's collection on Saturday 19 December and New Year's Day's on Saturday 26 December.
    const dates = ['2026-12-04', '2026-12-11', '2026-12-18', '2026-12-19', '2026-12-26', '2027-01-08', '2027-01-15'];
    expect(inferWeeklyLattice(dates, { plausibleMove: likelyHolidayMove(bankHolidays, DIVISION) })).toMatchObject({
      weekday: 5,
      everyWeeks: 1,
      moves: [{ from: '2026-12-25', to: '2026-12-19' }, { from: '2027-01-01', to: '2026-12-26' }],
    });
  });

  it('reads a move at the start of a short feed as a move of the nearest missing date, not as a Saturday round (found by fast-check)', () => {
    // Weekly Thursdays; a holiday on Thursday 4 January 2024 moved its collection to the Saturday before.
    const calendar = calendarOf(['2024-01-04']);
    const lattice = inferWeeklyLattice(['2023-12-30', '2024-01-11', '2024-01-18'], { plausibleMove: likelyHolidayMove(calendar, DIVISION) });
    expect(lattice).toMatchObject({ weekday: 4, everyWeeks: 1, first: '2024-01-04', moves: [{ from: '2024-01-04', to: '2023-12-30' }], missing: ['2024-01-04'] });
  });

  it('still leaves a genuine extra collection as an extra, not a reason to change the cycle', () => {
    const dates = ['2026-03-02', '2026-03-16', '2026-03-21', '2026-03-30', '2026-04-13'];
    const lattice = inferWeeklyLattice(dates, { plausibleMove: likelyHolidayMove(bankHolidays, DIVISION) })!;
    expect(lattice).toMatchObject({ weekday: 1, everyWeeks: 2, moves: [], missing: [], offLattice: ['2026-03-21'] });
  });
});

describe('why a collection moved', () => {
  const explain = bankHolidayExplainer(bankHolidays, DIVISION);
  it.each([
    ['a Christmas move made in the week before the holiday week, later', '2026-12-18', '2026-12-19', 'BANK_HOLIDAY', 'Because of Christmas Day (2026-12-25)'],
    ['a Christmas move made in the week before the holiday week, earlier', '2026-12-17', '2026-12-16', 'BANK_HOLIDAY', 'Because of Christmas Day (2026-12-25)'],
    ['a New Year move in the week after', '2027-01-08', '2027-01-09', 'BANK_HOLIDAY', 'Because of New Year’s Day (2027-01-01)'],
    ['a slip in the week of the holiday', '2026-05-27', '2026-05-28', 'BANK_HOLIDAY', 'Because of Spring bank holiday (2026-05-25)'],
    ['a move in the week after an ordinary bank holiday week', '2026-06-03', '2026-06-04', 'BANK_HOLIDAY', 'Because of Spring bank holiday (2026-05-25)'],
    ['a move in the week before Easter (only Christmas and New Year reach back)', '2027-03-19', '2027-03-20', 'OTHER', 'Feed text'],
    ['a move with no holiday near', '2026-10-14', '2026-10-15', 'OTHER', 'Feed text'],
  ])('%s', (_name, from, to, reason, note) => {
    expect(explain(from, to, 'Feed text')).toEqual({ reason, note });
  });
});
