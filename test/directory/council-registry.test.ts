import { describe, expect, it } from 'vitest';
import type { CouncilRecord } from '../../contracts/council.js';
import { createCouncilRegistry, loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';

describe('council registry (data/councils.json)', () => {
  const registry = loadCouncilRegistry();

  it('has every current UK council, sorted by code', () => {
    const codes = registry.all().map((council) => council.code);
    expect(codes).toHaveLength(382);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('knows Reading as an English unitary that collects waste', () => {
    expect(registry.get('E06000038')).toMatchObject({
      code: 'E06000038',
      name: 'Reading Borough Council',
      shortName: 'Reading',
      nation: 'ENGLAND',
      tier: 'UNITARY',
      parentCode: null,
      collectsWaste: true,
      slug: 'reading',
    });
    expect(registry.get('E06000038')!.binDayUrl).toMatch(/^https?:\/\/.*reading\.gov\.uk/);
  });

  it('links a two-tier district to its county, and the county does not collect waste', () => {
    const gedling = registry.get('E07000173')!;
    expect(gedling).toMatchObject({ name: 'Gedling Borough Council', tier: 'DISTRICT', collectsWaste: true });
    expect(gedling.parentCode).toBe('E10000024');

    const nottinghamshire = registry.get('E10000024')!;
    expect(nottinghamshire).toMatchObject({ name: 'Nottinghamshire County Council', tier: 'COUNTY', collectsWaste: false });
    expect(registry.children('E10000024').map((district) => district.code)).toContain('E07000173');
    expect(registry.children('E10000024')).toHaveLength(7);
    expect(registry.children('E07000173')).toEqual([]);
  });

  it('has between 350 and 370 councils that collect household waste, and no county among them', () => {
    const collecting = registry.filter({ collectsWaste: true });
    expect(collecting.length).toBeGreaterThanOrEqual(350);
    expect(collecting.length).toBeLessThanOrEqual(370);
    expect(collecting.filter((council) => council.tier === 'COUNTY')).toEqual([]);
    expect(registry.filter({ tier: 'COUNTY' }).every((county) => !county.collectsWaste)).toBe(true);
  });

  it('gives every council an https website', () => {
    for (const council of registry.all()) expect(council.website, council.code).toMatch(/^https:\/\/[^/\s]+\.[a-z]{2,}/);
  });

  it('puts each council in the nation its code says', () => {
    const nationByPrefix = { E: 'ENGLAND', S: 'SCOTLAND', W: 'WALES', N: 'NORTHERN_IRELAND' } as const;
    for (const council of registry.all()) {
      expect(council.nation, council.code).toBe(nationByPrefix[council.code[0] as keyof typeof nationByPrefix]);
    }
    const northernIreland = registry.filter({ nation: 'NORTHERN_IRELAND' });
    expect(northernIreland).toHaveLength(11);
    expect(northernIreland.every((council) => council.code.startsWith('N09'))).toBe(true);
  });

  it('gives every district a county parent and nothing else a parent', () => {
    for (const council of registry.all()) {
      if (council.tier === 'DISTRICT') expect(registry.get(council.parentCode!)?.tier, council.code).toBe('COUNTY');
      else expect(council.parentCode, council.code).toBeNull();
    }
  });

  it('uses current codes where GOV.UK still lists replaced ones', () => {
    expect(registry.get('E06000065')).toMatchObject({ name: 'North Yorkshire Council', tier: 'UNITARY' });
    expect(registry.get('E06000066')).toMatchObject({ name: 'Somerset Council', tier: 'UNITARY' });
    expect(registry.get('S12000049')?.shortName).toBe('Glasgow City');
    expect(registry.get('E10000023')).toBeUndefined(); // North Yorkshire County Council, abolished 2023
    expect(registry.get('S12000046')).toBeUndefined(); // Glasgow's pre-2018 code
  });

  it('filters on several criteria at once', () => {
    const welshUnitaries = registry.filter({ nation: 'WALES', tier: 'UNITARY', collectsWaste: true });
    expect(welshUnitaries).toHaveLength(22);
    expect(registry.filter({ nation: 'SCOTLAND', tier: 'DISTRICT' })).toEqual([]);
    expect(registry.filter({})).toHaveLength(registry.all().length);
  });
});

describe('createCouncilRegistry', () => {
  const county: CouncilRecord = {
    code: 'E10000024',
    name: 'Nottinghamshire County Council',
    shortName: 'Nottinghamshire',
    nation: 'ENGLAND',
    tier: 'COUNTY',
    website: 'https://www.nottinghamshire.gov.uk/',
    binDayUrl: null,
    parentCode: null,
    collectsWaste: false,
    slug: 'nottinghamshire',
    localCustodianCode: '3060',
  };
  const district: CouncilRecord = {
    ...county,
    code: 'E07000173',
    name: 'Gedling Borough Council',
    shortName: 'Gedling',
    tier: 'DISTRICT',
    parentCode: 'E10000024',
    collectsWaste: true,
    slug: 'gedling',
  };

  it('refuses duplicate codes and parents that are not in the registry', () => {
    expect(() => createCouncilRegistry([county, county])).toThrow(/Duplicate/);
    expect(() => createCouncilRegistry([district])).toThrow(/E10000024/);
  });

  it('does not let callers change the records it holds', () => {
    const registry = createCouncilRegistry([district, county]);
    expect(() => {
      (registry.get('E07000173') as { name: string }).name = 'Changed';
    }).toThrow(TypeError);
    expect(registry.all().map((council) => council.code)).toEqual(['E07000173', 'E10000024']);
  });
});
