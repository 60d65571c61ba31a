// How big an operation is, as the limits count it: depth through fragments, aliases per use, councils per operation.
import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CouncilFanOut } from '../../gateway/limits/council-fan-out.js';
import { measureOperation } from '../../gateway/limits/measure-operation.js';

const measure = (source: string) => {
  const document = parse(source);
  return measureOperation(document, document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode);
};

describe('measuring an operation', () => {
  it.each([
    ['{ a }', { depth: 1, aliases: 0 }],
    ['{ a { b { c } } d }', { depth: 3, aliases: 0 }],
    ['{ x: a y: a { z: b } }', { depth: 2, aliases: 3 }],
    ['{ ... on Query { a { b } } }', { depth: 2, aliases: 0 }],
    ['{ a { ...F } b { ...F } } fragment F on T { x: c { d } }', { depth: 3, aliases: 2 }],
    ['{ __schema { types { fields { type { ofType { ofType { name } } } } } } a }', { depth: 1, aliases: 0 }],
  ])('%s', (source, size) => {
    expect(measure(source)).toEqual(size);
  });
});

describe('the councils one operation asks', () => {
  it('counts distinct councils across fetches and refuses the fetch that would pass the limit', () => {
    const fanOut = new CouncilFanOut(3);
    expect(fanOut.admit(['A', 'B'])).toEqual({ ok: true });
    expect(fanOut.admit(['A', 'B', 'C'])).toEqual({ ok: true }); // A and B were already counted
    expect(fanOut.admit(['D'])).toEqual({ ok: false, wouldAsk: 4, limit: 3 });
    expect(fanOut.admit(['C', 'C'])).toEqual({ ok: true });
  });
});
