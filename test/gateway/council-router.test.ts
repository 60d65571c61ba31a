// The council router on its own: a fake transport instead of HTTP, fake timers instead of sleeps. Each test is
// an attack or a failure as a hostile client or a broken council would bring it, and what the router owes the
// other clients and councils afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { councilAnswerFrom, CouncilFailure, type CouncilAnswer, type CouncilRequest, type CouncilTransport } from '../../gateway/council-router/council-http.js';
import { CouncilRouterDataSource, type CouncilRouterOptions, type EntityFetchResult } from '../../gateway/council-router/council-router-data-source.js';
import { markersFor } from '../../gateway/council-router/entity-selection.js';
import type { CouncilEndpoint } from '../../gateway/council-registry.js';

const READING: CouncilEndpoint = { code: 'E06000038', name: 'Reading Borough Council', url: 'http://reading.invalid/graphql', fallbackUrl: 'https://www.reading.gov.uk/bins', timeoutMs: 2000 };
const BRISTOL: CouncilEndpoint = { code: 'E06000023', name: 'Bristol City Council', url: 'http://bristol.invalid/graphql', fallbackUrl: 'https://www.bristol.gov.uk/bins', timeoutMs: 2000 };

const SERVICES_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{services{id name type}}}}';
const councilRep = (code: string) => ({ __typename: 'Council', code });

type Behaviour = (request: CouncilRequest, endpoint: CouncilEndpoint) => Promise<CouncilAnswer> | CouncilAnswer;

/** A council that answers its own services honestly, as the standard says, with the markers the router asked for. */
const honest: Behaviour = (request, endpoint) => {
  const payload = request.payload as { query: string; variables: { representations: Array<{ code: string }> } };
  // The router's council query is the gateway's query plus the markers; the markers are what it chose for the gateway's text.
  const markers = markersFor(SERVICES_QUERY);
  const entities = payload.variables.representations.map((rep) =>
    rep.code === endpoint.code
      ? { [markers.typename]: 'Council', [markers.council]: endpoint.code, services: [{ id: `${endpoint.code}:refuse`, name: 'Grey bin', type: 'GENERAL_WASTE' }] }
      : null,
  );
  return { status: 200, body: { data: { _entities: entities } }, cacheControl: 'max-age=30' };
};

class FakeTransport implements CouncilTransport {
  readonly calls: Array<{ url: string; request: CouncilRequest }> = [];
  constructor(readonly behaviours: Map<string, Behaviour>) {}
  async send(endpoint: CouncilEndpoint, request: CouncilRequest): Promise<CouncilAnswer> {
    this.calls.push({ url: endpoint.url, request });
    const behaviour = this.behaviours.get(endpoint.url) ?? honest;
    return behaviour(request, endpoint);
  }
  async close() {}
  callsTo(url: string) {
    return this.calls.filter((c) => c.url === url).length;
  }
}

function routerWith(endpoints: CouncilEndpoint[], transport: CouncilTransport, options: CouncilRouterOptions = {}) {
  const byCode = new Map(endpoints.map((e) => [e.code, e]));
  return new CouncilRouterDataSource(
    { endpoint: (code) => byCode.get(code), describe: (code) => byCode.get(code) && { ...byCode.get(code)!, collectsWaste: true } },
    { retry: false, cache: false, transport, ...options },
  );
}

async function fetchServices(router: CouncilRouterDataSource, codes: string[], query = SERVICES_QUERY): Promise<EntityFetchResult> {
  const result = await router.fetchEntities({ query, representations: codes.map(councilRep) });
  if ('refusal' in result) throw new Error('refused');
  return result;
}

describe('failures are attributed to whoever caused them', () => {
  it('a client whose queries every council refuses (HTTP 400) cannot open any council’s breaker', async () => {
    const refusing: Behaviour = () => councilAnswerFrom(400, JSON.stringify({ errors: [{ message: 'Fields conflict' }] }), undefined);
    const transport = new FakeTransport(new Map());
    const router = routerWith([READING, BRISTOL], transport, { circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 60_000 } });
    const hostileQuery = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{x:services{name}}}}';
    // 20 hostile requests, each refused by both councils...
    transport.behaviours.set(READING.url, (request) => ((request.payload as { query: string }).query.includes('x:services') ? refusing(request, READING) : honest(request, READING)));
    transport.behaviours.set(BRISTOL.url, (request) => ((request.payload as { query: string }).query.includes('x:services') ? refusing(request, BRISTOL) : honest(request, BRISTOL)));
    for (let i = 0; i < 20; i++) {
      const hostile = await fetchServices(router, [READING.code, BRISTOL.code], hostileQuery);
      expect(hostile.errors.map((e) => e.extensions?.code)).toEqual(['COUNCIL_UNAVAILABLE', 'COUNCIL_UNAVAILABLE']);
    }
    // ...and another client's query still gets every council whole.
    expect(router.circuitState(READING.code)).toBe('closed');
    const other = await fetchServices(router, [READING.code, BRISTOL.code]);
    expect(other.errors).toEqual([]);
    expect(other.entities).toEqual([
      { services: [{ id: 'E06000038:refuse', name: 'Grey bin', type: 'GENERAL_WASTE' }] },
      { services: [{ id: 'E06000023:refuse', name: 'Grey bin', type: 'GENERAL_WASTE' }] },
    ]);
  });

  it.each([
    ['data: null', () => councilAnswerFrom(200, JSON.stringify({ data: null, errors: [{ message: 'boom' }] }), undefined)],
    ['a wrong-typed value', () => {
      const m = markersFor(SERVICES_QUERY);
      return { status: 200, body: { data: { _entities: [{ [m.typename]: 'Council', [m.council]: READING.code, services: [{ id: 'x', name: { evil: true }, type: 'GENERAL_WASTE' }] }] } }, cacheControl: undefined };
    }],
    ['an unknown enum value', () => {
      const m = markersFor(SERVICES_QUERY);
      return { status: 200, body: { data: { _entities: [{ [m.typename]: 'Council', [m.council]: READING.code, services: [{ id: 'x', name: 'Bin', type: 'PLUTONIUM' }] }] } }, cacheControl: undefined };
    }],
    ['a 503', () => councilAnswerFrom(503, '<html>Service Unavailable</html>', undefined)],
    ['a body that is not JSON', () => councilAnswerFrom(200, 'Welcome to IIS', undefined)],
  ] as Array<[string, Behaviour]>)('a council answering %s fails as itself, coded, with the registry’s link, and counts toward its breaker', async (_label, behaviour) => {
    const transport = new FakeTransport(new Map([[READING.url, behaviour]]));
    const router = routerWith([READING, BRISTOL], transport, { circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 60_000 } });
    const result = await fetchServices(router, [READING.code, BRISTOL.code]);
    expect(result.entities[0]).toBeNull();
    expect(result.entities[1]).not.toBeNull();
    expect(result.errors).toEqual([
      {
        message: expect.stringMatching(/^Reading Borough Council's bin-collection service is unavailable: .+\. Check https:\/\/www\.reading\.gov\.uk\/bins$/),
        path: ['_entities', 0],
        extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING.code, fallbackUrl: READING.fallbackUrl },
      },
    ]);
    for (let i = 0; i < 2; i++) await fetchServices(router, [READING.code]);
    expect(router.circuitState(READING.code)).toBe('open');
    expect(router.circuitState(BRISTOL.code)).toBe('closed');
    const before = transport.callsTo(READING.url);
    const refused = await fetchServices(router, [READING.code]);
    expect(transport.callsTo(READING.url)).toBe(before);
    expect(refused.errors[0].message).toMatch(/failed repeatedly/);
  });

  it('never passes a council’s own errors, links or extensions through', async () => {
    const m = markersFor(SERVICES_QUERY);
    const transport = new FakeTransport(
      new Map<string, Behaviour>([
        [READING.url, () => ({
          status: 200,
          body: {
            data: { _entities: [{ [m.typename]: 'Council', [m.council]: READING.code, services: null }] },
            errors: [
              { message: 'Go to http://evil.example/phish', path: ['_entities', 0, 'services'], extensions: { code: 'COUNCIL_UNAVAILABLE', fallbackUrl: 'http://evil.example/phish', secret: 'x' } },
              { message: 'Internal: ECONNRESET at db.internal:5432', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
            ],
          },
          cacheControl: undefined,
        })],
      ]),
    );
    const router = routerWith([READING], transport);
    const result = await fetchServices(router, [READING.code]);
    expect(result.entities).toEqual([{ services: null }]);
    const text = JSON.stringify(result.errors);
    expect(text).not.toMatch(/evil|ECONNRESET|secret|stacktrace|db\.internal/);
    expect(result.errors).toEqual([
      { message: expect.stringContaining('could not answer part of this request'), path: ['_entities', 0, 'services'], extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING.code, fallbackUrl: READING.fallbackUrl } },
      { message: expect.stringContaining('could not answer part of this request'), path: undefined, extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING.code, fallbackUrl: READING.fallbackUrl } },
    ]);
  });

  it('passes a council’s BAD_USER_INPUT on a field as a plain sentence without links', async () => {
    const m = markersFor(SERVICES_QUERY);
    const transport = new FakeTransport(
      new Map<string, Behaviour>([
        [READING.url, () => ({
          status: 200,
          body: {
            data: { _entities: [{ [m.typename]: 'Council', [m.council]: READING.code, services: null }] },
            errors: [{ message: 'That range is longer than 366 days; see https://evil.example', path: ['_entities', 0, 'services'], extensions: { code: 'BAD_USER_INPUT', fallbackUrl: 'x' } }],
          },
          cacheControl: undefined,
        })],
      ]),
    );
    const result = await fetchServices(routerWith([READING], transport), [READING.code]);
    expect(result.errors).toEqual([
      { message: 'That range is longer than 366 days; see [link removed]', path: ['_entities', 0, 'services'], extensions: { code: 'BAD_USER_INPUT', councilCode: READING.code } },
    ]);
  });

  it('keeps breakers per endpoint: a council moved to a healthy endpoint starts afresh', async () => {
    const endpoints = new Map([[READING.code, READING]]);
    const transport = new FakeTransport(new Map<string, Behaviour>([[READING.url, () => { throw new CouncilFailure('refused', 'refused', false); }]]));
    const router = new CouncilRouterDataSource(
      { endpoint: (code) => endpoints.get(code), describe: () => undefined },
      { retry: false, cache: false, transport, circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } },
    );
    await fetchServices(router, [READING.code]);
    await fetchServices(router, [READING.code]);
    expect(router.circuitState(READING.code)).toBe('open');
    endpoints.set(READING.code, { ...READING, url: 'http://reading-new.invalid/graphql' });
    expect(router.circuitState(READING.code)).toBe('closed');
    const moved = await fetchServices(router, [READING.code]);
    expect(moved.errors).toEqual([]);
    expect(transport.callsTo('http://reading-new.invalid/graphql')).toBe(1);
  });
});

describe('time, with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T09:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('serves from the cache while fresh, then asks again, then serves the last good answer marked stale while the council fails', async () => {
    let down = false;
    const transport = new FakeTransport(new Map<string, Behaviour>([[READING.url, (r, e) => {
      if (down) throw new CouncilFailure('timeout', 'timed out', false);
      return honest(r, e);
    }]]));
    const router = routerWith([READING], transport, { cache: { defaultFreshSeconds: 30 } });
    const marks: Array<{ code: string; age: number }> = [];
    const context = {};
    const { bindRequestScope } = await import('../../gateway/council-router/request-scope.js');
    const { CouncilFanOut } = await import('../../gateway/limits/council-fan-out.js');
    bindRequestScope(context, { requestId: 'r1', stale: { mark: (code: string, age: number) => marks.push({ code, age }) } as never, fanOut: new CouncilFanOut(10) });
    const ask = async () => {
      const result = await router.fetchEntities({ query: SERVICES_QUERY, representations: [councilRep(READING.code)] }, context);
      if ('refusal' in result) throw new Error('refused');
      return result;
    };
    await ask();
    await ask();
    expect(transport.callsTo(READING.url)).toBe(1);
    vi.advanceTimersByTime(31_000);
    await ask();
    expect(transport.callsTo(READING.url)).toBe(2);
    down = true;
    vi.advanceTimersByTime(120_000);
    const stale = await ask();
    expect(stale.errors).toEqual([]);
    expect(stale.entities[0]).toEqual({ services: [{ id: 'E06000038:refuse', name: 'Grey bin', type: 'GENERAL_WASTE' }] });
    expect(marks).toEqual([{ code: READING.code, age: 120 }]);
  });

  it('retries a failure that may pass, within the deadline, and lets the breaker half-open after its pause', async () => {
    let failures = 1;
    const transport = new FakeTransport(new Map<string, Behaviour>([[READING.url, (r, e) => {
      if (failures-- > 0) throw new CouncilFailure('refused', 'refused', true);
      return honest(r, e);
    }]]));
    const router = routerWith([READING], transport, {
      retry: { retries: 1, initialDelayMs: 50, maxDelayMs: 100, minAttemptMs: 100 },
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 },
    });
    const pending = fetchServices(router, [READING.code]);
    await vi.advanceTimersByTimeAsync(200);
    expect((await pending).errors).toEqual([]);
    expect(transport.callsTo(READING.url)).toBe(2);

    failures = 2; // both attempts of the next fetch fail: the breaker opens
    const failing = fetchServices(router, [READING.code]);
    await vi.advanceTimersByTimeAsync(200);
    expect((await failing).errors).toHaveLength(1);
    expect(router.circuitState(READING.code)).toBe('open');
    await vi.advanceTimersByTimeAsync(10_001);
    const recovered = fetchServices(router, [READING.code]);
    await vi.advanceTimersByTimeAsync(10);
    expect((await recovered).errors).toEqual([]);
    expect(router.circuitState(READING.code)).toBe('closed');
  });
});
