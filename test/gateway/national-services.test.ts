// The national service views over a fake council fan-out: what is asked, how failures show, and that the
// summary is counted from the very answers the list shows. (test/e2e/national-services.test.ts runs them
// through a real gateway.)
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { EntityFetchRequest } from '../../gateway/council-router/council-router-data-source.js';
import { nationalSubgraphSchema, type NationalCouncilFacts } from '../../gateway/national/national-subgraph.js';
import { everyWeeksOf } from '../../gateway/national/service-views.js';

const garden = (code: string, rrule: string | null, required: boolean | null) => ({
  id: `${code}:garden`,
  name: 'Brown bin (garden waste)',
  type: 'GARDEN_WASTE',
  containers: [{ name: 'Garden bin', colour: 'brown', kind: 'WHEELIE_BIN' }],
  frequency: rrule ? { description: 'Every other week', rrule } : null,
  subscription: required === null ? null : { required, description: 'Sign up', url: null },
});
const refuse = (code: string) => ({ ...garden(code, 'FREQ=WEEKLY;INTERVAL=2', null), id: `${code}:refuse`, name: 'Black bin', type: 'GENERAL_WASTE' });

/** Councils A..E: A and B charge fortnightly, C is free and weekly, D runs no garden waste, E is down. */
const ANSWERS: Record<string, unknown> = {
  E00000001: { services: [refuse('E00000001'), garden('E00000001', 'FREQ=WEEKLY;INTERVAL=2', true)], dataSource: { kind: 'SAMPLE' } },
  E00000002: { services: [garden('E00000002', 'RRULE:FREQ=DAILY;INTERVAL=14', true)], dataSource: { kind: 'ICS' } },
  W00000003: { services: [garden('W00000003', 'FREQ=WEEKLY', null)], dataSource: { kind: 'SAMPLE' } },
  S00000004: { services: [refuse('S00000004')], dataSource: { kind: 'SAMPLE' } },
};
const DOWN = 'S00000005';
const DIRECTORY = new Map<string, NationalCouncilFacts>([
  ['E00000001', { collectsWaste: true, nation: 'ENGLAND', tier: 'UNITARY' }],
  ['E00000002', { collectsWaste: true, nation: 'ENGLAND', tier: 'DISTRICT' }],
  ['E10000009', { collectsWaste: false, nation: 'ENGLAND', tier: 'COUNTY' }],
  ['W00000003', { collectsWaste: true, nation: 'WALES', tier: 'UNITARY' }],
  ['S00000004', { collectsWaste: true, nation: 'SCOTLAND', tier: 'UNITARY' }],
  ['S00000005', { collectsWaste: true, nation: 'SCOTLAND', tier: 'UNITARY' }],
]);

function fakeNational() {
  const fanOuts: EntityFetchRequest[] = [];
  const schema = nationalSubgraphSchema({
    councilCodes: () => ['W00000003', 'E00000002', 'E00000001', 'S00000004'],
    councilDirectory: DIRECTORY,
    councils: {
      fetchEntities: async (request) => {
        fanOuts.push(request);
        const codes = request.representations.map((r) => String(r.code));
        return {
          entities: codes.map((code) => ANSWERS[code] ?? null),
          errors: codes.flatMap((code, i) =>
            code === DOWN
              ? [{ message: `Council ${code} is unavailable.`, path: ['_entities', i], extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: code, fallbackUrl: 'https://down.example/bins' } }]
              : [],
          ),
        };
      },
    },
  });
  const run = (source: string) => graphql({ schema, source, contextValue: {} });
  return { run, fanOuts };
}

describe('services(type:)', () => {
  it('lists every council running the type, in code order, with a null item and the error for a council that is down', async () => {
    const { run, fanOuts } = fakeNational();
    const result = await run(`{ services(type: GARDEN_WASTE) { council { code } service { id subscription { required } frequency { rrule } } } }`);
    expect(fanOuts).toHaveLength(1);
    // Every waste collector in the directory and every endpoint; never the county.
    expect(fanOuts[0].representations.map((r) => r.code)).toEqual(['E00000001', 'E00000002', 'S00000004', 'S00000005', 'W00000003']);
    expect((result.data!.services as unknown[]).map((item: any) => item?.service.id ?? null)).toEqual(['E00000001:garden', 'E00000002:garden', 'W00000003:garden', null]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].path).toEqual(['services', 3]);
    expect(result.errors![0].extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: DOWN, fallbackUrl: 'https://down.example/bins' });
  });

  it('asks only the councils of the nation and tier given', async () => {
    const { run, fanOuts } = fakeNational();
    const result = await run(`{ services(type: GENERAL_WASTE, nation: SCOTLAND) { council { code } } e: services(type: GARDEN_WASTE, nation: ENGLAND, tier: DISTRICT) { council { code } } }`);
    expect(fanOuts.map((f) => f.representations.map((r) => r.code))).toEqual([['S00000004', 'S00000005'], ['E00000002']]);
    expect(result.data!.e).toEqual([{ council: { code: 'E00000002' } }]);
  });
});

describe('serviceSummary(type:)', () => {
  it('counts the same answers as the list, in one fan-out with it', async () => {
    const { run, fanOuts } = fakeNational();
    const result = await run(`{
      services(type: GARDEN_WASTE) { council { code } }
      serviceSummary(type: GARDEN_WASTE) {
        type councilsAsked councilsAnswered councilsWithSampleData councilsOffering
        byFrequency { everyWeeks description councils } bySubscription { required councils }
        unanswered { council { code } code fallbackUrl }
      }
    }`);
    expect(fanOuts).toHaveLength(1);
    expect(result.data!.serviceSummary).toEqual({
      type: 'GARDEN_WASTE',
      councilsAsked: 5,
      councilsAnswered: 4,
      councilsWithSampleData: 3,
      councilsOffering: 3,
      byFrequency: [
        { everyWeeks: 2, description: 'Every 2 weeks', councils: 2 },
        { everyWeeks: 1, description: 'Every week', councils: 1 },
      ],
      bySubscription: [{ required: true, councils: 2 }, { required: false, councils: 1 }],
      unanswered: [{ council: { code: DOWN }, code: 'COUNCIL_UNAVAILABLE', fallbackUrl: 'https://down.example/bins' }],
    });
    const listed = new Set((result.data!.services as any[]).filter(Boolean).map((item) => item.council.code));
    expect(listed.size).toBe((result.data!.serviceSummary as any).councilsOffering);
  });
});

describe('everyWeeksOf', () => {
  it.each([
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TH', 2],
    ['FREQ=WEEKLY', 1],
    ['RRULE:FREQ=DAILY;INTERVAL=21', 3],
    ['FREQ=DAILY;INTERVAL=10', null],
    ['FREQ=MONTHLY;BYDAY=1MO', null],
    [null, null],
  ])('reads %s as %s weeks', (rrule, weeks) => {
    expect(everyWeeksOf(rrule)).toBe(weeks);
  });
});
