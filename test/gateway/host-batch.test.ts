// Splitting a council host's one answer back into each council's answer, as if each had been asked alone.
import { describe, expect, it } from 'vitest';
import { CouncilFailure } from '../../gateway/council-router/council-http.js';
import { splitHostAnswer } from '../../gateway/council-router/host-batch.js';

const answer = (body: Record<string, unknown>) => ({ status: 200, body, cacheControl: 'max-age=20' });

describe('a council host’s answer, split by council', () => {
  it('gives each council its slice of the entities and the errors that point into it, re-numbered', () => {
    const parts = splitHostAnswer(
      answer({
        data: { _entities: ['a0', 'a1', 'b0'] },
        errors: [
          { message: 'b0 failed', path: ['_entities', 2, 'services'] },
          { message: 'a1 failed', path: ['_entities', 1] },
          { message: 'whole answer' },
        ],
      }),
      [2, 1],
    );
    expect(parts).toEqual([
      answer({ data: { _entities: ['a0', 'a1'] }, errors: [{ message: 'a1 failed', path: ['_entities', 1] }, { message: 'whole answer' }] }),
      answer({ data: { _entities: ['b0'] }, errors: [{ message: 'b0 failed', path: ['_entities', 0, 'services'] }, { message: 'whole answer' }] }),
    ]);
  });

  it.each([
    ['too few entities', { data: { _entities: ['a0'] } }],
    ['data: null', { data: null, errors: [{ message: 'x' }] }],
    ['no _entities', { data: {} }],
  ])('fails every council of the host when it answers %s', (_label, body) => {
    const parts = splitHostAnswer(answer(body), [1, 1]);
    for (const part of parts) expect(part).toBeInstanceOf(CouncilFailure);
    expect((parts[0] as CouncilFailure).reason).toBe('invalid_answer');
  });

  it('passes malformed errors on to every council, whose own check refuses them', () => {
    const parts = splitHostAnswer(answer({ data: { _entities: ['a0', 'b0'] }, errors: 'oops' }), [1, 1]);
    expect(parts.map((p) => (p as { body: { errors?: unknown } }).body.errors)).toEqual(['oops', 'oops']);
  });
});
