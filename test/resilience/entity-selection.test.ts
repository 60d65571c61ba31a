// Isolation, as pure functions: the query a council is sent carries the key markers, and an answer is
// accepted only for the type and council asked, cut to exactly what the gateway asked for.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkEntity, EntityFetchPlans, markersFor } from '../../gateway/council-router/entity-selection.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const GATEWAY_QUERY =
  'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{services{name}}...on Property{uprn collections(from:"2026-12-01"){date disruption{id councilCode}}}}}';
const plan = new EntityFetchPlans().planFor(GATEWAY_QUERY)!;
const TYPENAME_MARKER = plan.markers.typename;
const COUNCIL_MARKER = plan.markers.council;
const council = { __typename: 'Council', code: READING };
const property = { __typename: 'Property', councilCode: READING, uprn: '1' };

describe('the query sent to a council', () => {
  it('adds the typename and, per entity type, its council key under marker aliases', () => {
    const entities = (parse(plan.councilQuery).definitions[0] as any).selectionSet.selections[0];
    const printed = plan.councilQuery;
    expect(printed).toContain(`${TYPENAME_MARKER}:__typename`);
    expect(printed).toContain(`...on Council{${COUNCIL_MARKER}:code}`);
    expect(printed).toContain(`...on Property{${COUNCIL_MARKER}:councilCode}`);
    expect(entities.name.value).toBe('_entities');
    expect(plan.isQuery).toBe(true);
  });

  it('is planned once per query text, and not at all for a query without _entities', () => {
    const plans = new EntityFetchPlans(2);
    expect(plans.planFor(GATEWAY_QUERY)).toBe(plans.planFor(GATEWAY_QUERY));
    expect(plans.planFor('{ _service { sdl } }')).toBeUndefined();
    expect(plans.planFor('not graphql')).toBeUndefined();
  });

  it('marks a mutation as not a query, so it is never retried', () => {
    const mutation = new EntityFetchPlans().planFor('mutation($representations:[_Any!]!){_entities(representations:$representations){...on Council{code}}}');
    expect(mutation?.isQuery).toBe(false);
  });
});

describe('the markers', () => {
  it('are names that occur nowhere in the query, whatever aliases a client wrote', () => {
    const hostile =
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{_binfo_typename:services{name} _binfo_council:code _binfo_typename1:code}}}';
    const markers = markersFor(hostile);
    expect(hostile).not.toContain(markers.typename);
    expect(hostile).not.toContain(markers.council);
    const hostilePlan = new EntityFetchPlans().planFor(hostile)!;
    const answer = {
      _binfo_typename: [{ name: 'Grey bin' }],
      _binfo_council: READING,
      _binfo_typename1: READING,
      [hostilePlan.markers.typename]: 'Council',
      [hostilePlan.markers.council]: READING,
    };
    expect(checkEntity(hostilePlan, answer, council, READING)).toEqual({
      ok: true,
      entity: { _binfo_typename: [{ name: 'Grey bin' }], _binfo_council: READING, _binfo_typename1: READING },
    });
  });
});

describe('checking an answer', () => {
  const marked = (entity: Record<string, unknown>, typename = 'Council', code = READING) => ({ ...entity, [TYPENAME_MARKER]: typename, [COUNCIL_MARKER]: code });

  it('accepts the council’s own entity and strips the markers and anything not asked for', () => {
    const answer = marked({ services: [{ name: 'Grey bin', secret: 'x' }], injected: { evil: true } });
    expect(checkEntity(plan, answer, council, READING)).toEqual({ ok: true, entity: { services: [{ name: 'Grey bin' }] } });
  });

  it('accepts null: the council does not know the entity', () => {
    expect(checkEntity(plan, null, council, READING)).toEqual({ ok: true, entity: null });
  });

  it.each([
    ['another council’s entity', marked({ services: [] }, 'Council', BRISTOL), /entity of council "E06000023" where one of E06000038 was asked for/],
    ['an entity without markers (the council ignored the query)', { services: [] }, /returned nothing where a Council was asked for/],
    ['a wrong-typed leaf (an object where a String belongs)', marked({ services: [{ name: { html: '<b>' } }] }), /services\[0\]\.name with object, which is not a String/],
    ['null where the standard forbids it', marked({ services: [{ name: null }] }), /services\[0\]\.name with null/],
    ['a scalar where a list belongs', marked({ services: 'all of them' }), /services with "all of them" where a list belongs/],
    ['a field left out', marked({}), /left out Council\.services/],
    ['an entity of another type', marked({ uprn: '1' }, 'Property'), /returned "Property" where a Council was asked for/],
    ['something that is not an object', 'Council', /not an object/],
  ])('refuses %s', (_label, answer, problem) => {
    const check = checkEntity(plan, answer, council, READING);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toMatch(problem);
  });

  it('refuses an answer that smuggles another council’s data inside the council’s own entity', () => {
    const answer = marked({ uprn: '1', collections: [{ date: '2026-12-01', disruption: { id: 'd1', councilCode: BRISTOL } }] }, 'Property');
    const check = checkEntity(plan, answer, property, READING);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toMatch(/data of council "E06000023" inside an answer for E06000038/);
  });

  it('refuses an enum value the standard does not have, and a date that is not a real date', () => {
    const typed = new EntityFetchPlans().planFor(
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Property{collections{date status}}}}',
    )!;
    const answer = (collections: unknown) => ({ [typed.markers.typename]: 'Property', [typed.markers.council]: READING, collections });
    const enumCheck = checkEntity(typed, answer([{ date: '2026-12-01', status: 'EXPLODED' }]), property, READING);
    expect(!enumCheck.ok && enumCheck.problem).toMatch(/status with "EXPLODED", which is not a CollectionStatus/);
    const dateCheck = checkEntity(typed, answer([{ date: '2026-02-30', status: 'SCHEDULED' }]), property, READING);
    expect(!dateCheck.ok && dateCheck.problem).toMatch(/date with "2026-02-30", which is not a Date/);
    expect(checkEntity(typed, answer([{ date: '2026-12-01', status: 'MOVED' }]), property, READING)).toEqual({
      ok: true,
      entity: { collections: [{ date: '2026-12-01', status: 'MOVED' }] },
    });
  });

  it('lets a field under @include be left out', () => {
    const conditional = new EntityFetchPlans().planFor(
      'query($representations:[_Any!]!,$more:Boolean!){_entities(representations:$representations){...on Council{code services @include(if:$more){name}}}}',
    )!;
    const answer = { [conditional.markers.typename]: 'Council', [conditional.markers.council]: READING, code: READING };
    expect(checkEntity(conditional, answer, council, READING)).toEqual({ ok: true, entity: { code: READING } });
  });

  it('keeps nested lists and nulls as asked', () => {
    const answer = marked({ uprn: '1', collections: [{ date: '2026-12-01', disruption: null, extra: 1 }] }, 'Property');
    expect(checkEntity(plan, answer, property, READING)).toEqual({ ok: true, entity: { uprn: '1', collections: [{ date: '2026-12-01', disruption: null }] } });
  });

  it('never copies a __proto__ key from an answer', () => {
    const answer = JSON.parse(`{"${TYPENAME_MARKER}":"Council","${COUNCIL_MARKER}":"${READING}","services":[],"__proto__":{"polluted":true}}`);
    const check = checkEntity(plan, answer, council, READING);
    expect(check.ok && (check.entity as any).polluted).toBeFalsy();
    expect(({} as any).polluted).toBeUndefined();
  });
});
