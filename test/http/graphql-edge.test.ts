// The one GraphQL-over-HTTP edge (lib/http/apollo-handler.ts) that the gateway, the councils proxy and the
// council host share: bodies within a limit (413 PAYLOAD_TOO_LARGE), JSON or 400 BAD_REQUEST, request
// headers reaching Apollo, and the spec's status codes for a client that accepts only application/json.
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleGraphQLRequest, negotiatesOnlyJson } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { persistedQueryCache } from '../../lib/http/persisted-query-cache.js';

let apollo: ApolloServer<{ caller?: string }>;
let plain: RunningServer;
let spec: RunningServer;

beforeAll(async () => {
  apollo = new ApolloServer<{ caller?: string }>({
    schema: buildSchema('type Query { caller: String }'),
    rootValue: { caller: (_args: unknown, context: { caller?: string }) => context.caller },
  });
  await apollo.start();
  const serve = (specStatusForJson: boolean) =>
    listen((req, res) => handleGraphQLRequest(apollo, req, res, async () => ({ caller: String(req.headers['x-caller']) }), { bodyLimitBytes: 200, specStatusForJson }));
  [plain, spec] = await Promise.all([serve(false), serve(true)]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), spec?.close()]);
  await apollo?.stop();
});

const post = (server: RunningServer, body: string, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('the GraphQL-over-HTTP edge', () => {
  it('runs a request through Apollo with the request headers', async () => {
    const response = await post(plain, JSON.stringify({ query: '{ caller }' }), { 'x-caller': 'resident' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { caller: 'resident' } });
  });

  it('refuses a body over the limit with 413 and a code, having read no more than it must', async () => {
    const response = await post(plain, JSON.stringify({ query: `{ caller ${' '.repeat(10_000)}}` }));
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0]).toEqual({ message: 'Request body is larger than 200 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('refuses a body that is not JSON with 400 and a code', async () => {
    const response = await post(plain, '{"query":');
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers GraphQL request errors 200 to a client that accepts only application/json, when asked to', async () => {
    const invalid = JSON.stringify({ query: '{ nope }' });
    expect((await post(plain, invalid, { accept: 'application/json' })).status).toBe(400);
    expect((await post(spec, invalid, { accept: 'application/json' })).status).toBe(200);
    expect((await post(spec, invalid, { accept: 'application/graphql-response+json' })).status).toBe(400);
    expect((await post(spec, invalid)).status).toBe(400);
    // Not a GraphQL request at all: 400 whatever the client accepts.
    expect((await post(spec, JSON.stringify({ variables: {} }), { accept: 'application/json' })).status).toBe(400);
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/graphql-response+json, application/json;q=0.9', false],
    ['application/json, */*;q=0.5', false],
    ['application/*', false],
    ['*/*', false],
    [undefined, false],
  ] as const)('Accept %s negotiates only application/json: %s', (accept, only) => {
    expect(negotiatesOnlyJson(accept)).toBe(only);
  });
});

describe('the persisted query store', () => {
  it('is bounded: old queries make way for new ones', async () => {
    const cache = persistedQueryCache({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) await cache.set(`hash${i}`, `{ q${i} }`);
    expect(await cache.get('hash0')).toBeUndefined();
    expect(await cache.get('hash4')).toBe('{ q4 }');
  });

  it('is bounded in characters too', async () => {
    const cache = persistedQueryCache({ maxEntries: 100, maxChars: 1000 });
    for (let i = 0; i < 10; i++) await cache.set(`h${i}`, 'x'.repeat(300));
    const kept = (await Promise.all(Array.from({ length: 10 }, (_, i) => cache.get(`h${i}`)))).filter(Boolean);
    expect(kept.length).toBeLessThanOrEqual(3);
    expect(kept.length).toBeGreaterThan(0);
  });
});
