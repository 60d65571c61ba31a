// Apollo Client 4 with its default normalising cache (no typePolicies at all) against a real gateway.
// A normalised cache stores every object with an `id` once, under `__typename:id`: if two councils'
// services shared an id, the second answer would overwrite the first and the page would show one
// council's bins for another. Each answer Apollo Client returns (read back from its cache) must equal
// what the server sent.
import { readFileSync } from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache, gql as parsed } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-path.js';
import { APOLLO_TYPE_POLICIES } from '../../schema/client-cache.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const CARDIFF = 'W06000015';

let stack: LocalStack;
let client: ApolloClient;

/** The answer as the server sends it, without the `__typename` Apollo Client adds to every selection. */
function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '__typename').map(([key, v]) => [key, withoutTypename(v)]));
  }
  return value;
}

/** Runs a query through Apollo Client (written to and read back from its cache) and straight over HTTP. */
async function bothWays(query: string, variables: Record<string, unknown> = {}, through = client) {
  const server = await gql(stack.gateway.graphqlUrl, query, variables);
  expect(server.errors).toBeUndefined();
  const viaCache = await through.query({ query: parsed(query), variables, fetchPolicy: 'network-only' });
  return { server: server.data, apollo: withoutTypename(viaCache.data) };
}

const COUNCIL_SERVICES = `query CouncilServices($code: ID!) { council(code: $code) { code name services { id name type frequency { description } } } }`;

beforeAll(async () => {
  const bankHolidays = loadShippedBankHolidays();
  // Both fixture councils call their services `refuse` and `food`: the clash a real pair of councils has.
  const fixtures = new Map([
    [READING, new FixtureCouncilSource({ councilCode: READING, label: 'Reading', postcode: 'RG1 1AA', bankHolidays })],
    [BRISTOL, new FixtureCouncilSource({ councilCode: BRISTOL, label: 'Bristol', postcode: 'BS1 5TR', bankHolidays, uprns: ['200000000001'] })],
  ]);
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, sources: (defaults) => defaults.map((s) => fixtures.get(s.councilCode) ?? s) });
  // The default cache: no typePolicies, no dataIdFromObject; what a team gets by following Apollo's docs.
  client = new ApolloClient({ link: new HttpLink({ uri: stack.gateway.graphqlUrl }), cache: new InMemoryCache() });
}, 60_000);

afterAll(async () => {
  client?.stop();
  await stack?.close();
});

describe('Apollo Client 4, default InMemoryCache, no typePolicies', () => {
  it('keeps two councils\' services apart, queried one after the other and together', async () => {
    const reading = await bothWays(COUNCIL_SERVICES, { code: READING });
    expect(reading.apollo).toEqual(reading.server);
    const bristol = await bothWays(COUNCIL_SERVICES, { code: BRISTOL });
    expect(bristol.apollo).toEqual(bristol.server);
    // Reading's answer, read back from the cache after Bristol's was written, still says Reading.
    const cached = client.readQuery({ query: parsed(COUNCIL_SERVICES), variables: { code: READING } }) as any;
    expect(cached.council.services.map((s: any) => s.name)).toEqual(['Reading refuse bin', 'Reading food caddy']);

    const together = await bothWays(`{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { id name } } }`);
    expect(together.apollo).toEqual(together.server);
    expect((together.apollo as any).councils[1].services[0].name).toBe('Bristol refuse bin');
  });

  it('gives a postcode\'s properties, their services and next collections as the server sent them', async () => {
    const fixture = await bothWays(`{ postcode(code: "rg1 1aa") { postcode councils { code name
      properties(postcode: "rg1 1aa") { uprn councilCode address { singleLine }
        services { id name frequency { description } }
        nextCollections { date status service { id name type frequency { description } } } } } } }`);
    expect(fixture.apollo).toEqual(fixture.server);
    expect((fixture.apollo as any).postcode.councils[0].properties).toHaveLength(2);

    // Sample streets are collected on different days: one council's "refuse" differs by property, so each
    // variant needs its own id. Two postcodes of one council on one page, with different collection days:
    const candidates: string[] = [];
    for (const [postcode, code] of stack.data.postcodes.entries()) {
      if (code === CARDIFF) candidates.push(postcode);
      if (candidates.length === 12) break;
    }
    const aliases = candidates.map((p, i) => `p${i}: postcode(code: "${p}") { councils { properties(postcode: "${p}") { uprn councilCode services { id frequency { description } } } } }`);
    const probe = (await gql(stack.gateway.graphqlUrl, `{ ${aliases.join('\n')} }`)).data;
    const dayOf = (i: number) => probe[`p${i}`]?.councils[0]?.properties?.[0]?.services?.[0]?.frequency?.description;
    const first = 0;
    const other = candidates.findIndex((_, i) => dayOf(i) && dayOf(i) !== dayOf(first));
    expect(other).toBeGreaterThan(0);
    const two = await bothWays(`{ ${aliases[first]} ${aliases[other]} }`);
    expect(two.apollo).toEqual(two.server);
  });

  it('answers a national services list correctly, and no two different objects share an id in it', async () => {
    const query = `{ councils(collectsWaste: true) { code name services { id name type frequency { description rrule } subscription { required description } } } }`;
    const national = await bothWays(query);
    expect(national.apollo).toEqual(national.server);
    const byId = new Map<string, string>();
    for (const council of (national.server as any).councils) {
      for (const service of council.services) {
        const content = JSON.stringify(service);
        expect(byId.get(service.id) ?? content, `Service ${service.id}`).toBe(content);
        byId.set(service.id, content);
        expect(service.id.startsWith(`${council.code}:`)).toBe(true);
      }
    }
    expect(byId.size).toBeGreaterThan(1000);
    // Earlier answers are still whole in the cache after 361 councils' services were written over them.
    const cached = client.readQuery({ query: parsed(COUNCIL_SERVICES), variables: { code: BRISTOL } }) as any;
    expect(cached.council.services.map((s: any) => s.name)).toEqual(['Bristol refuse bin', 'Bristol food caddy']);
  }, 60_000);

  it('has no subscription root: the standard\'s sign-up type is ServiceSubscription', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{ __schema { subscriptionType { name } types { name } } }`);
    expect(result.data.__schema.subscriptionType).toBeNull();
    const names = result.data.__schema.types.map((t: { name: string }) => t.name);
    expect(names).toContain('ServiceSubscription');
    expect(names).not.toContain('Subscription');
    expect(names).not.toContain('Mutation');
  });
});

/** Every operation in the README's graphql blocks, comments left out. */
function readmeQueries(): string[] {
  const readme = readFileSync(projectPath('README.md'), 'utf8');
  const queries: string[] = [];
  for (const [, block] of readme.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const text = block.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    // An operation runs from the end of the previous one to the close of its top-level braces, so a
    // `query Name($x: ...)` prefix stays with its selection.
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) {
        queries.push(text.slice(start, i + 1).trim());
        start = i + 1;
      }
    }
  }
  return queries;
}

describe('the recommended typePolicies (schema/client-cache.ts)', () => {
  it('run every example query in the README and give the server\'s answers', async () => {
    const recommended = new ApolloClient({ link: new HttpLink({ uri: stack.gateway.graphqlUrl }), cache: new InMemoryCache({ typePolicies: APOLLO_TYPE_POLICIES }) });
    const queries = readmeQueries();
    expect(queries.length).toBeGreaterThanOrEqual(6);
    try {
      for (const query of queries) {
        const { server, apollo } = await bothWays(query, {}, recommended);
        expect(apollo, query).toEqual(server);
      }
    } finally {
      recommended.stop();
    }
  }, 60_000);
});
