// The entity cache in Redis, shared by two gateway instances: what one fetched, the other serves without
// asking the council, and serves stale when the council then fails. Needs `redis-server` (apt-get install
// redis-server); skipped, saying so, only when it is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEntityCache } from '../../gateway/cache/redis-entity-cache.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { silentLogger } from './support/capture-logs.js';
import { startFaultCouncil, type FaultCouncil } from './support/fault-council.js';
import { redisServerInstalled, startRedisServer, type RedisProcess } from './support/redis-server.js';

const READING = 'E06000038';
const QUERY = `{ council(code: "${READING}") { code services { name type } } }`;
const installed = redisServerInstalled();
if (!installed) console.warn('SKIPPED: redis-server is not installed (apt-get install -y redis-server); the Redis entity cache is untested.');

/** Both routers' clock: real time plus what the tests skip, so a max-age passes without waiting for it. */
let skippedMs = 0;
const clock = { now: () => Date.now() + skippedMs };

describe.skipIf(!installed)('the Redis entity cache', () => {
  let redis: RedisProcess;
  let stacks: LocalStack[] = [];
  let fault: FaultCouncil;

  beforeAll(async () => {
    redis = await startRedisServer();
    // No response cache: it keeps its own time, and this file is about the entity cache behind it.
    const options = { port: 0, gateway: { redisUrl: redis.url, rateLimit: false as const, responseCache: false as const, logger: silentLogger(), metrics: false as const, router: { circuitBreaker: false as const, clock } } };
    stacks = await Promise.all([startLocalStack(options), startLocalStack(options)]);
    fault = await startFaultCouncil({ upstream: stacks[0].councilHost.councilUrl(READING) });
    // Both gateways ask Reading at the same URL, as two replicas behind one registry would.
    for (const stack of stacks) stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 500 });
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await fault?.close();
    await redis?.stop();
  });

  it('lets a second gateway serve what the first fetched, without asking the council', async () => {
    fault.cacheControl = 'max-age=2';
    const first = await ask(stacks[0].gateway.graphqlUrl, QUERY);
    expect(first.errors).toBeUndefined();
    expect(fault.received).toHaveLength(1);
    const second = await ask(stacks[1].gateway.graphqlUrl, QUERY);
    expect(second.data).toEqual(first.data);
    expect(fault.received).toHaveLength(1);
  });

  it('lets the second gateway serve the first one’s answer, marked stale, when the council fails', async () => {
    skippedMs += 2100; // past the max-age of 2 s
    fault.mode = 'hang';
    const stale = await ask(stacks[1].gateway.graphqlUrl, QUERY);
    expect(stale.errors).toBeUndefined();
    expect(stale.data.council.services.length).toBeGreaterThan(0);
    expect(stale.extensions?.binfo?.stale).toEqual([{ councilCode: READING, ageSeconds: expect.any(Number) }]);
    expect(stale.extensions!.binfo.stale[0].ageSeconds).toBeGreaterThanOrEqual(2);
    fault.mode = 'ok';
  });

  it('misses quickly, without failing, when Redis cannot be reached', async () => {
    const errors: Error[] = [];
    const cache = new RedisEntityCache({ url: 'redis://127.0.0.1:9/0', commandTimeoutMs: 100, onError: (e) => errors.push(e) });
    try {
      const started = performance.now();
      expect(await cache.get(['a', 'b'])).toEqual([undefined, undefined]);
      await cache.set([{ key: 'a', entry: { value: 1, storedAt: 0, freshUntil: 0 } }], 10);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
  });
});
