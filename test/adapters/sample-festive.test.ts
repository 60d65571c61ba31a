// Sample data like real councils: no sample council collects on Christmas Day or New Year's Day, and
// Scottish samples keep Scotland's festive holidays (2 January too). Checked for every waste-collecting
// council, every collection day and week of its sample rounds, over December 2026 and January 2027.
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../domain/types.js';
import type { PropertyRecord } from '../../subgraphs/council/data-source.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { sampleServicesFor } from '../../subgraphs/council/sample/sample-services.js';
import { bankHolidays } from './support.js';

const councils = loadCouncilRegistry().all().filter((council) => council.collectsWaste);
const RANGE = { from: '2026-12-01', to: '2027-01-31' };

/** One property per collection day and week of the sample's rounds (its round ids say which). */
function everyRound(council: (typeof councils)[number]): PropertyRecord[] {
  const services = sampleServicesFor(council);
  return ['MON', 'TUE', 'WED', 'THU', 'FRI'].flatMap((day) =>
    ['A', 'B'].map((week) => ({
      uprn: `${day}-${week}`,
      address: { lines: [], town: council.shortName, postcode: 'AB1 2CD' },
      serviceIds: services.map((s) => s.service.id),
      roundIds: Object.fromEntries(services.map((s) => [s.service.id, `${s.roundPrefix}-${day}-${week}`])),
    })),
  );
}

async function collectionsOf(council: (typeof councils)[number]): Promise<Collection[]> {
  const source = new SampleCouncilSource(council, { lookup: () => council.code }, bankHolidays);
  return (await Promise.all(everyRound(council).map((property) => source.collections(property, RANGE)))).flat();
}

describe('sample councils over Christmas and New Year 2026-27', () => {
  it('checks every waste-collecting council in the registry', () => {
    expect(councils.length).toBeGreaterThan(350);
    expect(councils.filter((c) => c.nation === 'SCOTLAND').length).toBe(32);
  });

  it('collect on none of the holidays their nation keeps at the turn of the year', async () => {
    const offending: string[] = [];
    for (const council of councils) {
      const closed = council.nation === 'SCOTLAND' ? ['2026-12-25', '2026-12-28', '2027-01-01', '2027-01-02', '2027-01-04'] : ['2026-12-25', '2026-12-28', '2027-01-01'];
      for (const c of await collectionsOf(council)) if (closed.includes(c.date)) offending.push(`${council.code} ${c.serviceId} ${c.date} ${c.status}`);
    }
    expect(offending).toEqual([]);
  });

  it('mark every collection off its regular day MOVED, with its original date and BANK_HOLIDAY', async () => {
    const wrong: string[] = [];
    let moved = 0;
    for (const council of councils) {
      for (const c of await collectionsOf(council)) {
        if (c.status === 'SCHEDULED') continue;
        moved++;
        if (c.status !== 'MOVED' || c.changeReason !== 'BANK_HOLIDAY' || c.originalDate === null || c.originalDate === c.date || c.note === null) wrong.push(JSON.stringify(c));
      }
    }
    expect(wrong).toEqual([]);
    expect(moved).toBeGreaterThan(0);
  });

  it('move a Scottish council\'s festive collections to the next day that is not a holiday, and nothing else', async () => {
    const glasgow = councils.find((c) => c.code === 'S12000049')!;
    const moves = (await collectionsOf(glasgow))
      .filter((c) => c.status === 'MOVED')
      .map((c) => `${c.originalDate} → ${c.date}: ${c.note}`);
    expect([...new Set(moves)].sort()).toEqual([
      '2026-12-25 → 2026-12-29: Because of Christmas Day (Friday 25 December)',
      '2026-12-28 → 2026-12-29: Because of Boxing Day (Monday 28 December)',
      '2027-01-01 → 2027-01-05: Because of New Year’s Day (Friday 1 January)',
      '2027-01-04 → 2027-01-05: Because of 2nd January (Monday 4 January)',
    ]);
  });

  it('keep England\'s slip a day (Friday 1 January\'s collections on Saturday 2 January)', async () => {
    const reading = councils.find((c) => c.code === 'E06000038')!;
    const fridays = (await collectionsOf(reading)).filter((c) => c.originalDate === '2027-01-01');
    expect(fridays.length).toBeGreaterThan(0);
    expect(new Set(fridays.map((c) => `${c.date} ${c.status} ${c.changeReason}`))).toEqual(new Set(['2027-01-02 MOVED BANK_HOLIDAY']));
  });
});
