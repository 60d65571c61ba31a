// The national graph's HTTP edge as browsers and default clients meet it: CORS (preflight and actual
// answers), queries over GET with no special header, mutations over GET refused with 405, the GraphQL-over-
// HTTP spec's content negotiation (4xx for application/graphql-response+json, 200 for a client that asks
// only for application/json), automatic persisted queries over GET, and client mistakes answered 400 with a
// code, never 500. The council host's disruptions API (it writes) never answers CORS.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { councilDirectoryOf } from '../../gateway/council-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';

const READING = 'E06000038';
const QUERY = `{ council(code: "${READING}") { code name } }`;
const SITE = 'https://www.some-council.gov.uk';

let stack: LocalStack;
let graphql: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { rateLimit: false, logger: silentLogger(), metrics: false } });
  graphql = stack.gateway.graphqlUrl;
});
afterAll(async () => stack?.close());

const get = (params: Record<string, string>, headers: Record<string, string> = {}) => fetch(`${graphql}?${new URLSearchParams(params)}`, { headers });
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(graphql, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

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

describe('CORS on the read graph', () => {
  it('answers a preflight from another site with 204 and what a GraphQL client may send', async () => {
    const response = await fetch(graphql, {
      method: 'OPTIONS',
      headers: { origin: SITE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-api-key', 'x-request-id']));
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets the page read answers, refusals included', async () => {
    const answer = await post({ query: QUERY }, { origin: SITE });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    const refused = await post({ query: '{' }, { origin: SITE });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('with a list of origins, allows only those, and says the answer varies by Origin', async () => {
    const gateway = await gatewayWith({ cors: { origins: [SITE] } });
    try {
      const preflight = (origin: string) => fetch(gateway.graphqlUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      const allowed = await preflight(SITE);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(allowed.headers.get('vary')).toMatch(/Origin/);
      const other = await preflight('https://evil.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect((await other.json()).errors[0].extensions.code).toBe('FORBIDDEN');
      const actual = await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ query: QUERY }) });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
      expect(actual.headers.get('vary')).toMatch(/Origin/);
    } finally {
      await gateway.close();
    }
  });

  it('is never on the council host’s disruptions API, which writes', async () => {
    const url = `${stack.councilHost.url}/councils/${READING}/disruptions`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: SITE, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const list = await fetch(url, { headers: { origin: SITE } });
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('queries over GET', () => {
  it('answer with data and no special header (urql’s default), with the POST answer’s Cache-Control', async () => {
    const viaGet = await get({ query: QUERY });
    expect(viaGet.status).toBe(200);
    expect((await viaGet.json()).data.council).toEqual({ code: READING, name: 'Reading Borough Council' });
    const viaPost = await post({ query: QUERY });
    // The same rule for both: public for the seconds the answer stays fresh (at most 10), counting down.
    expect(viaPost.headers.get('cache-control')).toMatch(/^public, max-age=(10|[1-9])$/);
    expect(viaGet.headers.get('cache-control')).toMatch(/^public, max-age=(10|[1-9])$/);
  });

  it('take variables and operationName from the URL', async () => {
    const response = await get({ query: 'query One($c: ID!) { council(code: $c) { code } } query Two { __typename }', operationName: 'One', variables: JSON.stringify({ c: READING }) });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual({ council: { code: READING } });
  });

  it('refuses a mutation over GET with 405, Allow: POST and a code', async () => {
    const response = await get({ query: 'mutation { x }' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/GET requests only support query operations/);
  });
});

describe('client mistakes are 400 with a code, never 500', () => {
  it.each([
    ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }, 'OPERATION_RESOLUTION_FAILURE', /no operation named "B".*"A"/],
    ['several operations and no operationName', { query: 'query A { __typename } query B { __typename }' }, 'OPERATION_RESOLUTION_FAILURE', /several operations/],
    ['several anonymous operations', { query: '{ __typename } { __typename }' }, 'GRAPHQL_VALIDATION_FAILED', /anonymous operation must be the only/],
    ['a mutation', { query: 'mutation { x }' }, 'GRAPHQL_VALIDATION_FAILED', /read-only.*not a mutation/],
    ['a subscription', { query: 'subscription { x }' }, 'GRAPHQL_VALIDATION_FAILED', /read-only.*not a subscription/],
  ])('%s', async (_name, body, code, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer.errors[0].extensions.code).toBe(code);
    expect(answer.errors[0].message).toMatch(message);
    expect(answer.data).toBeUndefined();
  });
});

describe('content negotiation (GraphQL over HTTP)', () => {
  const BAD = [
    ['a parse error', { query: '{' }],
    ['a validation error', { query: '{ nope }' }],
    ['a variable of the wrong type', { query: 'query($c: ID!) { council(code: $c) { code } }', variables: { c: { not: 'an id' } } }],
  ] as const;

  it.each(BAD)('%s is 400 as application/graphql-response+json, and without Accept', async (_name, body) => {
    const modern = await post(body, { accept: 'application/graphql-response+json' });
    expect(modern.status).toBe(400);
    expect(modern.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect((await modern.json()).errors.length).toBeGreaterThan(0);
    expect((await post(body)).status).toBe(400);
  });

  it.each(BAD)('%s is 200 for a client that accepts only application/json', async (_name, body) => {
    const legacy = await post(body, { accept: 'application/json' });
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await legacy.json()).errors.length).toBeGreaterThan(0);
  });

  it('keeps 400 for a request that is not GraphQL over HTTP at all, whatever the Accept', async () => {
    const notJson = await fetch(graphql, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    const noQuery = await post({ variables: {} }, { accept: 'application/json' });
    expect(noQuery.status).toBe(400);
  });
});

describe('automatic persisted queries over GET', () => {
  it('asks for the text once, then answers the hash alone', async () => {
    const query = `{ council(code: "${READING}") { code apq: name } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });

    const unknown = await get({ extensions });
    const first = await unknown.json();
    expect(first.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await get({ query, extensions });
    expect(registered.status).toBe(200);
    expect((await registered.json()).data.council.apq).toBe('Reading Borough Council');

    for (let i = 0; i < 2; i++) {
      const hashOnly = await get({ extensions });
      expect(hashOnly.status).toBe(200);
      expect(await hashOnly.json()).toEqual({ data: { council: { code: READING, apq: 'Reading Borough Council' } } });
    }
  });

  it('registers by POST too, and refuses a hash that does not match its text', async () => {
    const query = `{ council(code: "${READING}") { code viaPost: name } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persistedQuery = { version: 1, sha256Hash };
    expect((await post({ query, extensions: { persistedQuery } })).status).toBe(200);
    const hashOnly = await get({ extensions: JSON.stringify({ persistedQuery }) });
    expect((await hashOnly.json()).data.council.viaPost).toBe('Reading Borough Council');
    const mismatch = await post({ query: '{ __typename }', extensions: { persistedQuery } });
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).errors[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    const version = await post({ extensions: { persistedQuery: { ...persistedQuery, version: 2 } } });
    expect(version.status).toBe(400);
    expect((await version.json()).errors[0]).toMatchObject({ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } });
  });
});
