// The CSV adapter: a DCLG round_plan table, a rounds file and an address list, scheduled by the
// engine under the council's bank-holiday policy (here "slip": a bank holiday pushes the rest of
// its week back a day).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvCouncil, type CsvCouncilOptions } from '../../subgraphs/council/adapters/csv/csv-council.js';
import { readScheduleText } from '../../subgraphs/council/adapters/csv/schedule-text.js';
import { parseCsv } from '../../subgraphs/council/adapters/shared/csv.js';
import { DataFileError } from '../../subgraphs/council/adapters/shared/data-problem.js';
import type { RoundScheduleSource } from '../../subgraphs/council/adapters/shared/round-schedule-source.js';
import { FIXTURES, bankHolidays, describeCollection, lines } from './support.js';

const OPTIONS: CsvCouncilOptions = {
  councilCode: 'E06000023',
  town: 'Bristol',
  baseDir: `${FIXTURES}csv`,
  roundPlan: 'round_plan.csv',
  rounds: 'rounds.csv',
  addresses: 'addresses.csv',
  services: [
    { id: 'general-waste', match: '/black wheelie bin/', type: 'GENERAL_WASTE', name: 'Black wheelie bin (general waste)', colour: 'black' },
    { id: 'recycling', match: 'recycling box', type: 'RECYCLING', name: 'Recycling boxes', colour: 'green' },
    { id: 'food-waste', match: 'food caddy', type: 'FOOD_WASTE', name: 'Food waste caddy', colour: 'brown' },
  ],
  rules: { division: 'england-and-wales', policy: { kind: 'slip' } },
  bankHolidays,
};

let source: RoundScheduleSource;
let warnings: string[];

beforeAll(async () => {
  ({ source, warnings } = await loadCsvCouncil(OPTIONS));
});

async function collections(uprn: string, from: string, to: string): Promise<string[]> {
  const [property] = await source.propertiesByUprn([uprn]);
  return (await source.collections(property!, { from, to })).map(describeCollection);
}

describe('a round plan under the slip policy', () => {
  it('moves a Monday bank holiday\'s collections to the Tuesday (Spring bank holiday 2026)', async () => {
    expect(await collections('100121000001', '2026-05-18', '2026-06-07')).toEqual(lines(`
      2026-05-18 food-waste
      2026-05-18 recycling
      2026-05-26 food-waste from 2026-05-25
      2026-05-26 general-waste from 2026-05-25
      2026-05-26 recycling from 2026-05-25
      2026-06-01 food-waste
      2026-06-01 recycling
    `));
  });

  it('keeps Monday a Monday in summer, across the clocks going forward (anchored in January)', async () => {
    expect(await collections('100121000001', '2026-07-01', '2026-07-31')).toEqual(lines(`
      2026-07-06 food-waste
      2026-07-06 general-waste
      2026-07-06 recycling
      2026-07-13 food-waste
      2026-07-13 recycling
      2026-07-20 food-waste
      2026-07-20 general-waste
      2026-07-20 recycling
      2026-07-27 food-waste
      2026-07-27 recycling
    `));
  });

  it('runs the Christmas cascade over the year boundary, with the rounds file\'s exceptions and additions', async () => {
    // Boxing Day's substitute (Mon 28 Dec) pushes Thursday 31 Dec to Friday 1 Jan, New Year's Day, so on to Saturday.
    expect(await collections('100121000003', '2026-12-17', '2027-01-10')).toEqual(lines(`
      2026-12-17 general-waste
      2026-12-17 recycling
      2027-01-02 general-waste from 2026-12-31
      2027-01-02 recycling                      # the rounds file's addition; 24 and 31 Dec are its exceptions
      2027-01-07 recycling
    `));
    expect(await collections('100121000002', '2026-12-21', '2027-01-10')).toEqual(lines(`
      2026-12-21 food-waste
      2026-12-21 general-waste
      2026-12-21 recycling
      2026-12-29 recycling from 2026-12-28
      2026-12-30 food-waste                     # exception on the 28th, addition on the 30th
      2027-01-04 food-waste
      2027-01-04 general-waste
      2027-01-04 recycling
    `));
  });

  it('reads the header in any case, a byte-order mark, CRLF and quoted fields with commas', async () => {
    const [first, second] = await source.propertiesInPostcode('BS1 5TR');
    expect(first).toMatchObject({
      uprn: '100121000001',
      address: { lines: ['1 Round Plan Row', 'Redcliffe'], town: 'Bristol', postcode: 'BS1 5TR' },
      serviceIds: ['general-waste', 'recycling', 'food-waste'],
      roundIds: { 'general-waste': 'MON-REF-A', recycling: 'MON-REC', 'food-waste': 'MON-FOOD' },
    });
    expect(first.frequencies?.['general-waste']).toEqual({ description: 'Every other Monday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' });
    expect(second.uprn).toBe('100121000002');
    expect((await source.services()).map((s) => [s.id, s.frequency.description, s.containers[0].kind])).toEqual([
      ['general-waste', 'Every other week', 'WHEELIE_BIN'],
      ['recycling', 'Every week', 'BOX'],
      ['food-waste', 'Every week', 'CADDY'],
    ]);
    expect(source.info()).toMatchObject({ kind: 'CSV', stale: false, updatedAt: expect.any(Date) });
  });

  it('warns about containers no service matches and UPRNs with no address, and still serves them', async () => {
    expect(warnings).toEqual([
      expect.stringMatching(/round_plan\.csv: container_type "Assisted collection \(crew brings the bin out\)" \(rows 10\) matches no configured service/),
      expect.stringMatching(/addresses\.csv: 1 UPRNs of the round plan have no address/),
    ]);
    const [unaddressed] = await source.propertiesByUprn(['100121000004']);
    expect(unaddressed).toMatchObject({ serviceIds: ['recycling'], address: { postcode: '' } });
  });
});

describe('a malformed round plan or rounds file', () => {
  async function problems(overrides: Partial<CsvCouncilOptions>): Promise<string[]> {
    try {
      await loadCsvCouncil({ ...OPTIONS, ...overrides });
    } catch (error) {
      if (error instanceof DataFileError) return error.message.split('\n');
      throw error;
    }
    throw new Error('expected the load to fail');
  }

  it('names the file, line, row and column of every bad round plan row', async () => {
    const plan = `${FIXTURES}broken/round_plan.csv`;
    const rounds = `${FIXTURES}csv/rounds.csv`;
    expect(await problems({ roundPlan: plan })).toEqual([
      `${plan}:3: row 2, column uprn: must be a UPRN (up to 12 digits), got "12345678901234"`,
      `${plan}:4: row 3, column round_plan: "TUE-REF" is not in ${rounds}`,
      `${plan}:5: row 4, column schedule: "Alternate weekly on Tuesday" contradicts round MON-REF-A in ${rounds} (row 1): it says Tuesday, the round runs on Monday`,
      // Row 5 holds a quoted line break, so row 6 starts on line 8.
      `${plan}:8: row 6, column schedule: "Every 3 weeks on Monday" contradicts round MON-REC in ${rounds} (row 2): it says every 3 week(s), the round runs every 1`,
    ]);
  });

  it('names the file, line, row and column of every bad rounds file row', async () => {
    const rounds = `${FIXTURES}broken/rounds.csv`;
    expect(await problems({ rounds })).toEqual([
      `${rounds}:4: row 3, column anchor: anchor 2026-01-06 is a Tuesday, not a Monday (weekday 1)`,
      `${rounds}:5: row 4, column weekday: must be a day of the week (Monday … Sunday, or 1 … 7), got "Thursdey"`,
      `${rounds}:6: row 5, column every_weeks: must be a whole number from 1 to 8, got "fortnightly"`,
    ]);
  });

  it('names the line of an unterminated quote', async () => {
    const rounds = `${FIXTURES}broken/unterminated.csv`;
    expect(await problems({ rounds })).toEqual([`${rounds}:3: a quoted field is never closed (missing ")`]);
  });

  it('names a file that does not exist', async () => {
    expect(await problems({ addresses: 'missing.csv' })).toEqual([expect.stringMatching(/csv\/missing\.csv: cannot be read: ENOENT/)]);
  });
});

describe('the CSV reader', () => {
  it.each([
    ['quoted commas, doubled quotes and line breaks', 'a,b\r\n"x, y","say ""hi""\nthere"\r\n', [['a', 'b'], ['x, y', 'say "hi"\nthere']]],
    ['an empty quoted field and a trailing empty field', 'a,b,c\n"",x,\n', [['a', 'b', 'c'], ['', 'x', '']]],
    ['blank lines and no final line break', 'a\n\n\nb', [['a'], ['b']]],
  ])('reads %s', (_name, text, rows) => {
    expect(parseCsv(text, 'x.csv').map((r) => r.fields)).toEqual(rows);
  });

  it('keeps the line a record starts on', () => {
    expect(parseCsv('h\n"multi\nline"\nnext\n', 'x.csv').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('refuses a quote in the middle of an unquoted field, naming the line', () => {
    expect(() => parseCsv('a,b\nx,y"z\n', 'x.csv')).toThrow('x.csv:2: a quote (") appears inside an unquoted field');
  });
});

describe('reading the schedule column', () => {
  it.each([
    ['Alternate weekly on Monday', { weekday: 1, everyWeeks: 2 }],
    ['Fortnightly Thursday', { weekday: 4, everyWeeks: 2 }],
    ['Every Tuesday', { weekday: 2, everyWeeks: 1 }],
    ['every 3 weeks, Wednesday', { weekday: 3, everyWeeks: 3 }],
    ['Four weekly', { weekday: null, everyWeeks: 4 }],
    ['4-weekly on Fridays', { weekday: 5, everyWeeks: 4 }],
    ['As arranged', { weekday: null, everyWeeks: null }],
  ])('%s', (text, reading) => {
    expect(readScheduleText(text)).toEqual(reading);
  });
});
