// Splitting a council host's one answer back into each council's answer, as if each had been asked alone.
import { describe, expect, it, vi } from 'vitest';
import { CouncilFailure, type CouncilAnswer, type CouncilTransport } from '../../gateway/council-router/council-http.js';
import { HostBatches, splitHostAnswer } from '../../gateway/council-router/host-batch.js';
import { systemClock } from '../../gateway/resilience/clock.js';
import { Deadline } from '../../gateway/resilience/deadline.js';

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

// One batch, one timer: each council's part still waits no longer than its own deadline, and the host request
// is aborted once no part waits for it.
describe('a host batch’s deadlines', () => {
  const endpoint = (code: string, timeoutMs: number) => ({ code, name: code, url: `http://127.0.0.1:1/councils/${code}/graphql`, fallbackUrl: 'https://example.org', timeoutMs });
  const part = (code: string, timeoutMs: number) => ({
    payload: { query: '{ _entities }', variables: { representations: [{ __typename: 'Council', code }] } },
    requestId: undefined,
    timeoutMs,
    maxResponseBytes: 1000,
  });

  it('times out the part with the shorter deadline at its deadline, answers the other, then aborts nothing', async () => {
    vi.useFakeTimers();
    try {
      let release!: (answer: CouncilAnswer) => void;
      let signal!: AbortSignal;
      const transport: CouncilTransport = {
        send: (_host, request) => {
          signal = request.signal;
          return new Promise((resolve) => (release = resolve));
        },
        close: async () => undefined,
      };
      const batches = new HostBatches(transport, systemClock);
      const fast = batches.send('http://host/councils/graphql', endpoint('A', 100), part('A', 100), new Deadline(100));
      const slow = batches.send('http://host/councils/graphql', endpoint('B', 1000), part('B', 1000), new Deadline(1000));
      const fastOutcome = fast.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(99);
      expect(signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(2);
      expect(await fastOutcome).toMatchObject({ reason: 'timeout' });
      expect(signal.aborted).toBe(false); // B still waits for the host
      release(answer({ data: { _entities: ['a', 'b'] } }));
      await expect(slow).resolves.toEqual(answer({ data: { _entities: ['b'] } }));
      await vi.advanceTimersByTimeAsync(2000);
      expect(signal.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts the host request once every part has timed out', async () => {
    vi.useFakeTimers();
    try {
      let signal!: AbortSignal;
      const transport: CouncilTransport = {
        send: (_host, request) => {
          signal = request.signal;
          return new Promise((_resolve, reject) => request.signal.addEventListener('abort', () => reject(new CouncilFailure('timeout', 'aborted', false))));
        },
        close: async () => undefined,
      };
      const batches = new HostBatches(transport, systemClock);
      const outcomes = ['A', 'B'].map((code, i) => batches.send('http://host/councils/graphql', endpoint(code, 100 + i * 50), part(code, 100 + i * 50), new Deadline(100 + i * 50)).catch((error: unknown) => error));
      await vi.advanceTimersByTimeAsync(120);
      expect(signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(40);
      expect(signal.aborted).toBe(true);
      for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ reason: 'timeout' });
    } finally {
      vi.useRealTimers();
    }
  });
});
