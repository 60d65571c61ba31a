// The router's entity cache over real HTTP: fresh answers within the council's max-age are served without
// asking it, identical concurrent fetches become one request, and when a council fails its last good answer
// is served, marked stale in `extensions.binfo.stale`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { startFaultCouncil, type FaultCouncil } from './support/fault-council.js';
import { silentLogger } from './support/capture-logs.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
/** The router's clock: real time plus what the tests skip, so a max-age passes without waiting for it. */
let skippedMs = 0;
const clock = { now: () => Date.now() + skippedMs };
const passTime = (ms: number) => void (skippedMs += ms);

let stack: LocalStack;
let fault: FaultCouncil;
let query = 0;
/** A query no earlier test has cached: the alias changes the gateway's fetch text, hence the cache key. */
const freshQuery = () => `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code q${++query}: services { name } } }`;

beforeAll(async () => {
  // No response cache: it keeps its own time, and this file is about the entity cache behind it.
  stack = await startLocalStack({ port: 0, gateway: { router: { circuitBreaker: false, clock }, responseCache: false, rateLimit: false, logger: silentLogger() } });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 5000 });
});
afterAll(async () => {
  await stack?.close();
  await fault?.close();
});
beforeEach(() => {
  fault.mode = 'ok';
  fault.cacheControl = undefined;
  fault.received.length = 0;
});

describe('the entity cache', () => {
  it('serves a repeated query from the cache within the council’s max-age, without asking the council', async () => {
    fault.cacheControl = 'max-age=30, public';
    const q = freshQuery();
    const first = await ask(stack.gateway.graphqlUrl, q);
    const second = await ask(stack.gateway.graphqlUrl, q);
    expect(second.data).toEqual(first.data);
    expect(second.extensions).toBeUndefined();
    expect(fault.received).toHaveLength(1);
  });

  it('asks the council again once its max-age has passed', async () => {
    fault.cacheControl = 'max-age=1';
    const q = freshQuery();
    await ask(stack.gateway.graphqlUrl, q);
    passTime(1100);
    await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received).toHaveLength(2);
  });

  it('keys entries by the variables the fetch uses: another postcode is another entry', async () => {
    const q = `query($p: String!) { council(code: "${READING}") { properties(postcode: $p) { uprn } } }`;
    await ask(stack.gateway.graphqlUrl, q, { p: 'RG1 1AA' });
    await ask(stack.gateway.graphqlUrl, q, { p: 'RG1 1AA' });
    const other = await ask(stack.gateway.graphqlUrl, q, { p: 'RG2 0AA' });
    expect(other.errors).toBeUndefined();
    expect(fault.received.map((r) => r.variables.p)).toEqual(['RG1 1AA', 'RG2 0AA']);
  });

  it('sends one request for identical queries in flight at the same time', async () => {
    fault.mode = 'slow';
    fault.delayMs = 1500; // wide enough for all five to arrive while the first is in flight, even on a busy machine
    const q = freshQuery();
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(stack.gateway.graphqlUrl, q)));
    expect(fault.received).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(answers[0].data);
    }
  });

  it('serves the last good answer, marked stale, when the council fails after its max-age', async () => {
    fault.cacheControl = 'max-age=1';
    const q = freshQuery();
    const good = await ask(stack.gateway.graphqlUrl, q);
    expect(good.errors).toBeUndefined();
    expect(good.data.councils[0][`q${query}`].length).toBeGreaterThan(0);

    passTime(1100);
    fault.mode = 'error500';
    const stale = await ask(stack.gateway.graphqlUrl, q);
    expect(fault.received.length).toBeGreaterThan(1); // it did ask, and the council failed
    expect(stale.errors).toBeUndefined();
    expect(stale.data).toEqual(good.data);
    expect(stale.extensions?.binfo?.stale).toEqual([{ councilCode: READING, ageSeconds: expect.any(Number) }]);
    expect(stale.extensions!.binfo.stale[0].ageSeconds).toBeGreaterThanOrEqual(1);
  });

  it('still fails clearly for an entity it has never had a good answer for', async () => {
    fault.mode = 'error500';
    const result = await ask(stack.gateway.graphqlUrl, freshQuery());
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING });
    expect(result.extensions?.binfo).toBeUndefined();
  });
});
