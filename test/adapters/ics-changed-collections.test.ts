// How a round's calendar becomes rounds: pairing excluded dates with changed collections, the
// Gedling and Bristol quirks, and the order-independence of the pairing.
import { describe, expect, it } from 'vitest';
import { collectionsBetween } from '../../domain/schedule/engine.js';
import { pairChangedCollections } from '../../subgraphs/council/adapters/ics/changed-collections.js';
import { parseCalendar } from '../../subgraphs/council/adapters/ics/ics-calendar.js';
import { calendarRounds } from '../../subgraphs/council/adapters/ics/ics-rounds.js';
import { bankHolidayExplainer } from '../../subgraphs/council/adapters/shared/move-reason.js';
import { ServiceCatalogue } from '../../subgraphs/council/adapters/shared/service-catalogue.js';
import { bankHolidays, describeCollection } from './support.js';

const catalogue = new ServiceCatalogue([
  { id: 'black', match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin' },
  { id: 'green', match: ['Green Bin', '/^Recycling/'], type: 'RECYCLING', name: 'Green bin' },
  { id: 'glass', match: 'Glass Box', type: 'GLASS', name: 'Glass box' },
  { id: 'waste', match: '/and waste$/', type: 'GENERAL_WASTE', name: 'Black wheelie bin' },
]);

function event(summary: string, ...lines: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${summary}-${lines.join('|')}`, `SUMMARY:${summary}`, ...lines, 'END:VEVENT'];
}

function collectionsOf(events: string[][], from: string, to: string, withinDays = 7) {
  const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flat(), 'END:VCALENDAR'].join('\r\n');
  const { byService, warnings, feedWarnings } = calendarRounds(parseCalendar(text, 'round.ics').events, {
    round: 'R1',
    file: 'round.ics',
    catalogue,
    changedMarker: /changed collection/i,
    withinDays,
    explain: bankHolidayExplainer(bankHolidays, 'england-and-wales'),
  });
  const rounds = [...byService.values()].flat();
  const collections = collectionsBetween({ rounds, from, to, bankHolidays, rules: { division: 'england-and-wales', policy: { kind: 'work-through' } } });
  return { collections: collections.map(describeCollection), warnings, feedWarnings };
}

describe('pairing excluded dates with changed collections', () => {
  it('pairs nearest first, so two moves in one fortnight cannot swap partners', () => {
    const pairing = pairChangedCollections(
      [{ date: '2026-12-21', rule: 0 }, { date: '2026-12-28', rule: 0 }],
      [
        { date: '2026-12-29', changed: true, summary: 'b', line: 2 },
        { date: '2026-12-19', changed: true, summary: 'a', line: 1 },
      ],
      7,
    );
    expect(pairing.pairs.map((p) => [p.excluded.date, p.oneOff.date])).toEqual([['2026-12-21', '2026-12-19'], ['2026-12-28', '2026-12-29']]);
  });

  it('gives the same answer whatever the order of the events', () => {
    const excluded = [{ date: '2026-05-04', rule: 0 }, { date: '2026-05-25', rule: 0 }];
    const oneOffs = [
      { date: '2026-05-02', changed: true, summary: 'x', line: 1 },
      { date: '2026-05-06', changed: false, summary: 'y', line: 2 },
      { date: '2026-05-23', changed: true, summary: 'z', line: 3 },
    ];
    const forward = pairChangedCollections(excluded, oneOffs, 7);
    const backward = pairChangedCollections([...excluded].reverse(), [...oneOffs].reverse(), 7);
    expect(backward.pairs.map((p) => [p.excluded.date, p.oneOff.date])).toEqual(forward.pairs.map((p) => [p.excluded.date, p.oneOff.date]));
    // Equally near (two days each way): the one marked as changed wins.
    expect(forward.pairs[0].oneOff.date).toBe('2026-05-02');
    expect(forward.unpairedOneOffs.map((o) => o.date)).toEqual(['2026-05-06']);
  });

  it('leaves a one-off further away than the limit as an extra collection, and the excluded date as no collection', () => {
    const result = collectionsOf(
      // Not marked as changed: a marked one would replace the nearer, unexcluded 1 June (see ics-feed-warnings.test.ts).
      [event('Black Bin Day', 'DTSTART;VALUE=DATE:20260504', 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3', 'EXDATE;VALUE=DATE:20260518'), event('Black Bin Day', 'DTSTART;VALUE=DATE:20260527')],
      '2026-05-01',
      '2026-06-30',
      7,
    );
    expect(result.collections).toEqual(['2026-05-04 black', '2026-05-27 black', '2026-06-01 black']);
  });
});

describe('Gedling quirks', () => {
  it('finds the regular date of a changed collection that lies before its rule starts (Monday G1, December 2025)', () => {
    // The four-weekly "Green Bin + Glass Box Day" rule starts on 19 January; the Christmas-week
    // collection it would have had on Monday 22 December was moved to Saturday 20 December.
    const result = collectionsOf(
      [
        event('Green Bin + Glass Box Day (Changed Collection)', 'DTSTART;VALUE=DATE:20251220'),
        event('Green Bin + Glass Box Day', 'RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=MO;UNTIL=20261123', 'DTSTART;VALUE=DATE:20260119'),
        event('Green Bin Day', 'RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=MO;UNTIL=20261109', 'DTSTART;VALUE=DATE:20251208'),
      ],
      '2025-12-01',
      '2026-01-31',
    );
    expect(result.collections).toEqual([
      '2025-12-08 green',
      '2025-12-20 glass from 2025-12-22',
      '2025-12-20 green from 2025-12-22',
      '2026-01-05 green',
      '2026-01-19 glass',
      '2026-01-19 green',
    ]);
  });

  it('splits a combined collection: one service stays, the other moves (Friday G2, January 2026)', () => {
    const result = collectionsOf(
      [
        event('Glass Box Day', 'DTSTART;VALUE=DATE:20260102'),
        event('Green Bin Day (Changed Collection)', 'DTSTART;VALUE=DATE:20260103'),
        event('Green Bin + Glass Box Day', 'RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=FR;UNTIL=20261106', 'EXDATE;VALUE=DATE:20260102', 'DTSTART;VALUE=DATE:20251205'),
      ],
      '2025-12-01',
      '2026-01-31',
    );
    expect(result.collections).toEqual(['2025-12-05 glass', '2025-12-05 green', '2026-01-02 glass', '2026-01-03 green from 2026-01-02', '2026-01-30 glass', '2026-01-30 green']);
  });

  it('ignores an EXDATE on a day the rule never produces', () => {
    const result = collectionsOf([event('Black Bin Day', 'DTSTART;VALUE=DATE:20260105', 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2', 'EXDATE;VALUE=DATE:20260106'), event('Black Bin Day (Changed Collection)', 'DTSTART;VALUE=DATE:20260107')], '2026-01-01', '2026-01-31');
    // The EXDATE excludes nothing, so the changed collection on the 7th contradicts the regular 5th:
    // the council's change wins, and the feed's missing exclusion is said out loud.
    expect(result.collections).toEqual(['2026-01-07 black from 2026-01-05', '2026-01-19 black']);
    expect(result.feedWarnings.map((w) => [w.code, w.round])).toEqual([['CHANGED_COLLECTION_WITHOUT_EXCLUSION', 'R1']]);
  });

  it('warns once about a summary that matches no service and leaves it out', () => {
    const result = collectionsOf([event('Bulky Waste Amnesty', 'DTSTART;VALUE=DATE:20260105'), event('Bulky Waste Amnesty', 'DTSTART;VALUE=DATE:20260112')], '2026-01-01', '2026-01-31');
    expect(result.collections).toEqual([]);
    expect(result.warnings).toEqual([{ file: 'round.ics', line: 3, column: 'SUMMARY', message: '"Bulky Waste Amnesty" matches no configured service, so it is left out' }]);
  });
});

describe('a calendar of one-off events with no rules (Bristol style)', () => {
  it('infers the weekly cycle and reads a collection off the cycle as moved', () => {
    // Mondays, recycling weekly and waste fortnightly; the collection of Monday 31 December came on Wednesday 2 January.
    const days: Array<[string, string]> = [
      ['20181203', 'Recycling and waste'], ['20181210', 'Recycling'], ['20181217', 'Recycling and waste'], ['20181224', 'Recycling'],
      ['20190102', 'Recycling and waste'], ['20190107', 'Recycling'], ['20190114', 'Recycling and waste'],
    ];
    const result = collectionsOf(days.map(([date, summary]) => event(summary, `DTSTART;VALUE=DATE:${date}`)), '2018-12-01', '2019-01-31');
    expect(result.collections).toEqual([
      '2018-12-03 green', '2018-12-03 waste', '2018-12-10 green', '2018-12-17 green', '2018-12-17 waste', '2018-12-24 green',
      '2019-01-02 green from 2018-12-31', '2019-01-02 waste from 2018-12-31', '2019-01-07 green', '2019-01-14 green', '2019-01-14 waste',
    ]);
  });
});

describe('a changed collection whose rule forgot the EXDATE', () => {
  it('replaces its own regular date, each of two in a row, with one warning each naming the round', () => {
    // Weekly Fridays; Christmas Day and New Year's Day moved to the Saturdays after, neither excluded.
    const result = collectionsOf(
      [
        event('Black Bin Day', 'DTSTART;VALUE=DATE:20261218', 'RRULE:FREQ=WEEKLY;COUNT=4'),
        event('Black Bin Day (Changed Collection)', 'DTSTART;VALUE=DATE:20270102'),
        event('Black Bin Day (Changed Collection)', 'DTSTART;VALUE=DATE:20261226'),
      ],
      '2026-12-14',
      '2027-01-10',
    );
    expect(result.collections).toEqual(['2026-12-18 black', '2026-12-26 black from 2026-12-25', '2027-01-02 black from 2027-01-01', '2027-01-08 black']);
    expect(result.feedWarnings.map((w) => [w.code, w.round, /the regular (\S+) of round/.exec(w.message)?.[1]])).toEqual([
      ['CHANGED_COLLECTION_WITHOUT_EXCLUSION', 'R1', '2026-12-25'],
      ['CHANGED_COLLECTION_WITHOUT_EXCLUSION', 'R1', '2027-01-01'],
    ]);
  });

  it('keeps a one-off that is not marked as changed as an extra collection, beside the regular one', () => {
    const result = collectionsOf([event('Black Bin Day', 'DTSTART;VALUE=DATE:20261218', 'RRULE:FREQ=WEEKLY;COUNT=2'), event('Black Bin Day', 'DTSTART;VALUE=DATE:20261219')], '2026-12-14', '2026-12-31');
    expect(result.collections).toEqual(['2026-12-18 black', '2026-12-19 black', '2026-12-25 black']);
    expect(result.feedWarnings).toEqual([]);
  });
});
