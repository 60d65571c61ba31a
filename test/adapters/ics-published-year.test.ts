// The ICS adapter reproduces every collection date of a published year of round calendars
// (test/fixtures/adapters/ics-year: Gedling-style RRULEs with EXDATEs at Easter, the May and August
// bank holidays and Christmas, "(Changed Collection)" one-offs, an EXDATE+RDATE pair, a RECURRENCE-ID
// override and a calendar of timed events stamped in UTC during BST). The expected lists below were
// written by hand from the fixture files, not produced by the adapter.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIcsCouncil } from '../../subgraphs/council/adapters/ics/ics-council.js';
import type { RoundScheduleSource } from '../../subgraphs/council/adapters/shared/round-schedule-source.js';
import type { PropertyRecord } from '../../subgraphs/council/data-source.js';
import { FIXTURES, bankHolidays, describeCollection, lines } from './support.js';

const YEAR = { from: '2026-04-01', to: '2027-03-31' };

const MONDAY_A = lines(`
  2026-04-04 glass from 2026-04-06        # Easter Monday
  2026-04-04 recycling from 2026-04-06
  2026-04-13 general-waste
  2026-04-20 recycling
  2026-04-27 general-waste
  2026-05-02 glass from 2026-05-04        # Early May bank holiday
  2026-05-02 recycling from 2026-05-04
  2026-05-11 general-waste
  2026-05-18 recycling
  2026-05-23 general-waste from 2026-05-25 # Spring bank holiday
  2026-06-01 glass
  2026-06-01 recycling
  2026-06-08 general-waste
  2026-06-15 recycling
  2026-06-22 general-waste
  2026-06-29 glass
  2026-06-29 recycling
  2026-07-06 general-waste
  2026-07-13 recycling
  2026-07-20 general-waste
  2026-07-27 glass
  2026-07-27 recycling
  2026-08-03 general-waste
  2026-08-10 recycling
  2026-08-17 general-waste
  2026-08-24 glass
  2026-08-24 recycling
  2026-08-29 general-waste from 2026-08-31 # Summer bank holiday
  2026-09-07 recycling
  2026-09-14 general-waste
  2026-09-21 glass
  2026-09-21 recycling
  2026-09-28 general-waste
  2026-10-05 recycling
  2026-10-12 general-waste
  2026-10-19 glass
  2026-10-19 recycling
  2026-10-26 general-waste
  2026-11-02 recycling
  2026-11-09 general-waste
  2026-11-16 glass
  2026-11-16 recycling
  2026-11-23 general-waste
  2026-11-30 recycling
  2026-12-07 general-waste
  2026-12-14 glass
  2026-12-14 recycling
  2026-12-21 general-waste
  2027-01-02 recycling from 2026-12-28    # Boxing Day (substitute): across the year boundary
  2027-01-04 general-waste
  2027-01-11 glass                        # split: glass stays on the Monday …
  2027-01-12 recycling from 2027-01-11    # … the green bin goes on the Tuesday
  2027-01-18 general-waste
  2027-01-25 recycling
  2027-02-01 general-waste
  2027-02-08 glass
  2027-02-08 recycling
  2027-02-15 general-waste
  2027-02-22 recycling
  2027-03-01 general-waste
  2027-03-08 glass
  2027-03-08 recycling
  2027-03-15 general-waste
  2027-03-22 recycling
  2027-03-27 general-waste from 2027-03-29 # Easter Monday 2027
`);

const FRIDAY_B = lines(`
  2026-04-04 recycling from 2026-04-03     # Good Friday
  2026-04-10 general-waste
  2026-04-17 recycling
  2026-04-24 general-waste
  2026-05-01 recycling
  2026-05-09 general-waste from 2026-05-08 # RECURRENCE-ID override, Early May bank holiday week
  2026-05-15 recycling
  2026-05-22 general-waste
  2026-05-29 recycling
  2026-06-05 general-waste
  2026-06-12 recycling
  2026-06-19 general-waste
  2026-06-26 recycling
  2026-07-03 general-waste
  2026-07-10 recycling
  2026-07-17 general-waste
  2026-07-24 recycling
  2026-07-31 general-waste
  2026-08-07 recycling
  2026-08-14 general-waste
  2026-08-21 recycling
  2026-08-28 general-waste
  2026-09-04 recycling
  2026-09-11 general-waste
  2026-09-18 recycling
  2026-09-25 general-waste
  2026-10-02 recycling
  2026-10-09 general-waste
  2026-10-16 recycling
  2026-10-23 general-waste
  2026-10-31 recycling from 2026-10-30     # EXDATE + RDATE
  2026-11-06 general-waste
  2026-11-13 recycling
  2026-11-20 general-waste
  2026-11-27 recycling
  2026-12-04 general-waste
  2026-12-11 recycling
  2026-12-18 general-waste
  2026-12-24 recycling from 2026-12-25     # Christmas Day, moved earlier
  2027-01-02 general-waste from 2027-01-01 # New Year's Day
  2027-01-08 recycling
  2027-01-15 general-waste
  2027-01-22 recycling
  2027-01-29 general-waste
  2027-02-05 recycling
  2027-02-12 general-waste
  2027-02-19 recycling
  2027-02-26 general-waste
  2027-03-05 recycling
  2027-03-12 general-waste
  2027-03-19 recycling
  2027-03-27 general-waste from 2027-03-26 # Good Friday 2027
`);

const MONDAY_GARDEN = lines(`
  2026-04-04 garden from 2026-04-06        # one-off stamped 2026-04-03T23:30:00Z: 00:30 BST on the Saturday
  2026-04-20 garden
  2026-05-02 garden from 2026-05-04        # one-off stamped 2026-05-01T23:30:00Z
  2026-05-18 garden
  2026-06-01 garden
  2026-06-15 garden
  2026-06-29 garden
  2026-07-13 garden
  2026-07-27 garden
  2026-08-10 garden
  2026-08-24 garden
  2026-09-07 garden
  2026-09-21 garden
  2026-10-05 garden
  2026-10-19 garden
  2026-11-02 garden
  2026-11-16 garden
  2026-11-30 garden                        # UNTIL=20261130T070000Z includes the last Monday
  2027-01-11 christmas-tree
  2027-03-01 garden
  2027-03-15 garden
  2027-03-27 garden from 2027-03-29
`);

let source: RoundScheduleSource;
let warnings: string[];

beforeAll(async () => {
  const loaded = await loadIcsCouncil({
    councilCode: 'E07000173',
    town: 'Gedling',
    baseDir: `${FIXTURES}ics-year`,
    calendars: [
      { round: 'Monday A', url: 'file:./monday-a.ics' },
      { round: 'Friday B', url: './friday-b.ics' },
      { round: 'Monday Garden', url: 'monday-garden.ics' },
    ],
    rounds: { csv: './rounds.csv' },
    services: [
      { id: 'general-waste', match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin (general waste)', colour: 'black' },
      { id: 'recycling', match: 'Green Bin', type: 'RECYCLING', name: 'Green bin (recycling)', colour: 'green' },
      { id: 'glass', match: 'Glass Box', type: 'GLASS', name: 'Glass box', colour: 'black' },
      { id: 'garden', match: 'Garden Waste', type: 'GARDEN_WASTE', name: 'Garden waste bin', colour: 'brown', subscription: 'Garden waste is a paid service.' },
      { id: 'christmas-tree', match: '/christmas tree/', type: 'CHRISTMAS_TREE', name: 'Christmas tree collection' },
    ],
    changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
    rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
    bankHolidays,
  });
  source = loaded.source;
  warnings = loaded.warnings;
});

async function property(uprn: string): Promise<PropertyRecord> {
  const [record] = await source.propertiesByUprn([uprn]);
  if (!record) throw new Error(`no property ${uprn}`);
  return record;
}

async function yearOf(uprn: string, services?: string[]): Promise<string[]> {
  const collections = await source.collections(await property(uprn), YEAR);
  return collections.filter((c) => !services || services.includes(c.serviceId)).map(describeCollection);
}

describe('a published year of Gedling-style round calendars', () => {
  it('reproduces every date of the Monday A round, changed collections MOVED on the right day', async () => {
    expect(await yearOf('100031234002')).toEqual(MONDAY_A);
  });

  it('reproduces every date of the Friday B round, including a RECURRENCE-ID override and an EXDATE+RDATE move', async () => {
    expect(await yearOf('100031234003')).toEqual(FRIDAY_B);
  });

  it('reproduces the garden round of timed events: UTC stamps in BST land on the UK day', async () => {
    expect(await yearOf('100031234001', ['garden', 'christmas-tree'])).toEqual(MONDAY_GARDEN);
  });

  it('gives a property on two rounds the services of both', async () => {
    const both = await yearOf('100031234001');
    expect(both).toHaveLength(MONDAY_A.length + MONDAY_GARDEN.length);
    expect(new Set(both)).toEqual(new Set([...MONDAY_A, ...MONDAY_GARDEN]));
  });

  it('reports a changed collection as one MOVED collection, never a cancellation plus an extra', async () => {
    const collections = await source.collections(await property('100031234002'), YEAR);
    expect(collections.some((c) => c.status === 'CANCELLED')).toBe(false);
    const christmas = collections.find((c) => c.originalDate === '2026-12-28');
    expect(christmas).toMatchObject({ date: '2027-01-02', status: 'MOVED', changeReason: 'BANK_HOLIDAY', note: 'Because of Boxing Day (2026-12-28)' });
    // Nothing on the excluded Monday, and nothing extra beside the move.
    expect(collections.filter((c) => c.serviceId === 'recycling' && c.date >= '2026-12-21' && c.date <= '2027-01-10').map(describeCollection)).toEqual([
      '2027-01-02 recycling from 2026-12-28',
    ]);
  });

  it('gives a move with no bank holiday near it the reason OTHER and the calendar\'s words', async () => {
    const collections = await source.collections(await property('100031234002'), { from: '2027-01-11', to: '2027-01-12' });
    expect(collections.find((c) => c.serviceId === 'recycling')).toMatchObject({ status: 'MOVED', changeReason: 'OTHER', note: 'Green Bin Day (Changed Collection)' });
  });

  it('describes each round\'s frequency from its rules, two four-weekly rules making a fortnightly bin', async () => {
    expect((await property('100031234002')).frequencies).toEqual({
      'general-waste': { description: 'Every other Monday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' },
      recycling: { description: 'Every other Monday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' },
      glass: { description: 'Every 4 weeks on Monday', rrule: 'FREQ=WEEKLY;INTERVAL=4;BYDAY=MO' },
    });
    const services = await source.services();
    expect(services.map((s) => [s.id, s.type, s.frequency.description])).toEqual([
      ['general-waste', 'GENERAL_WASTE', 'Every other week'],
      ['recycling', 'RECYCLING', 'Every other week'],
      ['glass', 'GLASS', 'Every 4 weeks'],
      ['garden', 'GARDEN_WASTE', expect.any(String)],
      ['christmas-tree', 'CHRISTMAS_TREE', expect.any(String)],
    ]);
    expect(services.find((s) => s.id === 'garden')?.subscription).toMatchObject({ required: true });
  });

  it('finds properties by postcode, with addresses read from quoted CSV fields', async () => {
    const [flat] = await source.propertiesInPostcode('NG5 2BB');
    expect(flat.address).toEqual({ lines: ['Flat 2', '10 "The Maltings" Street', 'Arnold'], town: 'Gedling', postcode: 'NG5 2BB' });
    expect((await source.propertiesInPostcode('NG4 1AA')).map((p) => p.uprn)).toEqual(['100031234001', '100031234002']);
    // "…, Carlton, Nottingham": only the configured town is dropped from the lines.
    expect((await property('100031234002')).address.lines).toEqual(['3 Fixture Road', 'Carlton', 'Nottingham']);
    expect(await source.propertiesInPostcode('RG1 1AA')).toEqual([]);
  });

  it('loads the year without warnings', () => {
    expect(warnings).toEqual([]);
  });
});
