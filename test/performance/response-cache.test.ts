// The gateway's whole-response cache (gateway/response-cache/): identical operations and variables from
// anonymous clients are answered from memory, never for longer than 10 seconds nor than the council answers in
// them stay fresh; errors, stale answers and credentialed clients are never served from it; identical requests
// in flight share one execution; a council moving endpoint invalidates what it answered; BINFO_CACHE=off turns
// it off. The header x-binfo-response-cache says which path answered (hit, miss, shared, bypass).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { gatewayOptionsFrom } from '../../config/runtime-options.js';
import { councilDirectoryOf } from '../../gateway/council-registry.js';
import { MAX_RESPONSE_TTL_SECONDS, ResponseCache } from '../../gateway/response-cache/response-cache.js';
import { ResponseStore } from '../../gateway/response-cache/response-store.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from '../resilience/support/ask.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { startFaultCouncil, type FaultCouncil } from '../resilience/support/fault-council.js';

const READING = 'E06000038';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: LocalStack;
let fault: FaultCouncil;
let n = 0;
/** A query no earlier test has asked (the alias makes it another operation text). */
const freshQuery = () => `{ council(code: "${READING}") { code q${++n}: services { name } } }`;
const cacheOf = (answer: { headers: Headers }) => answer.headers.get('x-binfo-response-cache');

async function gatewayWith(options: Partial<Parameters<typeof startGateway>[0]>): Promise<RunningGateway> {
  return startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: stack.calendar.graphqlUrl },
    councilEndpoints: stack.endpoints,
    councilDirectory: councilDirectoryOf(stack.data.councils.all()),
    rateLimit: false,
    logger: silentLogger(),
    metrics: false,
    ...options,
  });
}

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { router: { circuitBreaker: false, retry: false }, rateLimit: false, logger: silentLogger(), metrics: false } });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 5000 });
});
afterAll(async () => {
  await stack?.close();
  await fault?.close();
});
beforeEach(() => {
  fault.mode = 'ok';
  fault.cacheControl = 'max-age=30';
  fault.received.length = 0;
});

describe('the response cache', () => {
  it('answers a request seen before from memory: the third identical request reaches nothing behind the gateway', async () => {
    const q = freshQuery();
    const first = await ask(stack.gateway.graphqlUrl, q);
    const second = await ask(stack.gateway.graphqlUrl, q);
    const third = await ask(stack.gateway.graphqlUrl, q);
    expect([cacheOf(first), cacheOf(second), cacheOf(third)]).toEqual(['miss', 'miss', 'hit']);
    expect(third.data).toEqual(first.data);
    expect(third.errors).toBeUndefined();
    expect(fault.received).toHaveLength(1); // the second came from the entity cache, the third from the response cache
    expect(third.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(third.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it('takes queries sent as GET (urql’s default) the same way, with the same Cache-Control', async () => {
    const q = freshQuery();
    const viaGet = () => fetch(`${stack.gateway.graphqlUrl}?${new URLSearchParams({ query: q })}`);
    const answers = [await viaGet(), await viaGet(), await viaGet()];
    expect(answers.map((a) => a.headers.get('x-binfo-response-cache'))).toEqual(['miss', 'miss', 'hit']);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[2].data.council.code).toBe(READING);
    // The same rule as a POST's answer: public for the seconds it stays fresh, so a CDN in front may keep it too.
    expect(answers[2].headers.get('cache-control')).toMatch(/^public, max-age=(10|[1-9])$/);
    expect((await ask(stack.gateway.graphqlUrl, q)).headers.get('cache-control')).toMatch(/^public, max-age=(10|[1-9])$/);
    expect(fault.received).toHaveLength(1);
  });

  it('keys on the operation and its variables, whatever their order', async () => {
    const q = `query($p: String!, $c: ID!) { council(code: $c) { code properties(postcode: $p) { uprn } } }`;
    const first = await ask(stack.gateway.graphqlUrl, q, { p: 'RG1 1AA', c: READING });
    expect(first.errors).toBeUndefined();
    await ask(stack.gateway.graphqlUrl, q, { c: READING, p: 'RG1 1AA' });
    expect(cacheOf(await ask(stack.gateway.graphqlUrl, q, { c: READING, p: 'RG1 1AA' }))).toBe('hit');
    expect(cacheOf(await ask(stack.gateway.graphqlUrl, q, { p: 'RG2 0AA', c: READING }))).toBe('miss');
  });

  it('never serves a client that sends credentials or an API key from it', async () => {
    const q = freshQuery();
    for (let i = 0; i < 3; i++) await ask(stack.gateway.graphqlUrl, q);
    const credentials: Array<Record<string, string>> = [{ authorization: 'Bearer x' }, { cookie: 'session=1' }, { 'x-api-key': 'app-1' }];
    for (const headers of credentials) {
      const answer = await ask(stack.gateway.graphqlUrl, q, {}, headers);
      expect(answer.errors).toBeUndefined();
      expect(cacheOf(answer)).toBeNull();
      expect(answer.headers.get('cache-control')).not.toMatch(/public/); // nor may a shared cache keep it
    }
  });

  it('never keeps an answer with errors', async () => {
    fault.mode = 'error500';
    const q = freshQuery();
    for (let i = 0; i < 3; i++) {
      const answer = await ask(stack.gateway.graphqlUrl, q);
      expect(answer.errors?.[0].extensions?.code).toBe('COUNCIL_UNAVAILABLE');
      expect(cacheOf(answer)).toBe('miss');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('never keeps an answer longer than the council answers in it stay fresh', async () => {
    fault.cacheControl = 'max-age=1';
    const q = freshQuery();
    await ask(stack.gateway.graphqlUrl, q);
    await ask(stack.gateway.graphqlUrl, q);
    expect(cacheOf(await ask(stack.gateway.graphqlUrl, q))).toBe('hit');
    await sleep(1100);
    const later = await ask(stack.gateway.graphqlUrl, q);
    expect(cacheOf(later)).toBe('miss');
    expect(fault.received).toHaveLength(2); // asked again: the council said one second
  });

  it('never keeps an answer longer than its TTL (at most 10 s), even when its parts are fresh for longer', async () => {
    expect(() => new ResponseCache({ ttlSeconds: MAX_RESPONSE_TTL_SECONDS + 1 }, { endpointUrl: () => undefined })).toThrow(/at most 10/);
    const gateway = await gatewayWith({ responseCache: { ttlSeconds: 1 } });
    try {
      const q = freshQuery();
      for (let i = 0; i < 2; i++) await ask(gateway.graphqlUrl, q);
      expect(cacheOf(await ask(gateway.graphqlUrl, q))).toBe('hit');
      await sleep(1100);
      expect(cacheOf(await ask(gateway.graphqlUrl, q))).toBe('miss');
      expect(fault.received).toHaveLength(1); // the entity cache (max-age=30) still answered
    } finally {
      await gateway.close();
    }
  });

  it('drops what a council answered once that council has moved to another endpoint', async () => {
    const moved = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
    const q = freshQuery();
    try {
      for (let i = 0; i < 2; i++) await ask(stack.gateway.graphqlUrl, q);
      expect(cacheOf(await ask(stack.gateway.graphqlUrl, q))).toBe('hit');
      stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: moved.url });
      const after = await ask(stack.gateway.graphqlUrl, q);
      expect(cacheOf(after)).toBe('miss');
      expect(moved.received).toHaveLength(1);
    } finally {
      stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url });
      await moved.close();
    }
  });

  it('shares one execution between identical requests in flight at the same time', async () => {
    fault.mode = 'slow';
    fault.delayMs = 1500;
    const q = freshQuery();
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(stack.gateway.graphqlUrl, q)));
    expect(answers.map(cacheOf).sort()).toEqual(['miss', 'shared', 'shared', 'shared', 'shared']);
    for (const answer of answers) expect(answer.data).toEqual(answers[0].data);
    expect(fault.received).toHaveLength(1);
  });

  it('is off with BINFO_CACHE=off, as the entity cache is', async () => {
    let gateway: RunningGateway | undefined;
    try {
      const { logger: _logger, ...configured } = gatewayOptionsFrom(loadConfig({ BINFO_CACHE: 'off' }), silentLogger());
      gateway = await gatewayWith(configured);
      expect(gateway.responseCache).toBeUndefined();
      const q = freshQuery();
      for (let i = 0; i < 3; i++) expect(cacheOf(await ask(gateway.graphqlUrl, q))).toBeNull();
      expect(fault.received).toHaveLength(3);
    } finally {
      await gateway?.close();
    }
  });
});

describe('the response store', () => {
  const entry = (bytes: number, expiresAt = Infinity) => ({ status: 200, headers: {}, body: Buffer.alloc(bytes), expiresAt, councils: [], hitHeaders: {} });

  it('evicts the least recently used entry beyond its entry bound, and drops expired entries', () => {
    const store = new ResponseStore({ maxEntries: 2, maxBytes: 1_000_000 });
    store.set('a', entry(10));
    store.set('b', entry(10));
    expect(store.get('a', 2000)).toBeDefined(); // a is now the most recently used
    store.set('c', entry(10));
    expect(store.get('b', 2000)).toBeUndefined();
    expect(store.get('a', 2000)).toBeDefined();
    store.set('d', entry(10, 3000));
    expect(store.get('d', 3000)).toBeUndefined();
  });

  it('stays within its byte bound, and refuses an answer over a tenth of it', () => {
    const store = new ResponseStore({ maxEntries: 100, maxBytes: 10_000 });
    for (let i = 0; i < 20; i++) store.set(`k${i}`, entry(500));
    expect(store.sizeBytes).toBeLessThanOrEqual(10_000);
    expect(store.size).toBeLessThan(20);
    store.set('big', entry(2000));
    expect(store.get('big', 0)).toBeUndefined();
  });
});
