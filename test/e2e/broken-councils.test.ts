// Broken councils and a hostile client, through the real gateway over HTTP: a council's failure is reported
// as that council's, coded, with the registry's fallback link, on the graph and on the resident pages; and
// no alias a client writes can switch councils off for another client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { startFaultCouncil, type FaultCouncil, type FaultMode } from '../resilience/support/fault-council.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

let stack: LocalStack;
let fault: FaultCouncil;
let readingFallback: string;
let readingUprn: string;

beforeAll(async () => {
  // The breaker stays on (5 failures open it) so the hostile test shows a client cannot move it; no cache, so every request reaches the council.
  // A generous council timeout: the national query must not fail for a loaded test machine's sake.
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { router: { cache: false, retry: false }, rateLimit: false, responseCache: false, logger: silentLogger() } });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 2000 });
  const reading = stack.data.councils.get(READING)!;
  readingFallback = reading.binDayUrl ?? reading.website;
  const healthy = await gql(stack.gateway.graphqlUrl, `{ council(code: "${READING}") { properties(postcode: "RG1 1AA") { uprn } } }`);
  readingUprn = healthy.data.council.properties[0].uprn;
});

afterAll(async () => {
  await stack?.close();
  await fault?.close();
});

describe('a council that answers wrongly', () => {
  it.each<[string, FaultMode]>([
    ['data: null', 'data-null'],
    ['wrong-typed values', 'wrong-type'],
    ['its own COUNCIL_UNAVAILABLE with its own fallbackUrl', 'own-error'],
  ])('answering %s is named as the failing council, with the registry’s link, and the pages still help residents', async (_label, mode) => {
    fault.mode = mode;
    const result = await gql(stack.gateway.graphqlUrl, `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { name type } } }`);
    expect(result.status).toBe(200);
    expect(result.data.councils[0]).toEqual({ code: READING, services: null });
    expect(result.data.councils[1].services.length).toBeGreaterThan(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toEqual({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: readingFallback });
    expect(JSON.stringify(result)).not.toMatch(/evil|PLUTONIUM|<b>|tracking|non-nullable/);

    const postcodePage = await fetch(`${stack.gateway.url}/?postcode=rg1+1aa`);
    expect(postcodePage.status).toBe(200);
    const postcodeHtml = await postcodePage.text();
    expect(postcodeHtml).toContain(readingFallback);
    expect(postcodeHtml).not.toMatch(/evil/);

    const addressPage = await fetch(`${stack.gateway.url}/address/${READING}/${readingUprn}`);
    expect(addressPage.status).toBe(200);
    expect(await addressPage.text()).toContain(readingFallback);

    // The feed answers 503 with Retry-After and the link, never 500 and never an empty calendar: a calendar
    // app keeps the collections it has instead of replacing them with none.
    const feed = await fetch(`${stack.gateway.url}/calendar/${READING}/${readingUprn}.ics`);
    expect(feed.status).toBe(503);
    expect(feed.headers.get('retry-after')).not.toBeNull();
    expect(await feed.text()).toContain(readingFallback);
  });
});

describe('a hostile client', () => {
  it('cannot take councils offline for others, whatever aliases it writes', async () => {
    // Reading's endpoint failed above, so its breaker is open; moved back to its real endpoint, it starts afresh.
    stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: stack.councilHost.councilUrl(READING) });
    const aliases = ['_binfo_typename', '_binfo_council', '_binfo_typename1', '__typename_', 'code', '_entities', 'representations'];
    for (let i = 0; i < 20; i++) {
      const alias = aliases[i % aliases.length];
      const hostile = await gql(stack.gateway.graphqlUrl, `{ councils(codes: ["${READING}", "${BRISTOL}"]) { ${alias}: services { name } other${i}: code } }`);
      expect(hostile.status).toBeLessThan(500);
    }
    const national = await gql(stack.gateway.graphqlUrl, '{ councils(collectsWaste: true) { code services { type } } }');
    expect(national.errors).toBeUndefined();
    expect(national.data.councils.length).toBeGreaterThan(300);
    for (const council of national.data.councils) expect(council.services?.length, council.code).toBeGreaterThan(0);
  });
});

describe('aliases the gateway could not answer correctly', () => {
  it.each([
    ['a key field’s name for another field', `{ council(code: "${READING}") { code: binDayUrl services { type } } }`, /alias "code" on Council is the name of its key field/],
    ['a name GraphQL reserves', '{ councils(collectsWaste: true) { code __typename: name } }', /alias "__typename" begins with "__"/],
  ])('refuses %s with 400, naming the alias', async (_label, query, message) => {
    const result = await gql(stack.gateway.graphqlUrl, query);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('answers an ordinary alias, and a key field under its own name', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{ council(code: "${READING}") { link: binDayUrl code services { type } } }`);
    expect(result.status).toBe(200);
    expect(result.data.council).toMatchObject({ link: readingFallback, code: READING });
  });
});

