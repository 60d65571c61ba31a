import { describe, expect, it } from 'vitest';
import type { CouncilBankHolidayRules } from '../../domain/bank-holidays/policy.js';
import {
  InvalidRoundError,
  MAX_RANGE_DAYS,
  collectionsBetween,
  nextCollectionPerService,
  orderCollections,
  type Round,
} from '../../domain/schedule/engine.js';
import type { Collection } from '../../domain/types.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';

const bankHolidays = loadShippedBankHolidays();
const englandSlip: CouncilBankHolidayRules = { division: 'england-and-wales', policy: { kind: 'slip' } };

const fridayRefuse: Round = { id: 'refuse-fri', serviceId: 'refuse', pattern: { kind: 'weekly', weekday: 5, everyWeeks: 1, anchor: '2026-01-02' } };
const mondayRecycling: Round = { id: 'recycling-mon-a', serviceId: 'recycling', pattern: { kind: 'weekly', weekday: 1, everyWeeks: 2, anchor: '2026-03-23' } };

function between(rounds: Round[], from: string, to: string, rules = englandSlip): Collection[] {
  return collectionsBetween({ rounds, from, to, bankHolidays, rules });
}

const scheduled = (date: string, serviceId: string): Collection => ({
  date, serviceId, status: 'SCHEDULED', originalDate: null, changeReason: null, note: null, disruptionId: null,
});

describe('collections around Easter 2026 in England (slip)', () => {
  it('Good Friday’s refuse (3 April) is MOVED to Saturday 4 April with its original date; Easter Monday’s recycling to Tuesday 7 April', () => {
    expect(between([fridayRefuse, mondayRecycling], '2026-03-30', '2026-04-12')).toEqual([
      { date: '2026-04-04', serviceId: 'refuse', status: 'MOVED', originalDate: '2026-04-03', changeReason: 'BANK_HOLIDAY', note: 'Because of Good Friday (Friday 3 April)', disruptionId: null },
      { date: '2026-04-07', serviceId: 'recycling', status: 'MOVED', originalDate: '2026-04-06', changeReason: 'BANK_HOLIDAY', note: 'Because of Easter Monday (Monday 6 April)', disruptionId: null },
      { date: '2026-04-11', serviceId: 'refuse', status: 'MOVED', originalDate: '2026-04-10', changeReason: 'BANK_HOLIDAY', note: 'Because of Easter Monday (Monday 6 April)', disruptionId: null },
    ]);
  });

  it('filters on the actual date: asking for Saturday 4 April alone finds Good Friday’s collection', () => {
    expect(between([fridayRefuse], '2026-04-04', '2026-04-04').map((c) => c.originalDate)).toEqual(['2026-04-03']);
  });

  it('filters on the actual date: asking for Good Friday alone finds nothing, the collection moved out', () => {
    expect(between([fridayRefuse], '2026-04-03', '2026-04-03')).toEqual([]);
  });

  it('saturday-before pulls Easter Monday’s collection back into a range that ends on Saturday 4 April', () => {
    const rules: CouncilBankHolidayRules = { division: 'england-and-wales', policy: { kind: 'saturday-before' } };
    expect(between([mondayRecycling], '2026-03-30', '2026-04-04', rules).map((c) => [c.date, c.originalDate])).toEqual([
      ['2026-04-04', '2026-04-06'],
    ]);
  });
});

describe('New Year 2027 in England (slip)', () => {
  it('names both holidays when Thursday 31 December slips past Boxing Day onto New Year’s Day and on to Saturday', () => {
    const thursday: Round = { id: 'thu', serviceId: 'refuse', pattern: { kind: 'weekly', weekday: 4, everyWeeks: 1, anchor: '2026-01-01' } };
    expect(between([thursday], '2026-12-31', '2027-01-02')).toEqual([
      { date: '2027-01-02', serviceId: 'refuse', status: 'MOVED', originalDate: '2026-12-31', changeReason: 'BANK_HOLIDAY', note: 'Because of Boxing Day (Monday 28 December) and New Year’s Day (Friday 1 January)', disruptionId: null },
    ]);
  });
});

describe('Christmas 2026 with a council table', () => {
  it('a table cancellation gives a CANCELLED collection on the regular day', () => {
    const rules: CouncilBankHolidayRules = { ...englandSlip, table: { moves: [], cancelled: ['2026-12-25'] } };
    expect(between([fridayRefuse], '2026-12-21', '2026-12-27', rules)).toEqual([
      { ...scheduled('2026-12-25', 'refuse'), status: 'CANCELLED', changeReason: 'BANK_HOLIDAY' },
    ]);
  });
});

describe('exceptions, additions and one-off moves', () => {
  it('an exception removes a regular date and an addition adds an extra one', () => {
    const round: Round = { ...fridayRefuse, exceptions: ['2026-01-16'], additions: ['2026-01-19'] };
    expect(between([round], '2026-01-05', '2026-01-25').map((c) => c.date)).toEqual(['2026-01-09', '2026-01-19', '2026-01-23']);
  });

  it('a one-off move known to the source is MOVED with its own reason, and beats the bank-holiday rule', () => {
    const round: Round = { ...fridayRefuse, moved: [{ from: '2026-04-03', to: '2026-04-02', reason: 'OPERATIONAL', note: 'Collected a day early' }] };
    expect(between([round], '2026-03-30', '2026-04-05')).toEqual([
      { date: '2026-04-02', serviceId: 'refuse', status: 'MOVED', originalDate: '2026-04-03', changeReason: 'OPERATIONAL', note: 'Collected a day early', disruptionId: null },
    ]);
  });

  it('a move far from its original date still appears in the range of its new date', () => {
    const round: Round = { ...fridayRefuse, moved: [{ from: '2026-01-02', to: '2026-01-20', reason: 'SEVERE_WEATHER' }] };
    expect(between([round], '2026-01-20', '2026-01-20').map((c) => c.originalDate)).toEqual(['2026-01-02']);
  });
});

describe('seasonal suspensions', () => {
  const garden: Round = {
    id: 'garden-wed',
    serviceId: 'garden',
    pattern: { kind: 'weekly', weekday: 3, everyWeeks: 2, anchor: '2026-11-18' },
    suspensions: [{ from: '12-01', to: '02-28', note: 'No garden waste collections over winter' }],
  };

  it('garden waste stops from 1 December 2026 to 28 February 2027, wrapping the new year', () => {
    expect(between([garden], '2026-11-01', '2027-03-31').map((c) => c.date)).toEqual([
      '2026-11-04', '2026-11-18', '2027-03-10', '2027-03-24',
    ]);
  });

  it('a suspension inside one year (July) leaves the rest of the year alone', () => {
    const summerBreak: Round = { ...garden, suspensions: [{ from: '07-01', to: '07-31' }] };
    // Regular Wednesdays 17 June, 1, 15 and 29 July, 12 August.
    expect(between([summerBreak], '2026-06-10', '2026-08-20').map((c) => c.date)).toEqual(['2026-06-17', '2026-08-12']);
  });

  it('rejects a suspension that is not MM-DD', () => {
    const bad: Round = { ...garden, suspensions: [{ from: '12-32', to: '2-28' }] };
    expect(() => between([bad], '2026-11-01', '2026-12-01')).toThrow(InvalidRoundError);
    expect(() => between([bad], '2026-11-01', '2026-12-01')).toThrow(/suspensions\[0\].from must be a day of the year written MM-DD, got "12-32".*suspensions\[0\].to .* got "2-28"/);
  });
});

describe('the output guarantees', () => {
  it('at most one collection per service per day: two rounds of one service on the same Friday give one', () => {
    const twin: Round = { ...fridayRefuse, id: 'refuse-fri-twin' };
    expect(between([fridayRefuse, twin], '2026-01-05', '2026-01-11')).toEqual([scheduled('2026-01-09', 'refuse')]);
  });

  it('a regular collection beats one moved onto the same day (Saturday 4 April 2026)', () => {
    const saturday: Round = { id: 'refuse-sat', serviceId: 'refuse', pattern: { kind: 'weekly', weekday: 6, everyWeeks: 1, anchor: '2026-01-03' } };
    expect(between([fridayRefuse, saturday], '2026-04-04', '2026-04-04')).toEqual([scheduled('2026-04-04', 'refuse')]);
  });

  it('sorted by date then serviceId whatever the order of the rounds', () => {
    const wednesdayFood: Round = { id: 'food', serviceId: 'food', pattern: { kind: 'weekly', weekday: 5, everyWeeks: 1, anchor: '2026-01-02' } };
    const forward = between([fridayRefuse, wednesdayFood], '2026-01-01', '2026-01-31');
    expect(between([wednesdayFood, fridayRefuse], '2026-01-01', '2026-01-31')).toEqual(forward);
    expect(forward.slice(0, 2).map((c) => c.serviceId)).toEqual(['food', 'refuse']);
  });

  it('refuses a reversed range, and one longer than about three years, with a RangeError saying why', () => {
    expect(() => between([fridayRefuse], '2026-02-01', '2026-01-01')).toThrow(RangeError);
    expect(() => between([fridayRefuse], '2026-02-01', '2026-01-01')).toThrow(/from \(2026-02-01\) is after to \(2026-01-01\)/);
    expect(() => between([fridayRefuse], '2026-01-01', '2030-01-01')).toThrow(new RegExp(`at most ${MAX_RANGE_DAYS} days`));
    expect(() => between([fridayRefuse], '2026-1-1', '2026-02-01')).toThrow(/from must be a real calendar date/);
  });

  it('a round with a bad pattern names the round and the problem', () => {
    const bad: Round = { ...fridayRefuse, pattern: { kind: 'weekly', weekday: 5, everyWeeks: 1, anchor: '2026-01-01' } };
    expect(() => between([bad], '2026-01-01', '2026-01-31')).toThrow(/Invalid round "refuse-fri": pattern: anchor 2026-01-01 is a Thursday, not a Friday/);
  });
});

describe('nextCollectionPerService', () => {
  const collections = [
    scheduled('2026-12-21', 'recycling'),
    { ...scheduled('2026-12-25', 'refuse'), status: 'CANCELLED' as const, changeReason: 'BANK_HOLIDAY' as const },
    scheduled('2027-01-01', 'refuse'),
    scheduled('2027-01-04', 'recycling'),
    scheduled('2026-12-28', 'recycling'),
  ];

  it('gives the first collection on or after today for each service, passing over cancelled ones', () => {
    expect(nextCollectionPerService(collections, '2026-12-22')).toEqual([scheduled('2026-12-28', 'recycling'), scheduled('2027-01-01', 'refuse')]);
  });

  it('includes a collection due today', () => {
    expect(nextCollectionPerService(collections, '2026-12-21').map((c) => c.date)).toEqual(['2026-12-21', '2027-01-01']);
  });

  it('leaves out a service with nothing left', () => {
    expect(nextCollectionPerService(collections, '2027-01-02')).toEqual([scheduled('2027-01-04', 'recycling')]);
  });
});

describe('orderCollections', () => {
  it('a collection that happens beats a cancelled one on the same day', () => {
    const cancelled: Collection = { ...scheduled('2026-05-04', 'refuse'), status: 'CANCELLED', changeReason: 'SEVERE_WEATHER' };
    expect(orderCollections([cancelled, scheduled('2026-05-04', 'refuse')])).toEqual([scheduled('2026-05-04', 'refuse')]);
    expect(orderCollections([scheduled('2026-05-04', 'refuse'), cancelled])).toEqual([scheduled('2026-05-04', 'refuse')]);
  });
});
