import { describe, expect, it } from 'vitest';
import { stableJson } from '../../gateway/cache/stable-json.js';
import { cloneJson, mergeCouncilResults, partitionByCouncil, representationIdentity, type Representation } from '../../gateway/council-router/partition.js';

const property = (councilCode: string, uprn: string): Representation => ({ __typename: 'Property', councilCode, uprn });
const council = (code: string): Representation => ({ __typename: 'Council', code });

describe('partitionByCouncil', () => {
  it('splits a mixed batch by the council code in each key, keeping each council\'s order', () => {
    const reps = [property('E06000038', '1'), council('E06000023'), property('E06000023', '2'), property('E06000038', '3')];
    const { batches, unroutable } = partitionByCouncil(reps);
    expect(unroutable).toEqual([]);
    expect(batches.map((b) => b.councilCode)).toEqual(['E06000038', 'E06000023']);
    expect(batches[0].representations).toEqual([reps[0], reps[3]]);
    expect(batches[0].originalIndexes).toEqual([[0], [3]]);
    expect(batches[1].representations).toEqual([reps[1], reps[2]]);
    expect(batches[1].originalIndexes).toEqual([[1], [2]]);
  });

  it('sends an identical representation once, remembering every place it came from', () => {
    const reps = [council('E06000038'), council('E06000038'), { __typename: 'Council', code: 'E06000038' }];
    const { batches } = partitionByCouncil(reps);
    expect(batches).toHaveLength(1);
    expect(batches[0].representations).toHaveLength(1);
    expect(batches[0].originalIndexes).toEqual([[0, 1, 2]]);
  });

  it('treats key order as irrelevant when deduplicating', () => {
    const { batches } = partitionByCouncil([
      { __typename: 'Property', councilCode: 'E06000038', uprn: '9' },
      { __typename: 'Property', uprn: '9', councilCode: 'E06000038' },
    ]);
    expect(batches[0].representations).toHaveLength(1);
  });

  it('reports representations without a council code as unroutable', () => {
    const { batches, unroutable } = partitionByCouncil([{ __typename: 'Property', uprn: '1' }, council('E06000038')]);
    expect(unroutable).toEqual([0]);
    expect(batches).toHaveLength(1);
  });
});

describe('mergeCouncilResults', () => {
  it('puts each council\'s entities back at the gateway\'s indexes and never at another council\'s', () => {
    const reps = [property('A00000001', 'a1'), property('B00000002', 'b1'), property('A00000001', 'a2')];
    const { batches } = partitionByCouncil(reps);
    const merged = mergeCouncilResults(3, [
      { ok: true, batch: batches[0], entities: [{ from: 'A', uprn: 'a1' }, { from: 'A', uprn: 'a2' }], errors: [] },
      { ok: true, batch: batches[1], entities: [{ from: 'B', uprn: 'b1' }], errors: [] },
    ]);
    expect(merged.entities).toEqual([{ from: 'A', uprn: 'a1' }, { from: 'B', uprn: 'b1' }, { from: 'A', uprn: 'a2' }]);
    expect(merged.errors).toEqual([]);
  });

  it('re-numbers a council\'s error paths to the gateway\'s indexes', () => {
    const reps = [property('A00000001', 'a1'), property('B00000002', 'b1'), property('B00000002', 'b2')];
    const { batches } = partitionByCouncil(reps);
    const merged = mergeCouncilResults(3, [
      { ok: true, batch: batches[0], entities: [{ x: 1 }], errors: [] },
      { ok: true, batch: batches[1], entities: [{ x: 2 }, null], errors: [{ message: 'boom', path: ['_entities', 1, 'collections', 0] }] },
    ]);
    expect(merged.errors).toEqual([
      { message: 'boom', path: ['_entities', 2, 'collections', 0], extensions: { councilCode: 'B00000002' } },
    ]);
  });

  it('fans a deduplicated entity and its errors out to every original index, as separate objects', () => {
    const reps = [council('A00000001'), council('B00000002'), council('A00000001')];
    const { batches } = partitionByCouncil(reps);
    const merged = mergeCouncilResults(3, [
      { ok: true, batch: batches[0], entities: [{ services: [] }], errors: [{ message: 'late', path: ['_entities', 0, 'services'] }] },
      { ok: true, batch: batches[1], entities: [{ services: ['b'] }], errors: [] },
    ]);
    expect(merged.entities[0]).toEqual({ services: [] });
    expect(merged.entities[2]).toEqual({ services: [] });
    expect(merged.entities[0]).not.toBe(merged.entities[2]);
    expect(merged.errors.map((e) => e.path)).toEqual([['_entities', 0, 'services'], ['_entities', 2, 'services']]);
  });

  it('nulls every entity of a failed council, with one error per entity, and leaves the others whole', () => {
    const reps = [property('A00000001', 'a1'), property('B00000002', 'b1'), property('A00000001', 'a2')];
    const { batches } = partitionByCouncil(reps);
    const merged = mergeCouncilResults(3, [
      { ok: false, batch: batches[0], error: (index) => ({ message: 'down', path: ['_entities', index], extensions: { code: 'COUNCIL_UNAVAILABLE' } }) },
      { ok: true, batch: batches[1], entities: [{ ok: true }], errors: [] },
    ]);
    expect(merged.entities).toEqual([null, { ok: true }, null]);
    expect(merged.errors.map((e) => e.path)).toEqual([['_entities', 0], ['_entities', 2]]);
  });
});

describe('cloneJson', () => {
  it('copies an entity all the way down, sharing no object or array with the original', () => {
    const entity = { code: 'E06000038', services: [{ type: 'REFUSE', frequency: { description: 'Weekly' } }], n: 1, ok: true, none: null };
    const copy = cloneJson(entity);
    expect(copy).toEqual(entity);
    expect(copy.services).not.toBe(entity.services);
    expect(copy.services[0]).not.toBe(entity.services[0]);
    expect(copy.services[0].frequency).not.toBe(entity.services[0].frequency);
  });

  it('keeps an own "__proto__" key as a key, without changing the copy\'s prototype', () => {
    const copy = cloneJson(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('representationIdentity', () => {
  it.each([
    ['flat, keys in order', { __typename: 'Council', code: 'E06000038' }],
    ['flat, keys out of order', { uprn: '9', __typename: 'Property', councilCode: 'E06000038' }],
    ['a number and a null', { __typename: 'Property', councilCode: 'E06000038', uprn: 100023, extra: null }],
    ['nested', { __typename: 'Thing', key: { b: 1, a: [2, { d: 3, c: 4 }] } }],
    ['quotes and unicode', { __typename: 'Council', code: 'E0"6\u2028' }],
  ])('is stableJson\'s text: %s', (_name, representation) => {
    expect(representationIdentity(representation as Representation)).toBe(stableJson(representation));
  });
});
