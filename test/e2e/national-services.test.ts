// Query by service through a real gateway on 127.0.0.1: the directory, the council host with every
// waste-collecting council's sample data, and one council (Reading) whose endpoint is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
let stack: LocalStack;
let url: string;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    councilTimeoutMs: 15_000,
    endpoints: (endpoints) => endpoints.set(READING, { ...endpoints.get(READING)!, url: 'http://127.0.0.1:9/down', timeoutMs: 1_000 }),
  });
  url = stack.gateway.graphqlUrl;
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe('services(type:) through the gateway', () => {
  it('answers "which councils charge for garden waste" for every waste-collecting council, naming the one that failed', async () => {
    const result = await gql(url, `{ services(type: GARDEN_WASTE) { council { code name } service { name subscription { required } } } }`);
    // What the councils say, asked the long way round (the directory's list, then each council's services).
    const expected = await gql(url, `{ councils(collectsWaste: true) { code name services { type name subscription { required } } } }`);
    const rows = (expected.data.councils as any[]).flatMap((council) =>
      (council.services ?? [])
        .filter((s: any) => s.type === 'GARDEN_WASTE')
        .map((s: any) => ({ council: { code: council.code, name: council.name }, service: { name: s.name, subscription: s.subscription } })),
    );
    const items = result.data.services as any[];
    expect(items.filter(Boolean)).toEqual(rows);
    expect(rows.length).toBeGreaterThan(300); // England, Scotland and Wales all run garden waste in the sample
    expect(items.filter(Boolean).every((item) => item.service.subscription.required === true)).toBe(true);
    expect(items.some((item) => item?.council.code === READING)).toBe(false);

    expect(items.filter((item) => item === null)).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.path).toEqual(['services', items.indexOf(null)]);
    expect(error.message).toMatch(/Reading Borough Council/);
    expect(error.extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/' });
  });

  it('filters by nation and tier using the directory', async () => {
    const result = await gql(url, `{
      glass: services(type: GLASS, nation: SCOTLAND) { council { code nation } service { id type } }
      districts: services(type: FOOD_WASTE, tier: DISTRICT) { council { code tier } }
      scotland: councils(nation: SCOTLAND, collectsWaste: true) { code }
    }`);
    expect(result.errors).toBeUndefined();
    // Every Scottish council has a glass box in the sample; only Scottish councils are listed.
    expect(result.data.glass.map((item: any) => item.council.code)).toEqual(result.data.scotland.map((c: any) => c.code).sort());
    for (const item of result.data.glass) {
      expect(item.council.nation).toBe('SCOTLAND');
      expect(item.service).toMatchObject({ id: `${item.council.code}:glass`, type: 'GLASS' });
    }
    expect(result.data.districts.length).toBeGreaterThan(100);
    for (const item of result.data.districts) expect(item.council.tier).toBe('DISTRICT');
  });
});

describe('serviceSummary(type:) through the gateway', () => {
  it('counts exactly what the list answers: councils answered, sample data, offering, by frequency, by subscription', async () => {
    const result = await gql(url, `{
      services(type: GENERAL_WASTE) { council { code } service { frequency { rrule } subscription { required } } }
      serviceSummary(type: GENERAL_WASTE) {
        type councilsAsked councilsAnswered councilsWithSampleData councilsOffering
        byFrequency { everyWeeks description councils }
        bySubscription { required councils }
        unanswered { council { code name } code fallbackUrl }
      }
      collecting: councils(collectsWaste: true) { code }
    }`);
    const summary = result.data.serviceSummary;
    const items = (result.data.services as any[]).filter(Boolean);
    const offering = new Set(items.map((item) => item.council.code));
    const asked = result.data.collecting.length;

    expect(summary.type).toBe('GENERAL_WASTE');
    expect(summary.councilsAsked).toBe(asked);
    expect(summary.councilsAnswered).toBe(asked - 1);
    expect(summary.councilsWithSampleData).toBe(asked - 1);
    expect(summary.councilsOffering).toBe(offering.size);
    expect(offering.size).toBe(asked - 1); // every council collects general waste

    const weeksByCouncil = new Map<number, Set<string>>();
    for (const item of items) {
      const weeks = Number(/INTERVAL=(\d+)/.exec(item.service.frequency.rrule)![1]);
      weeksByCouncil.set(weeks, (weeksByCouncil.get(weeks) ?? new Set()).add(item.council.code));
    }
    expect(Object.fromEntries(summary.byFrequency.map((f: any) => [f.everyWeeks, f.councils]))).toEqual(
      Object.fromEntries([...weeksByCouncil].map(([weeks, councils]) => [weeks, councils.size])),
    );
    expect(summary.byFrequency.map((f: any) => f.description)).toContain('Every 3 weeks');
    expect(summary.bySubscription).toEqual([{ required: true, councils: 0 }, { required: false, councils: offering.size }]);

    expect(summary.unanswered).toEqual([
      { council: { code: READING, name: 'Reading Borough Council' }, code: 'COUNCIL_UNAVAILABLE', fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/' },
    ]);
    // The failure is said once, in the list, not again for the summary.
    expect(result.errors?.map((e) => e.extensions?.councilCode)).toEqual([READING]);
  });
});
