// What an event does to the gateway's caches (gateway.invalidateCouncil, which the relay calls): that
// council's entities are no longer served fresh, but stay as the fallback when it fails; an answer fetched
// across the event is not kept; other councils' entries are untouched; whole responses that include the
// council are no longer reused.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from '../resilience/support/ask.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { startFaultCouncil, type FaultCouncil } from '../resilience/support/fault-council.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

let stack: LocalStack;
let fault: FaultCouncil;
let query = 0;
/** A query no earlier test has cached (the alias changes the fetch text, hence the cache key). */
const freshQuery = (code = READING) => `{ council(code: "${code}") { code q${++query}: services { name } } }`;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { router: { circuitBreaker: false }, responseCache: false, rateLimit: false, logger: silentLogger() } });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 5000 });
});
afterAll(async () => {
  await stack?.close();
  await fault?.close();
});
beforeEach(() => {
  fault.mode = 'ok';
  fault.cacheControl = 'max-age=60';
  fault.received.length = 0;
});

describe('invalidating a council in the entity cache', () => {
  it('asks the council again after an event, though its answer was fresh for another minute', async () => {
    const q = freshQuery();
    await ask(stack.gateway.graphqlUrl, q);
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(1);
    stack.gateway.invalidateCouncil(READING);
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(2);
    // The new answer is cached again.
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(2);
  });

  it('leaves other councils’ entries fresh', async () => {
    const q = freshQuery();
    await ask(stack.gateway.graphqlUrl, q);
    stack.gateway.invalidateCouncil(BRISTOL);
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(1);
  });

  it('keeps the old answer as the stale fallback when the council then fails', async () => {
    const q = freshQuery();
    const good = await ask(stack.gateway.graphqlUrl, q);
    stack.gateway.invalidateCouncil(READING);
    fault.mode = 'error500';
    const stale = await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received.length).toBeGreaterThan(1);
    expect(stale.errors).toBeUndefined();
    expect(stale.data).toEqual(good.data);
    expect(stale.extensions?.binfo?.stale).toEqual([{ councilCode: READING, ageSeconds: expect.any(Number) }]);
  });

  it('does not keep an answer whose request was under way when the event came', async () => {
    fault.mode = 'slow';
    fault.delayMs = 500;
    const q = freshQuery();
    const pending = ask(stack.gateway.graphqlUrl, q);
    await until(() => fault.received.length === 1);
    stack.gateway.invalidateCouncil(READING);
    expect((await pending).errors).toBeUndefined();
    fault.mode = 'ok';
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(2);
  });
});

describe('invalidating a council in the response cache', () => {
  let cached: LocalStack;
  beforeAll(async () => {
    cached = await startLocalStack({ port: 0, gateway: { responseCache: { ttlSeconds: 10 }, rateLimit: false, logger: silentLogger() } });
  });
  afterAll(async () => cached?.close());

  const post = async (q: string) =>
    (await fetch(cached.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) })).headers.get('x-binfo-response-cache');

  it('stops reusing whole answers that include the council, and only those', async () => {
    const reading = freshQuery(READING);
    const bristol = freshQuery(BRISTOL);
    for (const q of [reading, bristol]) {
      await post(q);
      await post(q);
      expect(await post(q)).toBe('hit');
    }
    cached.gateway.invalidateCouncil(READING);
    expect(await post(reading)).toBe('miss');
    expect(await post(bristol)).toBe('hit');
    // Kept again from the answer made after the event.
    expect(await post(reading)).toBe('hit');
  });
});

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() - deadline > 0) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
