// The council router as its own process, end to end: the councils proxy subgraph serves the standard SDL at
// one URL and routes each `_entities` request to the councils' own endpoints. This project's gateway stands in
// for Apollo Router / Hive Router / Cosmo: a second gateway, whose `councils` subgraph is a plain remote data
// source pointing at the proxy (councilsUrl, i.e. BINFO_COUNCILS_URL), must give the same answers as the
// gateway with the router inside it, errors and fallback links included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { councilDirectoryOf } from '../../gateway/council-registry.js';
import { startCouncilsProxy, type RunningCouncilsProxy } from '../../gateway/councils-proxy/server.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { ask } from '../resilience/support/ask.js';
import { startFaultCouncil, type FaultCouncil } from '../resilience/support/fault-council.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const CORNWALL = 'E06000052';

let stack: LocalStack;
let proxy: RunningCouncilsProxy;
let viaProxy: RunningGateway;
let dead: RunningServer;

/** Another gateway over the stack's subgraphs and councils, caches off. */
async function peerGateway(options: Partial<Parameters<typeof startGateway>[0]>): Promise<RunningGateway> {
  return startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: stack.calendar.graphqlUrl },
    councilEndpoints: stack.endpoints,
    councilDirectory: councilDirectoryOf(stack.data.councils.all()),
    router: { cache: false, circuitBreaker: false, retry: false },
    rateLimit: false,
    logger: silentLogger(),
    metrics: false,
    ...options,
  });
}

/** Both gateways, asked the same thing: [in-gateway router, councils proxy]. */
async function both(query: string, variables: Record<string, unknown> = {}) {
  return Promise.all([ask(stack.gateway.graphqlUrl, query, variables), ask(viaProxy.graphqlUrl, query, variables)]);
}

beforeAll(async () => {
  // Caches off on both sides, so each answer is the councils' own, now; limits the same on both sides.
  const router = { cache: false as const, circuitBreaker: false as const, retry: false as const };
  const limits = { maxCouncilsPerOperation: 3 };
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { router, limits, rateLimit: false, logger: silentLogger(), metrics: false } });
  const councilDirectory = councilDirectoryOf(stack.data.councils.all());
  proxy = await startCouncilsProxy({ councilEndpoints: stack.endpoints, councilDirectory, router, logger: silentLogger(), metrics: false });
  viaProxy = await startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: stack.calendar.graphqlUrl },
    councilEndpoints: stack.endpoints,
    councilDirectory,
    councilsUrl: proxy.graphqlUrl,
    router,
    limits,
    rateLimit: false,
    logger: silentLogger(),
    metrics: false,
  });
  // Cornwall's endpoint answers 503 to everything: a council that is down.
  dead = await listen((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('down for maintenance');
  });
  stack.endpoints.set(CORNWALL, { ...stack.endpoints.get(CORNWALL)!, url: `${dead.url}/graphql` });
});

afterAll(async () => {
  await viaProxy?.close();
  await proxy?.close();
  await dead?.close();
  await stack?.close();
});

describe('the councils proxy subgraph', () => {
  it('serves the standard council SDL at `_service { sdl }`, as every council does', async () => {
    const fromProxy = await ask(proxy.graphqlUrl, '{ _service { sdl } }');
    const fromCouncil = await ask(stack.councilHost.councilUrl(READING), '{ _service { sdl } }');
    expect(fromProxy.errors).toBeUndefined();
    expect(fromProxy.data._service.sdl).toBe(fromCouncil.data._service.sdl);
    expect(fromProxy.data._service.sdl).toMatch(/type Council\s+@key\(fields: "code"\)/);
  });

  it('routes an `_entities` request by council code, each entity to its own council', async () => {
    const answer = await ask(proxy.graphqlUrl, 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Council { code services { type } } } }', {
      representations: [
        { __typename: 'Council', code: BRISTOL },
        { __typename: 'Council', code: READING },
      ],
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data._entities.map((c: { code: string }) => c.code)).toEqual([BRISTOL, READING]);
    expect(answer.headers.get('cache-control')).toBe('no-store'); // this proxy's entity cache is off
  });
});

describe('a gateway in front of the proxy answers as the gateway with the router inside', () => {
  it('the Reading postcode query', async () => {
    const query = `query($p: String!) { postcode(code: $p) { postcode councils { code name binDayUrl dataSource { kind notice }
      properties(postcode: $p) { uprn address { singleLine } nextCollections { date status originalDate changeReason service { name type frequency { description } } } } } } }`;
    const [inside, proxied] = await both(query, { p: 'rg1 1aa' });
    expect(inside.errors).toBeUndefined();
    expect(inside.data.postcode.councils[0].code).toBe(READING);
    expect(inside.data.postcode.councils[0].properties.length).toBeGreaterThan(0);
    expect(proxied.status).toBe(200);
    expect(proxied.data).toEqual(inside.data);
    expect(proxied.errors).toBeUndefined();
  });

  it('a two-council query', async () => {
    const query = `{ councils(codes: ["${BRISTOL}", "${READING}"]) { code name services { name type frequency { description } }
      rg: properties(postcode: "RG1 1AA") { uprn collections(from: "2026-12-01", to: "2026-12-14") { date status service { name } } }
      bs: properties(postcode: "BS1 5TR") { uprn } } }`;
    const [inside, proxied] = await both(query);
    expect(inside.errors).toBeUndefined();
    expect(inside.data.councils.map((c: { code: string }) => c.code)).toEqual([BRISTOL, READING]);
    expect(proxied.data).toEqual(inside.data);
    expect(proxied.errors).toBeUndefined();
  });

  it('a failing council: partial data and COUNCIL_UNAVAILABLE with its fallbackUrl, passed through the proxy', async () => {
    const query = `{ councils(codes: ["${CORNWALL}", "${READING}"]) { code name binDayUrl services { name } } }`;
    const [inside, proxied] = await both(query);
    expect(inside.data.councils[1].services.length).toBeGreaterThan(0);
    expect(inside.data.councils[0].services).toBeNull();
    expect(inside.errors).toHaveLength(1);
    expect(inside.errors![0]).toMatchObject({
      path: ['councils', 0],
      extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: CORNWALL, fallbackUrl: inside.data.councils[0].binDayUrl },
    });
    expect(proxied.data).toEqual(inside.data);
    expect(proxied.errors).toEqual(inside.errors);
  });

  it('the national disruptions view (every council through the proxy), with the failing council’s error in it', async () => {
    // The national view asks all ~361 councils: a pair of gateways with the default councils-per-operation cap.
    const [inGateway, throughProxy] = await Promise.all([peerGateway({}), peerGateway({ councilsUrl: proxy.graphqlUrl })]);
    try {
      const query = '{ disruptions(activeOn: "2026-12-08") { id title council { code name } } }';
      const [inside, proxied] = await Promise.all([ask(inGateway.graphqlUrl, query), ask(throughProxy.graphqlUrl, query)]);
      expect(inside.errors?.some((e) => e.extensions?.code === 'COUNCIL_UNAVAILABLE' && e.extensions.councilCode === CORNWALL)).toBe(true);
      expect(proxied.data).toEqual(inside.data);
      expect(proxied.errors).toEqual(inside.errors);
      // The proxy serves the national subgraph too, for a router that cannot run it in-process.
      const direct = await ask(proxy.nationalUrl, '{ disruptions(activeOn: "2026-12-08") { id councilCode } }');
      expect(direct.status).toBe(200);
      expect(direct.errors?.some((e) => e.extensions?.councilCode === CORNWALL)).toBe(true);
    } finally {
      await Promise.all([inGateway.close(), throughProxy.close()]);
    }
  });

  it('the councils-per-operation cap, counted across the whole operation', async () => {
    const query = `{ councils(codes: ["${BRISTOL}", "${READING}", "E08000025", "E08000003"]) { code services { type } } }`;
    const [inside, proxied] = await both(query);
    expect(inside.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_TOO_LARGE', limit: 3 });
    expect(proxied.data).toEqual(inside.data);
    expect(proxied.errors).toEqual(inside.errors);
  });

  it('a malformed date is refused before any council is asked, the same way', async () => {
    const query = `{ property(councilCode: "${READING}", uprn: "703860552650") { collections(from: "2026-13-45") { date } } }`;
    const [inside, proxied] = await both(query);
    expect(inside.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(proxied.status).toBe(inside.status);
    expect(proxied.errors).toEqual(inside.errors);
  });
});

describe('the proxy itself failing', () => {
  it('makes each council of the fetch COUNCIL_UNAVAILABLE with its fallback link, not an internal error', async () => {
    const gone = await peerGateway({ councilsUrl: `${dead.url}/graphql` }); // answers 503
    try {
      const answer = await ask(gone.graphqlUrl, `{ councils(codes: ["${READING}"]) { code name services { name } } }`);
      expect(answer.data.councils[0]).toMatchObject({ code: READING, services: null });
      expect(answer.errors?.[0]).toMatchObject({
        path: ['councils', 0],
        extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: expect.stringMatching(/^https?:\/\//) },
      });
    } finally {
      await gone.close();
    }
  });
});

describe('with caching on: what the router cannot see travels in HTTP and GraphQL terms', () => {
  const BIRMINGHAM = 'E08000025';
  let fault: FaultCouncil;
  let cachingProxy: RunningCouncilsProxy;
  let gateway: RunningGateway;

  beforeAll(async () => {
    fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(BIRMINGHAM) });
    stack.endpoints.set(BIRMINGHAM, { ...stack.endpoints.get(BIRMINGHAM)!, url: fault.url, timeoutMs: 5000 });
    cachingProxy = await startCouncilsProxy({
      councilEndpoints: stack.endpoints,
      councilDirectory: councilDirectoryOf(stack.data.councils.all()),
      router: { circuitBreaker: false, retry: false },
      logger: silentLogger(),
      metrics: false,
    });
    gateway = await peerGateway({ councilsUrl: cachingProxy.graphqlUrl, router: {} });
  });
  afterAll(async () => {
    await gateway?.close();
    await cachingProxy?.close();
    await fault?.close();
  });

  it('says how long an answer stays fresh in Cache-Control, and forwards the request id to the council', async () => {
    fault.mode = 'ok';
    fault.cacheControl = 'max-age=30';
    const representations = [{ __typename: 'Council', code: BIRMINGHAM }];
    const answer = await ask(
      cachingProxy.graphqlUrl,
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Council { code } } }',
      { representations },
      { 'x-request-id': 'router-7' },
    );
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=(29|30)$/);
    expect(fault.received.at(-1)!.headers['x-request-id']).toBe('router-7');
  });

  it('passes stale answers through to the client as extensions.binfo.stale, and never caches them', async () => {
    fault.mode = 'ok';
    fault.cacheControl = 'max-age=1';
    const query = `{ council(code: "${BIRMINGHAM}") { code services { name } } }`;
    const good = await ask(gateway.graphqlUrl, query);
    expect(good.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1100));
    fault.mode = 'error500';
    for (let i = 0; i < 3; i++) {
      const stale = await ask(gateway.graphqlUrl, query);
      expect(stale.errors).toBeUndefined();
      expect(stale.data).toEqual(good.data);
      expect(stale.extensions?.binfo?.stale).toEqual([{ councilCode: BIRMINGHAM, ageSeconds: expect.any(Number) }]);
      expect(stale.headers.get('x-binfo-response-cache')).not.toBe('hit');
    }
    fault.mode = 'ok';
  });
});
