// End to end over real HTTP on 127.0.0.1: the gateway, the directory and the council host with its sample data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInLondon } from '../../domain/dates.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

let stack: LocalStack;
let url: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000 });
  url = stack.gateway.graphqlUrl;
});
afterAll(async () => {
  await stack?.close();
});

describe('a postcode query through the gateway', () => {
  it('names Reading for "rg1 1aa" and gives its properties\' collections over the next 14 days', async () => {
    const result = await gql(url, `{
      postcode(code: "rg1 1aa") {
        postcode coverage
        councils {
          code name tier binDayUrl
          dataSource { kind notice }
          properties(postcode: "rg1 1aa") {
            uprn councilCode address { singleLine }
            collections { date status service { name type } }
            nextCollections { date service { type } }
          }
        }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const lookup = result.data.postcode;
    expect(lookup.postcode).toBe('RG1 1AA');
    expect(lookup.coverage).toBe('COVERED');
    expect(lookup.councils).toHaveLength(1);
    const reading = lookup.councils[0];
    expect(reading.code).toBe('E06000038');
    expect(reading.name).toMatch(/Reading/);
    expect(reading.dataSource.kind).toBe('SAMPLE');
    expect(reading.dataSource.notice).toMatch(/sample/i);
    expect(reading.properties.length).toBeGreaterThanOrEqual(3);
    const today = todayInLondon(new Date());
    const last = addDays(today, 13);
    for (const property of reading.properties) {
      expect(property.councilCode).toBe('E06000038');
      expect(property.address.singleLine).toMatch(/\(sample\).*RG1 1AA$/);
      expect(property.collections.length).toBeGreaterThan(0);
      for (const collection of property.collections) {
        expect(collection.date >= today && collection.date <= last).toBe(true);
      }
      // Food waste is weekly in England: two weeks hold at least one food collection (two unless one is cancelled).
      expect(property.collections.some((c: any) => c.service.type === 'FOOD_WASTE')).toBe(true);
      const nextTypes = property.nextCollections.map((c: any) => c.service.type);
      expect(new Set(nextTypes).size).toBe(nextTypes.length);
    }
  });

  it.each([
    ['BS1 5TR', 'E06000023'], // Bristol
    ['B1 1BB', 'E08000025'], // Birmingham
    ['M1 1AE', 'E08000003'], // Manchester
    ['NE1 7RU', 'E08000021'], // Newcastle upon Tyne
    ['OX1 1BX', 'E07000178'], // Oxford (a district of Oxfordshire)
    ['NG4 3HS', 'E07000173'], // Gedling (a district of Nottinghamshire)
    ['TR1 2SB', 'E06000052'], // Cornwall
    ['CA3 8QG', 'E06000063'], // Cumberland (created 2023)
    ['HG1 2RS', 'E06000065'], // North Yorkshire (Harrogate until 2023)
    ['EH1 1YZ', 'S12000036'], // City of Edinburgh
    ['G1 1AB', 'S12000049'], // Glasgow City
    ['IV2 3HH', 'S12000017'], // Highland
    ['SA1 1NW', 'W06000011'], // Swansea
    ['PL1 1AA', 'E06000026'], // Plymouth
  ])('names the council ONS assigns to %s (%s)', async (postcode, code) => {
    const result = await gql(url, `query($p: String!) { postcode(code: $p) { postcode councils { code collectsWaste parent { code } } } }`, { p: postcode.toLowerCase().replace(' ', '') });
    expect(result.errors).toBeUndefined();
    expect(result.data.postcode.postcode).toBe(postcode);
    expect(result.data.postcode.councils.map((c: any) => c.code)).toEqual([code]);
    expect(result.data.postcode.councils[0].collectsWaste).toBe(true);
  });

  it('names the district in a two-tier area, with its county as parent', async () => {
    const result = await gql(url, `{ postcode(code: "NG4 3HS") { councils { code tier parent { code tier collectsWaste } } } }`);
    expect(result.data.postcode.councils[0]).toEqual({ code: 'E07000173', tier: 'DISTRICT', parent: { code: 'E10000024', tier: 'COUNTY', collectsWaste: false } });
  });

  it('refuses a malformed postcode with BAD_USER_INPUT and a clear message, and keeps serving', async () => {
    const result = await gql(url, `{ postcode(code: "NOT A POSTCODE") { postcode } }`);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/not a valid UK postcode/i);
    const again = await gql(url, `{ postcode(code: "RG1 1AA") { postcode } }`);
    expect(again.data.postcode.postcode).toBe('RG1 1AA');
  });

  it('gives null for a well-formed postcode that does not exist', async () => {
    const result = await gql(url, `{ postcode(code: "ZZ9 9ZZ") { postcode } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.postcode).toBeNull();
  });

  it('answers a Northern Ireland postcode clearly rather than with a wrong council', async () => {
    const result = await gql(url, `{ postcode(code: "bt1 5gs") { postcode coverage councils { code } notice } }`);
    expect(result.data.postcode).toMatchObject({ postcode: 'BT1 5GS', coverage: 'NORTHERN_IRELAND_NOT_COVERED', councils: [] });
    expect(result.data.postcode.notice).toMatch(/Northern Ireland/);
  });

  it('refuses a date that is not YYYY-MM-DD with BAD_USER_INPUT', async () => {
    const literal = await gql(url, `{ property(councilCode: "E06000038", uprn: "1") { collections(from: "2026-13-01") { date } } }`);
    expect(literal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await gql(url, `query($d: Date) { property(councilCode: "E06000038", uprn: "1") { collections(from: $d) { date } } }`, { d: '27/11/2026' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(variable.errors?.[0].message).toMatch(/YYYY-MM-DD/);
  });
});

describe('national queries', () => {
  it('lists every current council that collects household waste, each with a website', async () => {
    const result = await gql(url, `{ councils(collectsWaste: true) { code name website nation } }`);
    const councils = result.data.councils;
    expect(councils.length).toBeGreaterThan(350);
    expect(councils.length).toBeLessThan(370);
    for (const council of councils) expect(council.website).toMatch(/^https?:\/\//);
    expect(new Set(councils.map((c: any) => c.nation))).toEqual(new Set(['ENGLAND', 'SCOTLAND', 'WALES', 'NORTHERN_IRELAND']));
  });

  it('asks every registered council for its services in one query', async () => {
    const result = await gql(url, `{ councils(collectsWaste: true) { code services { id type name } } }`);
    expect(result.errors).toBeUndefined();
    const councils = result.data.councils;
    expect(councils.length).toBe(stack.endpoints.size);
    for (const council of councils) {
      expect(council.services.length).toBeGreaterThanOrEqual(3);
      expect(council.services.some((s: any) => s.type === 'GENERAL_WASTE')).toBe(true);
    }
    const welsh = (await gql(url, `{ councils(nation: WALES) { services { type frequency { description } } } }`)).data.councils;
    for (const council of welsh) {
      const food = council.services.find((s: any) => s.type === 'FOOD_WASTE');
      expect(food.frequency.description).toBe('Every week');
    }
  });

  it('finds a property again by its council and UPRN', async () => {
    const first = await gql(url, `{ council(code: "E06000038") { properties(postcode: "RG1 1AA") { uprn address { singleLine } } } }`);
    const property = first.data.council.properties[1];
    const again = await gql(url, `query($u: ID!) { property(councilCode: "E06000038", uprn: $u) { uprn address { singleLine } services { type frequency { description rrule } } } }`, { u: property.uprn });
    expect(again.data.property.address.singleLine).toBe(property.address.singleLine);
    expect(again.data.property.services[0].frequency.description).toMatch(/^Every (other |3 weeks on |4 weeks on )?(Monday|Tuesday|Wednesday|Thursday|Friday)$/);
    // Another council never answers for Reading's property.
    const wrong = await gql(url, `query($u: ID!) { property(councilCode: "E06000023", uprn: $u) { address { singleLine } } }`, { u: property.uprn });
    expect(wrong.data.property.address).toBeNull();
  });
});
