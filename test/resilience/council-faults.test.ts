// Fault injection over real HTTP: one council hangs, fails, lies or floods; its fields are null with a
// COUNCIL_UNAVAILABLE error that names it and links its own bin-day page, the other councils' data is
// whole, and the answer comes within the failing council's timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { startFaultCouncil, type FaultCouncil, type FaultMode } from './support/fault-council.js';
import { silentLogger } from './support/capture-logs.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const BIRMINGHAM = 'E08000025';
const TIMEOUT_MS = 500;
/** Generous for a busy machine: the assertion is that a failure costs about the council's timeout, not 2 s or more. */
const MARGIN_MS = 1400;

const QUERY = `{ councils(codes: ["${READING}", "${BRISTOL}", "${BIRMINGHAM}"]) { code name services { name type } } }`;

let stack: LocalStack;
let fault: FaultCouncil;
let healthy: { bristol: unknown; birmingham: unknown };
let readingFallback: string;

beforeAll(async () => {
  // No cache (a stale answer would hide the failure) and no breaker (five faults in a row would open it).
  stack = await startLocalStack({ port: 0, gateway: { router: { cache: false, circuitBreaker: false }, rateLimit: false, logger: silentLogger() } });
  fault = await startFaultCouncil({
    upstream: stack.councilHost.councilUrl(READING),
    foreign: { url: stack.councilHost.councilUrl(BRISTOL), code: BRISTOL },
  });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: TIMEOUT_MS });
  const reading = stack.data.councils.get(READING)!;
  readingFallback = reading.binDayUrl ?? reading.website;

  const baseline = await ask(stack.gateway.graphqlUrl, QUERY);
  expect(baseline.errors).toBeUndefined();
  expect(baseline.data.councils[0].services.length).toBeGreaterThan(0);
  healthy = { bristol: baseline.data.councils[1], birmingham: baseline.data.councils[2] };
});

afterAll(async () => {
  await stack?.close();
  await fault?.close();
});

describe('a council that fails', () => {
  it.each<[string, FaultMode, RegExp]>([
    // Clients get a fixed sentence per kind of failure: what the council wrote ("database is down") stays in the logs.
    ['hangs', 'hang', /did not answer in time/],
    ['answers HTTP 500', 'error500', /answered with an error/],
    ['answers malformed JSON', 'malformed', /its answer does not follow the Binfo standard/],
    ["returns another council's entities", 'foreign', /answered with another council's data/],
    ['returns 50 MB', 'huge', /its answer was too large/],
  ])('%s: its fields are null with COUNCIL_UNAVAILABLE and its fallbackUrl; the others are whole; in bounded time', async (_label, mode, reason) => {
    fault.mode = mode;
    const started = performance.now();
    const result = await ask(stack.gateway.graphqlUrl, QUERY);
    const elapsed = performance.now() - started;

    expect(result.status).toBe(200);
    const [reading, bristol, birmingham] = result.data.councils;
    // The directory's part of Reading is intact; only the council-owned field is null.
    expect(reading).toMatchObject({ code: READING, name: 'Reading Borough Council', services: null });
    expect(bristol).toEqual(healthy.bristol);
    expect(birmingham).toEqual(healthy.birmingham);

    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.path).toEqual(['councils', 0]); // the gateway points an entity's error at the entity
    expect(error.extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: readingFallback });
    expect(readingFallback).toMatch(/^https:\/\//);
    expect(error.message).toMatch(/^Reading Borough Council's bin-collection service is unavailable/);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toMatch(/database is down|Bristol|E06000023/);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('never lets one council answer for another: nothing of Bristol appears under Reading', async () => {
    fault.mode = 'foreign';
    const result = await ask(stack.gateway.graphqlUrl, `{ council(code: "${READING}") { services { name } } }`);
    expect(result.data.council.services).toBeNull();
    expect(JSON.stringify(result.data)).not.toMatch(/Bristol/i);
  });

  it('retries a failed query once, within the deadline, and then serves it when the council recovers', async () => {
    fault.mode = 'error500';
    fault.received.length = 0;
    await ask(stack.gateway.graphqlUrl, QUERY);
    expect(fault.received).toHaveLength(2); // the first attempt and one retry
    fault.mode = 'ok';
    const recovered = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.councils[0].services.length).toBeGreaterThan(0);
  });

  it('does not retry a council that timed out: the deadline is spent', async () => {
    fault.mode = 'hang';
    fault.received.length = 0;
    await ask(stack.gateway.graphqlUrl, QUERY);
    expect(fault.received).toHaveLength(1);
    fault.mode = 'ok';
  });
});
