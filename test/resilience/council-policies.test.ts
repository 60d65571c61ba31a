// Retries and the breaker as a policy: retries only for queries, only for failures that may pass, only
// while the deadline has room; the breaker counts fetches, not attempts.
import { describe, expect, it } from 'vitest';
import { CouncilFailure } from '../../gateway/council-router/council-http.js';
import { CouncilPolicies } from '../../gateway/resilience/council-policies.js';
import { Deadline } from '../../gateway/resilience/deadline.js';

const flaky = () => new CouncilFailure('http_status', 'it answered HTTP 503', true);
const final = () => new CouncilFailure('malformed', 'not JSON', false);

function failing(error: () => Error) {
  const calls = { count: 0 };
  return { calls, attempt: async () => { calls.count++; throw error(); } };
}

describe('council policies', () => {
  const policies = () => new CouncilPolicies({ retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 5, minAttemptMs: 10 }, circuitBreaker: false });

  it('retries a query whose failure may pass', async () => {
    const { calls, attempt } = failing(flaky);
    await expect(policies().run('X', { deadline: new Deadline(5000), idempotent: true }, attempt)).rejects.toThrow(/503/);
    expect(calls.count).toBe(3);
  });

  it('never retries a mutation', async () => {
    const { calls, attempt } = failing(flaky);
    await expect(policies().run('X', { deadline: new Deadline(5000), idempotent: false }, attempt)).rejects.toThrow(/503/);
    expect(calls.count).toBe(1);
  });

  it('does not retry a failure that would repeat (malformed, too large, timed out)', async () => {
    const { calls, attempt } = failing(final);
    await expect(policies().run('X', { deadline: new Deadline(5000), idempotent: true }, attempt)).rejects.toThrow(/not JSON/);
    expect(calls.count).toBe(1);
  });

  it('does not retry when the deadline has no room left for another attempt', async () => {
    const { calls, attempt } = failing(flaky);
    await expect(policies().run('X', { deadline: new Deadline(12), idempotent: true }, attempt)).rejects.toThrow(/503/);
    expect(calls.count).toBe(1);
  });

  it('opens the breaker after N failed fetches and then fails at once, without an attempt', async () => {
    const states: string[] = [];
    const breaking = new CouncilPolicies({
      retry: false,
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      onCircuitStateChange: (_code, state) => states.push(state),
    });
    const { calls, attempt } = failing(final);
    for (let i = 0; i < 2; i++) await expect(breaking.run('X', { deadline: new Deadline(1000), idempotent: true }, attempt)).rejects.toThrow();
    await expect(breaking.run('X', { deadline: new Deadline(1000), idempotent: true }, attempt)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(calls.count).toBe(2);
    expect(breaking.state('X')).toBe('open');
    expect(breaking.state('Y')).toBe('closed');
    expect(states).toEqual(['closed', 'open']);
  });

  it('takes options per council', async () => {
    const perCouncil = new CouncilPolicies({ retry: (code) => (code === 'SLOW' ? { retries: 1, initialDelayMs: 1, maxDelayMs: 2, minAttemptMs: 1 } : false), circuitBreaker: false });
    const slow = failing(flaky);
    const other = failing(flaky);
    await expect(perCouncil.run('SLOW', { deadline: new Deadline(1000), idempotent: true }, slow.attempt)).rejects.toThrow();
    await expect(perCouncil.run('OTHER', { deadline: new Deadline(1000), idempotent: true }, other.attempt)).rejects.toThrow();
    expect([slow.calls.count, other.calls.count]).toEqual([2, 1]);
  });

  // While a breaker is closed with nothing counted, the first attempt runs without cockatiel (the fast path):
  // what follows a failure must still be exactly cockatiel's retries and counting.
  it('counts consecutive failures only: a success in between resets the count', async () => {
    const policies = new CouncilPolicies({ retry: false, circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const run = (attempt: () => Promise<string>) => policies.run('X', { deadline: new Deadline(1000), idempotent: true }, attempt);
    const ok = async () => 'ok';
    const bad = failing(final).attempt;
    await expect(run(ok)).resolves.toBe('ok');
    await expect(run(bad)).rejects.toThrow(/not JSON/);
    await expect(run(ok)).resolves.toBe('ok');
    await expect(run(bad)).rejects.toThrow(/not JSON/);
    expect(policies.state('X')).toBe('closed');
    await expect(run(bad)).rejects.toThrow(/not JSON/);
    expect(policies.state('X')).toBe('open');
    await expect(run(ok)).rejects.toMatchObject({ reason: 'circuit_open' });
  });

  it('retries a first attempt that failed while the breaker was closed, and counts the fetch once', async () => {
    const policies = new CouncilPolicies({
      retry: { retries: 1, initialDelayMs: 1, maxDelayMs: 2, minAttemptMs: 1 },
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    const { calls, attempt } = failing(flaky);
    await expect(policies.run('X', { deadline: new Deadline(1000), idempotent: true }, attempt)).rejects.toThrow(/503/);
    expect(calls.count).toBe(2);
    expect(policies.state('X')).toBe('closed');
    await expect(policies.run('X', { deadline: new Deadline(1000), idempotent: true }, attempt)).rejects.toThrow(/503/);
    expect(calls.count).toBe(4);
    expect(policies.state('X')).toBe('open');
  });

  it('returns an answer that breaks the standard as it is, and counts it against the council', async () => {
    const policies = new CouncilPolicies({ retry: false, circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 }, isFailedAnswer: (answer) => answer === 'bad' });
    await expect(policies.run('X', { deadline: new Deadline(1000), idempotent: true }, async () => 'bad')).resolves.toBe('bad');
    expect(policies.state('X')).toBe('open');
  });
});
