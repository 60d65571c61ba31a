// The preview's numbers against a council counted by hand (small-council.ts): exact, per round, bounded.
import { describe, expect, it } from 'vitest';
import type { Disruption } from '../../domain/disruptions/apply.js';
import { disruptionImpact } from '../../subgraphs/council/console/impact.js';
import { withScheduleMemo, scheduleStore } from '../../subgraphs/council/schedule-memo.js';
import { SMALL_COUNCIL, SmallCouncilSource } from './small-council.js';

function disruption(overrides: Partial<Disruption>): Disruption {
  return {
    id: 'candidate',
    councilCode: SMALL_COUNCIL,
    title: 'Test',
    reason: 'SEVERE_WEATHER',
    message: null,
    serviceTypes: null,
    area: { kind: 'council' },
    effect: { kind: 'cancelled' },
    startsOn: '2026-11-16',
    endsOn: '2026-11-16',
    url: null,
    createdAt: '2026-11-16T07:00:00.000Z',
    updatedAt: '2026-11-16T07:00:00.000Z',
    withdrawnAt: null,
    ...overrides,
  };
}

const counted = async (candidate: Disruption, inForce: Disruption[] = [], source = new SmallCouncilSource()) => {
  const impact = await disruptionImpact({ source, candidate, inForce });
  if (impact.kind !== 'counted') throw new Error(`not counted: ${impact.reason}`);
  return impact;
};

describe('the preview counts exactly what a disruption changes', () => {
  it.each([
    // Monday 16 Nov (a recycling week): the five Monday addresses, refuse and recycling each.
    ['snow today, whole council', {}, 5, 10],
    // Mon 16 to Sun 22 Nov: + the two Tuesday addresses, refuse and recycling (17 Nov is in the same week).
    ['a day late all week', { effect: { kind: 'delayed', days: 1 }, endsOn: '2026-11-22' }, 7, 14],
    // Sector ZZ1 1: ZZ1 1AA (2 Monday addresses) and ZZ1 1AB (1 Tuesday address); not ZZ1 2AA or ZZ2.
    ['sector ZZ1 1 for two days', { area: { kind: 'postcodes', postcodes: ['ZZ1 1'] }, endsOn: '2026-11-17' }, 3, 6],
    ['sector ZZ1 1, recycling only', { area: { kind: 'postcodes', postcodes: ['ZZ1 1'] }, endsOn: '2026-11-17', serviceTypes: ['RECYCLING'] }, 3, 3],
    ['one full postcode', { area: { kind: 'postcodes', postcodes: ['ZZ1 2AA'] } }, 3, 6],
    // Round REF-TUE: the two Tuesday addresses' refuse, not their recycling (REC-TUE-A).
    ['the Tuesday refuse round, all week', { area: { kind: 'rounds', roundIds: ['REF-TUE'] }, endsOn: '2026-11-22' }, 2, 2],
    // No collections on a Wednesday.
    ['a Wednesday', { startsOn: '2026-11-18', endsOn: '2026-11-18' }, 0, 0],
  ] as const)('%s: %i addresses, %i collections', async (_name, overrides, addresses, collections) => {
    const impact = await counted(disruption(overrides as Partial<Disruption>));
    expect({ addresses: impact.addresses, collections: impact.collections }).toEqual({ addresses, collections });
    expect(impact.bounded).toBe(false);
    expect(impact.examples.length).toBe(Math.min(3, addresses));
  });

  it('counts an open-ended disruption over its first 14 days only, and says so', async () => {
    // 16 to 29 Nov: two refuse collections per address (7), recycling excluded.
    const impact = await counted(disruption({ endsOn: null, serviceTypes: ['GENERAL_WASTE'] }));
    expect(impact).toMatchObject({ from: '2026-11-16', to: '2026-11-29', bounded: true, addresses: 7, collections: 14 });
  });

  it('leaves out collections a stronger disruption already in force decides', async () => {
    const cancelledInZZ2 = disruption({ id: 'existing', area: { kind: 'postcodes', postcodes: ['ZZ2'] }, startsOn: '2026-11-17', endsOn: '2026-11-17' });
    const impact = await counted(disruption({ effect: { kind: 'delayed', days: 1 }, endsOn: '2026-11-22' }), [cancelledInZZ2]);
    expect({ addresses: impact.addresses, collections: impact.collections }).toEqual({ addresses: 6, collections: 12 });
  });

  it('shows examples as residents will see them: the new date of a delayed collection', async () => {
    const impact = await counted(disruption({ effect: { kind: 'delayed', days: 2 } }));
    expect(impact.examples[0]).toEqual({ address: '1 Counting Street, Smalltown, ZZ1 1AA', service: 'Blue bin (recycling)', dueOn: '2026-11-16', status: 'DELAYED', date: '2026-11-18' });
  });

  it('works a schedule out once per round and date range, not once per address', async () => {
    const source = new SmallCouncilSource();
    const memoised = withScheduleMemo(source, scheduleStore(100));
    await counted(disruption({ endsOn: '2026-11-22' }), [], memoised as SmallCouncilSource);
    // Seven addresses on two sets of rounds.
    expect(source.calls.collections).toBe(2);
    await counted(disruption({ endsOn: '2026-11-22', title: 'Again' }), [], memoised as SmallCouncilSource);
    expect(source.calls.collections).toBe(2);
  });

  it('says when the council’s data cannot list an area, instead of guessing', async () => {
    const source = new SmallCouncilSource();
    const withoutListing = Object.assign(Object.create(Object.getPrototypeOf(source)), source, { councilPostcodes: undefined });
    const impact = await disruptionImpact({ source: withoutListing, candidate: disruption({ area: { kind: 'postcodes', postcodes: ['ZZ1'] } }), inForce: [] });
    expect(impact.kind).toBe('not-counted');
    // A full postcode can still be counted: its addresses are looked up directly.
    const full = await disruptionImpact({ source: withoutListing, candidate: disruption({ area: { kind: 'postcodes', postcodes: ['ZZ1 1AA'] } }), inForce: [] });
    expect(full).toMatchObject({ kind: 'counted', addresses: 2, collections: 4 });
    // A wrapper (a refreshing adapter) whose current data cannot list its postcodes answers null.
    const wrapperWithoutListing = Object.assign(Object.create(Object.getPrototypeOf(source)), source, { councilPostcodes: async () => null });
    expect((await disruptionImpact({ source: wrapperWithoutListing, candidate: disruption({}), inForce: [] })).kind).toBe('not-counted');
  });
});
