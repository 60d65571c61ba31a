// Properties that must hold for any rounds, range, rules and disruptions, not just the examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CouncilBankHolidayRules } from '../../domain/bank-holidays/policy.js';
import { addDays, isoWeekday } from '../../domain/dates.js';
import { applyDisruptions, type DisruptedProperty, type Disruption } from '../../domain/disruptions/apply.js';
import { collectionsBetween, orderCollections, type Round } from '../../domain/schedule/engine.js';
import type { RoundPattern } from '../../domain/schedule/recurrence.js';
import { BANK_HOLIDAY_DIVISIONS, CHANGE_REASONS, type Collection, type ServiceType } from '../../domain/types.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';

const bankHolidays = loadShippedBankHolidays();
const SERVICES = ['refuse', 'recycling', 'garden'];
const ROUND_IDS = ['round-a', 'round-b', 'round-c', 'round-d'];

// Ranges inside the shipped calendar (2012-2028), where the holidays are real.
const rangeStart = fc.integer({ min: 0, max: 6000 }).map((n) => addDays('2012-01-01', n));
const dateNear = (from: string, spread: number) => fc.integer({ min: -14, max: spread + 14 }).map((n) => addDays(from, n));
const monthDay = fc.integer({ min: 0, max: 364 }).map((n) => addDays('2026-01-01', n).slice(5));

const pattern = (from: string): fc.Arbitrary<RoundPattern> =>
  fc.oneof(
    fc.record({ anchor: dateNear(from, 400), everyWeeks: fc.integer({ min: 1, max: 8 }) }).map(
      ({ anchor, everyWeeks }): RoundPattern => ({ kind: 'weekly', weekday: isoWeekday(anchor), everyWeeks, anchor }),
    ),
    fc.record({
      rrule: fc.constantFrom('FREQ=WEEKLY;BYDAY=MO', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', 'FREQ=MONTHLY;BYDAY=1TU', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=DAILY;INTERVAL=3'),
      dtstart: dateNear(from, 200),
    }).map(({ rrule, dtstart }): RoundPattern => ({ kind: 'rrule', rrule, dtstart })),
  );

const round = (from: string, span: number): fc.Arbitrary<Round> =>
  fc.record(
    {
      id: fc.constantFrom(...ROUND_IDS),
      serviceId: fc.constantFrom(...SERVICES),
      pattern: pattern(from),
      exceptions: fc.array(dateNear(from, span), { maxLength: 4 }),
      additions: fc.array(dateNear(from, span), { maxLength: 4 }),
      moved: fc.uniqueArray(
        fc.record({ from: dateNear(from, span), shift: fc.integer({ min: -10, max: 10 }).filter((n) => n !== 0), reason: fc.constantFrom(...CHANGE_REASONS) }),
        { selector: (move) => move.from, maxLength: 3 },
      ).map((moves) => moves.map(({ from: day, shift, reason }) => ({ from: day, to: addDays(day, shift), reason }))),
      suspensions: fc.array(fc.record({ from: monthDay, to: monthDay }), { maxLength: 1 }),
    },
    { requiredKeys: ['id', 'serviceId', 'pattern'] },
  );

const rules = (from: string, span: number): fc.Arbitrary<CouncilBankHolidayRules> =>
  fc.record(
    {
      division: fc.constantFrom(...BANK_HOLIDAY_DIVISIONS),
      policy: fc.constantFrom({ kind: 'slip' as const }, { kind: 'saturday-before' as const }, { kind: 'work-through' as const }),
      table: fc
        .uniqueArray(fc.tuple(dateNear(from, span), fc.integer({ min: -9, max: 9 }), fc.boolean()), { selector: ([day]) => day, maxLength: 5 })
        .map((entries) => ({
          moves: entries.filter(([, , cancel]) => !cancel).map(([day, shift]) => ({ from: day, to: addDays(day, shift) })),
          cancelled: entries.filter(([, , cancel]) => cancel).map(([day]) => day),
        })),
    },
    { requiredKeys: ['division', 'policy'] },
  );

const query = fc
  .tuple(rangeStart, fc.integer({ min: 0, max: 400 }))
  .chain(([from, span]) =>
    fc.record({
      from: fc.constant(from),
      to: fc.constant(addDays(from, span)),
      rounds: fc.array(round(from, span), { minLength: 1, maxLength: 4 }),
      rules: rules(from, span),
    }),
  );

function assertOnePerServicePerDay(collections: Collection[]): void {
  const keys = collections.map((c) => `${c.serviceId}@${c.date}`);
  expect(new Set(keys).size).toBe(keys.length);
}

function assertSorted(collections: Collection[]): void {
  const keys = collections.map((c) => `${c.date}|${c.serviceId}`);
  expect(keys).toEqual([...keys].sort());
}

describe('collectionsBetween, for any rounds, range and rules', () => {
  const run = collectionsBetween;

  it('gives at most one collection per service per day, sorted by date then service', () => {
    fc.assert(
      fc.property(query, (q) => {
        const collections = run({ ...q, bankHolidays });
        assertOnePerServicePerDay(collections);
        assertSorted(collections);
      }),
    );
  });

  it('puts every collection inside the range asked for', () => {
    fc.assert(
      fc.property(query, (q) => {
        for (const c of run({ ...q, bankHolidays })) expect(c.date >= q.from && c.date <= q.to).toBe(true);
      }),
    );
  });

  it('gives every MOVED collection an originalDate other than its date, and no other status one', () => {
    fc.assert(
      fc.property(query, (q) => {
        for (const c of run({ ...q, bankHolidays })) {
          if (c.status === 'MOVED') {
            expect(c.originalDate).not.toBeNull();
            expect(c.originalDate).not.toBe(c.date);
            expect(c.changeReason).not.toBeNull();
          } else {
            expect(c.originalDate).toBeNull();
          }
        }
      }),
    );
  });

  it('gives the same output for the same input, whatever the order of the rounds', () => {
    fc.assert(
      fc.property(
        query.chain((q) => fc.tuple(fc.constant(q), fc.shuffledSubarray(q.rounds, { minLength: q.rounds.length }))),
        ([q, shuffled]) => {
          const first = run({ ...q, bankHolidays });
          expect(run({ ...q, bankHolidays })).toEqual(first);
          expect(run({ ...q, rounds: shuffled, bankHolidays })).toEqual(first);
        },
      ),
    );
  });
});

// ---- applyDisruptions ---------------------------------------------------------------------------

const serviceTypeOf = (serviceId: string): ServiceType =>
  ({ refuse: 'GENERAL_WASTE', recycling: 'RECYCLING', garden: 'GARDEN_WASTE' } as Record<string, ServiceType>)[serviceId];
const property: DisruptedProperty = { postcode: 'RG1 1AA', roundIds: new Map([['refuse', 'round-a'], ['recycling', 'round-b'], ['garden', 'round-c']]) };

const disruption = (from: string, span: number, id: string): fc.Arbitrary<Disruption> =>
  fc
    .record({
      reason: fc.constantFrom(...CHANGE_REASONS),
      serviceTypes: fc.option(fc.subarray<ServiceType>(['GENERAL_WASTE', 'RECYCLING', 'GARDEN_WASTE'], { minLength: 1 }), { nil: null }),
      area: fc.oneof(
        fc.constant({ kind: 'council' as const }),
        fc.subarray(['RG1', 'RG1 1', 'RG1 1AA', 'RG10', 'RG2 7'], { minLength: 1 }).map((postcodes) => ({ kind: 'postcodes' as const, postcodes })),
        fc.subarray(ROUND_IDS, { minLength: 1 }).map((roundIds) => ({ kind: 'rounds' as const, roundIds })),
      ),
      effect: fc.oneof(
        fc.constant({ kind: 'cancelled' as const }),
        fc.integer({ min: 1, max: 10 }).map((days) => ({ kind: 'delayed' as const, days })),
        fc.constant({ kind: 'leave-out' as const, note: 'Leave your bin out' }),
      ),
      startsOn: dateNear(from, span),
      length: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
      updatedAt: fc.constantFrom('2026-01-01T08:00:00Z', '2026-01-02T08:00:00Z'),
      withdrawn: fc.boolean(),
    })
    .map(({ length, withdrawn, ...d }) => ({
      ...d,
      id,
      councilCode: 'E06000038',
      title: 'Disruption',
      message: null,
      endsOn: length === null ? null : addDays(d.startsOn, length),
      url: null,
      createdAt: '2026-01-01T08:00:00Z',
      withdrawnAt: withdrawn ? '2026-01-03T08:00:00Z' : null,
    }));

const disrupted = query.chain((q) => {
  const span = Math.round((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000);
  return fc.record({
    collections: fc.constant(collectionsBetween({ ...q, bankHolidays })),
    disruptions: fc.tuple(...['d1', 'd2', 'd3'].map((id) => disruption(q.from, span, id))).chain((all) => fc.subarray(all)),
  });
});

describe('applyDisruptions, for any collections and disruptions', () => {
  it('keeps at most one collection per service per day, sorted, and never adds any', () => {
    fc.assert(
      fc.property(disrupted, ({ collections, disruptions }) => {
        const result = applyDisruptions(collections, disruptions, property, serviceTypeOf);
        assertOnePerServicePerDay(result);
        assertSorted(result);
        expect(result.length).toBeLessThanOrEqual(collections.length);
      }),
    );
  });

  it('gives every DELAYED collection an originalDate and every disrupted one its disruption id', () => {
    fc.assert(
      fc.property(disrupted, ({ collections, disruptions }) => {
        for (const c of applyDisruptions(collections, disruptions, property, serviceTypeOf)) {
          if (c.status === 'DELAYED') expect(c.originalDate).not.toBeNull();
          if (c.disruptionId !== null) {
            expect(['CANCELLED', 'DELAYED']).toContain(c.status);
            expect(disruptions.find((d) => d.id === c.disruptionId)?.withdrawnAt).toBeNull();
          }
        }
      }),
    );
  });

  it('gives the same output for the same input, whatever the order of the disruptions', () => {
    fc.assert(
      fc.property(disrupted, ({ collections, disruptions }) => {
        const first = applyDisruptions(collections, disruptions, property, serviceTypeOf);
        expect(applyDisruptions(collections, [...disruptions].reverse(), property, serviceTypeOf)).toEqual(first);
        expect(applyDisruptions([...collections].reverse(), disruptions, property, serviceTypeOf)).toEqual(first);
      }),
    );
  });

  it('changes nothing when every disruption is withdrawn', () => {
    fc.assert(
      fc.property(disrupted, ({ collections, disruptions }) => {
        const withdrawn = disruptions.map((d) => ({ ...d, withdrawnAt: '2026-01-03T08:00:00Z' }));
        expect(applyDisruptions(collections, withdrawn, property, serviceTypeOf)).toEqual(orderCollections(collections));
      }),
    );
  });
});
