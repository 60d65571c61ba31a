// The council router over real HTTP: each council's data comes from that council's endpoint alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startCouncilHost, type CouncilHost } from '../../subgraphs/council/host.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

/** Forwards to a council host and records what the gateway sent. */
async function recordingProxy(target: string): Promise<RunningServer & { received: Array<{ representations: Array<Record<string, string>> }> }> {
  const received: Array<{ representations: Array<Record<string, string>> }> = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req, 10_000_000);
    received.push({ representations: JSON.parse(body).variables?.representations ?? [] });
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
  return { ...server, received };
}

let stack: LocalStack;
let hosts: CouncilHost[] = [];
let proxies: Awaited<ReturnType<typeof recordingProxy>>[] = [];
let readingSource: FixtureCouncilSource;
let bristolSource: FixtureCouncilSource;

beforeAll(async () => {
  // The gateway reads the registry map on every fetch, so pointing two councils at test hosts needs no restart.
  stack = await startLocalStack({ port: 0 });
  readingSource = new FixtureCouncilSource({ councilCode: READING, label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays: stack.bankHolidays, uprns: ['310000000001', '310000000002'] });
  bristolSource = new FixtureCouncilSource({ councilCode: BRISTOL, label: 'Bristol-fixture', postcode: 'BS1 5TR', bankHolidays: stack.bankHolidays, uprns: ['200000000001'] });
  hosts = await Promise.all([startCouncilHost({ sources: [readingSource] }), startCouncilHost({ sources: [bristolSource] })]);
  proxies = await Promise.all([recordingProxy(hosts[0].councilUrl(READING)), recordingProxy(hosts[1].councilUrl(BRISTOL))]);
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: proxies[0].url });
  stack.endpoints.set(BRISTOL, { ...stack.endpoints.get(BRISTOL)!, url: proxies[1].url });
});

afterAll(async () => {
  await stack?.close();
  await Promise.all([...hosts, ...proxies].map((s) => s.close()));
});

describe('routing one query to two councils', () => {
  it('sends each council exactly one request holding only its own entities', async () => {
    for (const proxy of proxies) proxy.received.length = 0;
    const result = await gql(stack.gateway.graphqlUrl, `{
      councils(codes: ["${BRISTOL}", "${READING}", "${BRISTOL}"]) {
        code services { name }
        rg: properties(postcode: "RG1 1AA") { uprn collections(from: "2026-12-01", to: "2026-12-14") { date service { name } } }
        bs: properties(postcode: "BS1 5TR") { uprn }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const [bristol, reading, bristolAgain] = result.data.councils;
    expect(reading.services.map((s: any) => s.name)).toEqual(['Reading-fixture refuse bin', 'Reading-fixture food caddy']);
    expect(bristol.services.map((s: any) => s.name)).toEqual(['Bristol-fixture refuse bin', 'Bristol-fixture food caddy']);
    expect(bristolAgain).toEqual(bristol);
    expect(reading.rg.map((p: any) => p.uprn)).toEqual(['310000000001', '310000000002']);
    expect(reading.bs).toEqual([]);
    expect(bristol.bs.map((p: any) => p.uprn)).toEqual(['200000000001']);
    expect(bristol.rg).toEqual([]);
    for (const p of reading.rg) {
      expect(p.collections.length).toBeGreaterThan(0);
      for (const c of p.collections) expect(c.service.name).toMatch(/^Reading-fixture/);
    }

    // One request per council per fetch, each carrying that council's representations only (deduplicated).
    expect(proxies[0].received).toHaveLength(1);
    expect(proxies[1].received).toHaveLength(1);
    expect(proxies[0].received[0].representations).toEqual([{ __typename: 'Council', code: READING }]);
    expect(proxies[1].received[0].representations).toEqual([{ __typename: 'Council', code: BRISTOL }]);
  });

  it('batches many properties of two councils into one request per council, results in the asked order', async () => {
    for (const proxy of proxies) proxy.received.length = 0;
    const order: Array<[string, string]> = [
      [BRISTOL, '200000000001'],
      [READING, '310000000002'],
      [READING, '999999999999'],
      [READING, '310000000001'],
    ];
    const result = await gql(stack.gateway.graphqlUrl, `query($refs: [PropertyRef!]!) { properties(refs: $refs) { uprn councilCode address { town } } }`, {
      refs: order.map(([councilCode, uprn]) => ({ councilCode, uprn })),
    });
    expect(result.errors).toBeUndefined();
    const [p0, p1, p2, p3] = result.data.properties;
    expect(p0).toEqual({ uprn: '200000000001', councilCode: BRISTOL, address: { town: 'Bristol-fixture' } });
    expect(p1).toEqual({ uprn: '310000000002', councilCode: READING, address: { town: 'Reading-fixture' } });
    expect(p2.address).toBeNull(); // unknown UPRN: null, not an error
    expect(p3).toEqual({ uprn: '310000000001', councilCode: READING, address: { town: 'Reading-fixture' } });
    expect(proxies[0].received).toHaveLength(1);
    expect(proxies[0].received[0].representations.map((r) => r.councilCode)).toEqual([READING, READING, READING]);
    expect(proxies[1].received).toHaveLength(1);
    expect(proxies[1].received[0].representations.map((r) => r.councilCode)).toEqual([BRISTOL]);
    // The kit batches its lookups: one propertiesByUprn call for the three Reading properties.
    expect(readingSource.calls.propertiesByUprn.at(-1)).toEqual(['310000000002', '999999999999', '310000000001']);
  });
});

describe('a council endpoint asked about another council', () => {
  it('answers null rather than data for a council it does not serve', async () => {
    const response = await fetch(hosts[0].councilUrl(READING), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Council { services { name } } ... on Property { uprn } } }',
        variables: { representations: [{ __typename: 'Council', code: BRISTOL }, { __typename: 'Property', councilCode: BRISTOL, uprn: '200000000001' }, { __typename: 'Council', code: READING }] },
      }),
    });
    const body = await response.json();
    expect(body.data._entities[0]).toBeNull();
    expect(body.data._entities[1]).toBeNull();
    expect(body.data._entities[2].services).toHaveLength(2);
  });
});
