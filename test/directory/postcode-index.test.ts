import { beforeAll, describe, expect, it } from 'vitest';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import {
  CROWN_DEPENDENCY_PSEUDO_CODES,
  encodePostcodeIndex,
  inwardToNumber,
  isCrownDependencyCode,
  numberToInward,
  PostcodeIndex,
} from '../../subgraphs/directory/postcode-index.js';

// Expected codes were read from the ONS postcode → LAD lookup (Aug 2023) in the shared reference
// data when this test was written, and are hard-coded so the test runs on a fresh clone.
const KNOWN_POSTCODES: [postcode: string, code: string, why: string][] = [
  ['RG1 1AA', 'E06000038', 'Reading, English unitary'],
  ['BS1 5TR', 'E06000023', 'Bristol'],
  ['SW1A 2AA', 'E09000033', 'London: Westminster (10 Downing Street)'],
  ['EC2V 7HH', 'E09000001', 'London: City of London'],
  ['E1 6AN', 'E09000001', 'London: E district postcode in the City'],
  ['M1 1AE', 'E08000003', 'Manchester, metropolitan district'],
  ['B1 1BB', 'E08000025', 'Birmingham'],
  ['NG4 1AA', 'E07000173', 'Gedling, two-tier district'],
  ['NG5 6HP', 'E07000173', 'Gedling, in a postcode district shared with Nottingham'],
  ['NG5 4AS', 'E06000018', 'Nottingham: next-door postcode of NG5 4AT, other council'],
  ['NG5 4AT', 'E07000173', 'Gedling: next-door postcode of NG5 4AS'],
  ['CB2 1TN', 'E07000008', 'Cambridge, two-tier district'],
  ['HG1 2RP', 'E06000065', 'Harrogate: North Yorkshire Council since 2023'],
  ['TA1 1HE', 'E06000066', 'Taunton: Somerset Council since 2023'],
  ['CA1 1RR', 'E06000063', 'Carlisle: Cumberland'],
  ['LA9 4DL', 'E06000064', 'Kendal: Westmorland and Furness'],
  ['TR21 0LW', 'E06000053', 'Isles of Scilly'],
  ['EH1 1YZ', 'S12000036', 'Edinburgh'],
  ['G2 1DY', 'S12000049', 'Glasgow (code changed in 2018)'],
  ['KY16 9AJ', 'S12000047', 'St Andrews: Fife (code changed in 2018)'],
  ['AB10 1AB', 'S12000033', 'Aberdeen: seven-character ONS form "AB101AB" in the source'],
  ['IV2 3EE', 'S12000017', 'Inverness: Highland'],
  ['ZE1 0AA', 'S12000027', 'Shetland'],
  ['CF10 1EP', 'W06000015', 'Cardiff'],
  ['SA1 3SN', 'W06000011', 'Swansea'],
  ['LL55 4UR', 'W06000002', 'Gwynedd'],
  ['LD1 5LG', 'W06000023', 'Powys'],
  ['CF47 8AN', 'W06000024', 'Merthyr Tydfil'],
  ['GY1 1AA', 'L99999999', 'Guernsey: Channel Islands pseudo code'],
  ['JE2 4UH', 'L99999999', 'Jersey: Channel Islands pseudo code'],
  ['IM1 1AA', 'M99999999', 'Isle of Man pseudo code'],
];

describe('PostcodeIndex (data/postcodes.bin.gz)', () => {
  let index: PostcodeIndex;

  beforeAll(() => {
    index = PostcodeIndex.load();
  });

  it('holds every GB postcode', () => {
    expect(index.size).toBeGreaterThan(2_600_000);
  });

  it('finds Reading for RG1 1AA', () => {
    expect(index.lookup('RG1 1AA')).toBe('E06000038');
  });

  it.each(KNOWN_POSTCODES)('%s → %s (%s)', (postcode, code) => {
    expect(index.lookup(postcode)).toBe(code);
  });

  it('returns undefined for well-formed postcodes that do not exist', () => {
    expect(index.lookup('ZZ1 1ZZ')).toBeUndefined(); // no ZZ area
    expect(index.lookup('G1 1AA')).toBeUndefined(); // real district, unused unit
    expect(index.lookup('BT1 1AA')).toBeUndefined(); // Northern Ireland is not in the source
  });

  it('returns undefined for malformed input instead of throwing', () => {
    for (const input of ['', 'RG1', 'RG1 1A0', 'NOT A POSTCODE', 'RG1 1AAAA']) {
      expect(index.lookup(input)).toBeUndefined();
    }
  });

  it('marks Crown Dependency pseudo codes as such', () => {
    expect(isCrownDependencyCode(index.lookup('GY1 1AA')!)).toBe(true);
    expect(isCrownDependencyCode(index.lookup('RG1 1AA')!)).toBe(false);
    expect(Object.keys(CROWN_DEPENDENCY_PSEUDO_CODES).sort()).toEqual(['L99999999', 'M99999999']);
  });

  it('maps only to councils in the registry or to the Crown Dependency pseudo codes', () => {
    const registry = loadCouncilRegistry();
    const strays = index.councilCodes.filter((code) => !registry.get(code) && !isCrownDependencyCode(code));
    expect(strays).toEqual([]);
    for (const code of index.councilCodes) {
      if (!isCrownDependencyCode(code)) expect(registry.get(code)?.collectsWaste, code).toBe(true);
    }
  });
});

describe('postcode index format', () => {
  it('numbers every inward code 0..6759 and back', () => {
    expect(inwardToNumber('0AA')).toBe(0);
    expect(inwardToNumber('9ZZ')).toBe(6759);
    expect(inwardToNumber('1AB')).toBe(677);
    expect(inwardToNumber('1a0')).toBeUndefined();
    for (const n of [0, 1, 25, 26, 675, 676, 3000, 6759]) expect(inwardToNumber(numberToInward(n))).toBe(n);
  });

  it('round-trips runs of councils, unsorted input and every postcode spacing', () => {
    const entries: [string, string][] = [
      ['NG5 4AT', 'E07000173'],
      ['NG5 4AS', 'E06000018'],
      ['NG5 4AU', 'E06000018'],
      ['AB101AA', 'S12000033'],
      ['M1 1AE', 'E08000003'],
      ['NG5 9ZZ', 'E07000173'],
      ['GY1 1AA', 'L99999999'],
    ];
    const index = PostcodeIndex.fromGzip(encodePostcodeIndex(entries));
    expect(index.size).toBe(entries.length);
    for (const [postcode, code] of entries) expect(index.lookup(postcode)).toBe(code);
    expect(index.lookup('AB10 1AA')).toBe('S12000033');
    expect(index.lookup('NG5 4AV')).toBeUndefined();
    expect(index.outwardCodes()).toEqual(['AB10', 'GY1', 'M1', 'NG5']);
    expect([...index.entries()]).toContainEqual(['AB10 1AA', 'S12000033']);
  });

  it('refuses duplicate or malformed postcodes and rejects foreign files', () => {
    expect(() => encodePostcodeIndex([['RG1 1AA', 'E06000038'], ['RG11AA', 'E06000038']])).toThrow(/Duplicate/);
    expect(() => encodePostcodeIndex([['RG1 1A0', 'E06000038']])).toThrow(/malformed/);
    expect(() => encodePostcodeIndex([['RG1 1AA', 'READING']])).toThrow(/9 characters/);
    expect(() => PostcodeIndex.fromGzip(encodePostcodeIndex([]).subarray(0, 10))).toThrow();
  });
});
