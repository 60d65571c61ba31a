// One request per council host: the embedded default serves every council from one host, so a national
// query is one HTTP request to that host per fetch, not one per council; each council is still answered,
// and checked, as itself; and a council moved to an endpoint of its own is asked there, alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

let stack: LocalStack;
let recorder: RunningServer & { batches: number[] };

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { router: { cache: false }, responseCache: false, rateLimit: false } });
  // A recording proxy in front of the host's batch URL: how many requests, with how many representations.
  const batches: number[] = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req, 10_000_000);
    batches.push(JSON.parse(body).variables.representations.length);
    const upstream = await fetch(stack.councilHost.hostUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
  recorder = Object.assign(server, { batches });
  for (const [code, endpoint] of stack.endpoints) {
    if (endpoint.sharedHost) stack.endpoints.set(code, { ...endpoint, sharedHost: { ...endpoint.sharedHost, batchUrl: recorder.url } });
  }
});

afterAll(async () => {
  await stack?.close();
  await recorder?.close();
});

describe('one request per council host', () => {
  it('sends a national query to the shared host as one request, and every council answers whole', async () => {
    recorder.batches.length = 0;
    const national = await gql(stack.gateway.graphqlUrl, '{ councils(collectsWaste: true) { code services { id type } } }');
    expect(national.errors).toBeUndefined();
    const councils = national.data.councils as Array<{ code: string; services: Array<{ id: string }> }>;
    expect(councils.length).toBeGreaterThan(300);
    for (const council of councils) {
      expect(council.services.length, council.code).toBeGreaterThan(0);
      // Each council's part was answered as that council: its own services, nobody else's.
      for (const service of council.services) expect(service.id.startsWith(`${council.code}:`), service.id).toBe(true);
    }
    expect(recorder.batches.length).toBeLessThanOrEqual(3);
    expect(recorder.batches.reduce((a, b) => a + b, 0)).toBe(councils.length);
  });

  it('asks a council moved to an endpoint of its own there, alone', async () => {
    const reading = stack.endpoints.get(READING)!;
    stack.endpoints.set(READING, { ...reading, url: `${stack.councilHost.url}/councils/${READING}/graphql?own=1` });
    try {
      recorder.batches.length = 0;
      const result = await gql(stack.gateway.graphqlUrl, `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { id } } }`);
      expect(result.errors).toBeUndefined();
      expect(recorder.batches).toEqual([1]); // Bristol alone went through the host
    } finally {
      stack.endpoints.set(READING, reading);
    }
  });
});

describe('the host’s batch endpoint', () => {
  it('resolves each representation only as its own council, and none of a council it does not serve', async () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{code services{id}}}}';
    const response = await fetch(stack.councilHost.hostUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { representations: [{ __typename: 'Council', code: READING }, { __typename: 'Council', code: 'E99999999' }, { __typename: 'Council', code: BRISTOL }] } }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    const [reading, unknown, bristol] = body.data._entities;
    expect(reading.code).toBe(READING);
    expect(reading.services.every((s: { id: string }) => s.id.startsWith(`${READING}:`))).toBe(true);
    expect(unknown).toBeNull();
    expect(bristol.code).toBe(BRISTOL);
    expect(bristol.services.every((s: { id: string }) => s.id.startsWith(`${BRISTOL}:`))).toBe(true);
  });

  it('refuses anything but a JSON POST', async () => {
    expect((await fetch(stack.councilHost.hostUrl)).status).toBe(405);
    expect((await fetch(stack.councilHost.hostUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(405);
  });
});
