// A council posts a disruption; the national graph shows it in that council's collections, in
// Council.disruptions and in the national disruptions(activeOn:) view; other councils are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
let stack: LocalStack;
let readingToken: string;
let bristolToken: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000 });
  readingToken = stack.councilTokens.issueToken(READING);
  bristolToken = stack.councilTokens.issueToken(BRISTOL);
});
afterAll(async () => stack?.close());

const post = (code: string, token: string | null, body: unknown) =>
  fetch(`${stack.councilHost.url}/councils/${code}/disruptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const COLLECTIONS = `query($c: ID!, $p: String!, $from: Date!, $to: Date!) { council(code: $c) {
  properties(postcode: $p) { uprn collections(from: $from, to: $to) { date status originalDate changeReason service { type } disruption { id title } } } } }`;

/** Within 60 seconds, as the freshness rule promises, whatever caching is in place. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a disruption posted by one council', () => {
  const snow = {
    title: 'Snow: collections cancelled',
    reason: 'SEVERE_WEATHER',
    message: 'Roads are unsafe. Leave bins out next week.',
    area: 'council',
    effect: 'cancelled',
    startsOn: '2026-12-07',
    endsOn: '2026-12-11',
  };

  it('refuses a missing or wrong token and writes nothing', async () => {
    expect((await post(READING, null, snow)).status).toBe(401);
    expect((await post(READING, 'binfo_E06000038_not-a-real-token', snow)).status).toBe(401);
    const crossCouncil = await post(READING, bristolToken, snow);
    expect(crossCouncil.status).toBe(403);
    expect((await crossCouncil.json()).error.message).toMatch(/another council|E06000023|not.*E06000038/i);
    expect(stack.disruptions.forCouncil(READING)).toEqual([]);
  });

  it('shows through the gateway as cancelled collections with the reason, in Council.disruptions and nationally', async () => {
    const before = await gql(stack.gateway.graphqlUrl, COLLECTIONS, { c: BRISTOL, p: 'BS1 5TR', from: '2026-12-07', to: '2026-12-11' });
    const response = await post(READING, readingToken, snow);
    expect(response.status).toBe(201);
    const { disruption } = await response.json();

    const reading = await eventually(
      () => gql(stack.gateway.graphqlUrl, COLLECTIONS, { c: READING, p: 'RG1 1AA', from: '2026-12-07', to: '2026-12-11' }),
      (r) => r.data?.council?.properties?.[0]?.collections?.every((c: any) => c.status === 'CANCELLED'),
    );
    const collections = reading.data.council.properties.flatMap((p: any) => p.collections);
    expect(collections.length).toBeGreaterThan(0);
    for (const c of collections) {
      expect(c).toMatchObject({ status: 'CANCELLED', changeReason: 'SEVERE_WEATHER', disruption: { id: disruption.id, title: snow.title } });
    }

    const national = await gql(stack.gateway.graphqlUrl, `{ disruptions(activeOn: "2026-12-08") { id title reason effect councilCode council { name binDayUrl } } }`);
    expect(national.errors).toBeUndefined();
    expect(national.data.disruptions).toEqual([
      { id: disruption.id, title: snow.title, reason: 'SEVERE_WEATHER', effect: 'CANCELLED', councilCode: READING, council: { name: 'Reading Borough Council', binDayUrl: 'https://www.reading.gov.uk/bin-calendar/' } },
    ]);
    const notYet = await gql(stack.gateway.graphqlUrl, `{ disruptions(activeOn: "2026-12-06") { id } }`);
    expect(notYet.data.disruptions).toEqual([]);
    const listed = await gql(stack.gateway.graphqlUrl, `{ council(code: "${READING}") { disruptions(activeOn: "2026-12-08") { id area startsOn endsOn } } }`);
    expect(listed.data.council.disruptions).toEqual([{ id: disruption.id, area: 'Whole council', startsOn: '2026-12-07', endsOn: '2026-12-11' }]);

    // Bristol's answer is exactly what it was.
    const after = await gql(stack.gateway.graphqlUrl, COLLECTIONS, { c: BRISTOL, p: 'BS1 5TR', from: '2026-12-07', to: '2026-12-11' });
    expect(after.data).toEqual(before.data);
  });

  it('reaches residents as a delay when edited, and disappears when withdrawn', async () => {
    const [current] = stack.disruptions.forCouncil(READING);
    const edit = await fetch(`${stack.councilHost.url}/councils/${READING}/disruptions/${current.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readingToken}` },
      body: JSON.stringify({ effect: { delayedDays: 1 }, title: 'Snow: collections a day late' }),
    });
    expect(edit.status).toBe(200);
    const delayed = await eventually(
      () => gql(stack.gateway.graphqlUrl, COLLECTIONS, { c: READING, p: 'RG1 1AA', from: '2026-12-07', to: '2026-12-12' }),
      (r) => r.data?.council?.properties?.[0]?.collections?.some((c: any) => c.status === 'DELAYED'),
    );
    for (const c of delayed.data.council.properties[0].collections.filter((c: any) => c.originalDate && c.originalDate >= '2026-12-07' && c.originalDate <= '2026-12-11')) {
      expect(c.status).toBe('DELAYED');
      expect(c.disruption.title).toBe('Snow: collections a day late');
    }
    const withdraw = await fetch(`${stack.councilHost.url}/councils/${READING}/disruptions/${current.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${readingToken}` } });
    expect(withdraw.status).toBe(200);
    const cleared = await eventually(
      () => gql(stack.gateway.graphqlUrl, `{ disruptions(activeOn: "2026-12-08") { id } }`),
      (r) => r.data?.disruptions?.length === 0,
    );
    expect(cleared.data.disruptions).toEqual([]);
  });

  it('reports a council that cannot be asked as a null item with COUNCIL_UNAVAILABLE', async () => {
    const bristol = stack.endpoints.get(BRISTOL)!;
    stack.endpoints.set(BRISTOL, { ...bristol, url: 'http://127.0.0.1:9/down', timeoutMs: 300 });
    try {
      const result = await gql(stack.gateway.graphqlUrl, `{ disruptions { id } }`);
      expect(result.data.disruptions).toEqual([null]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0].extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: BRISTOL });
      expect(result.errors![0].extensions!.fallbackUrl).toMatch(/bristol\.gov\.uk/);
    } finally {
      stack.endpoints.set(BRISTOL, bristol);
    }
  });
});
