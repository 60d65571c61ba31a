// Listing a council's postcodes (the console's exact counts): the postcode index by council and outward
// code, and the sample source's areas, matched by the parts of a postcode, never by text prefix.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { loadDirectoryData } from '../../subgraphs/directory/server.js';
import type { DirectoryData } from '../../subgraphs/directory/subgraph.js';

const READING = 'E06000038';
let data: DirectoryData;
let reading: SampleCouncilSource;
beforeAll(() => {
  data = loadDirectoryData();
  reading = new SampleCouncilSource(data.councils.get(READING)!, data.postcodes, loadShippedBankHolidays());
});

describe("a council's postcodes", () => {
  it('lists only the council’s own, and every one of them is the council’s', async () => {
    const all = (await reading.councilPostcodes!())!;
    expect(all).toContain('RG1 1AA');
    expect(all.length).toBeGreaterThan(1000);
    for (const postcode of all.filter((_, i) => i % 97 === 0)) expect(data.postcodes.lookup(postcode)).toBe(READING);
    expect(data.postcodes.postcodesOf('E06000039', 'RG1')).toEqual([]);
  });

  it('lists an outward code or a sector by its parts: RG1 is not RG10, RG1 1 is not RG1 2', async () => {
    const outward = (await reading.councilPostcodes!(['RG1']))!;
    expect(outward.length).toBeGreaterThan(0);
    expect(outward.every((p) => p.startsWith('RG1 '))).toBe(true);
    const sector = (await reading.councilPostcodes!(['rg1 1']))!;
    expect(sector.length).toBeGreaterThan(0);
    expect(sector.every((p) => /^RG1 1[A-Z]{2}$/.test(p))).toBe(true);
    expect(await reading.councilPostcodes!(['RG1 1AA'])).toEqual(['RG1 1AA']);
    // A Bristol postcode is not Reading's.
    expect(await reading.councilPostcodes!(['BS1 4DJ'])).toEqual([]);
  });

  it('names the sample rounds a disruption can target, and they are the ones addresses are on', async () => {
    const rounds = (await reading.roundIds())!;
    const [property] = await reading.propertiesInPostcode('RG1 1AA');
    for (const round of Object.values(property.roundIds)) expect(rounds).toContain(round);
  });
});
