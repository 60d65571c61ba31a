// The clients front-end teams use, with their default settings, against a real gateway over HTTP on
// 127.0.0.1: Apollo Client 4 (HttpLink, default InMemoryCache), urql (its default sends queries as GET) and
// graphql-request. Each runs every example query of the README and must get exactly what the graph answers
// to a plain POST, with no error and no special header.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql as apolloGql } from '@apollo/client/core';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client as UrqlClient, cacheExchange, fetchExchange, gql as urqlGql } from '@urql/core';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { readmeQueries } from './readme-queries.js';

const QUERIES = readmeQueries();
/** [a one-line name for the test, the query]. */
const CASES = QUERIES.map((query) => [query.replace(/\s+/g, ' ').slice(0, 90), query] as const);
let stack: LocalStack;
/** What the graph answers to a plain JSON POST, per query: what every client must see. */
const expected = new Map<string, unknown>();

/** A client's answer without the `__typename` Apollo Client and urql add to every selection. */
function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '__typename').map(([key, v]) => [key, withoutTypename(v)]));
  }
  return value;
}

/** The real fetch, noting each request's method and headers. */
function recordingFetch(seen: Array<{ method: string; headers: Headers }>): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    seen.push({ method: request.method, headers: request.headers });
    return fetch(request);
  };
}

beforeAll(async () => {
  // Fifteen seconds a council: a national fan-out on a busy two-core machine (real councils get 2 s).
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { logger: silentLogger(), metrics: false } });
  for (const query of QUERIES) {
    const response = await fetch(stack.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = await response.json();
    expect(body.errors, query).toBeUndefined();
    expected.set(query, body.data);
  }
}, 120_000);
afterAll(async () => stack?.close());

it('finds the README’s example queries', () => {
  expect(QUERIES.length).toBeGreaterThanOrEqual(5);
  expect(QUERIES.some((query) => query.includes('councils(collectsWaste: true)'))).toBe(true);
});

describe('Apollo Client 4 (HttpLink, default InMemoryCache)', () => {
  it.each(CASES)('%s', async (_name, query) => {
    const seen: Array<{ method: string; headers: Headers }> = [];
    const client = new ApolloClient({ link: new HttpLink({ uri: stack.gateway.graphqlUrl, fetch: recordingFetch(seen) }), cache: new InMemoryCache() });
    try {
      const result = await client.query({ query: apolloGql(query) });
      expect(result.error).toBeUndefined();
      expect(withoutTypename(result.data)).toEqual(expected.get(query));
      expect(seen.map((request) => request.method)).toEqual(['POST']);
    } finally {
      client.stop();
    }
  });

  it('with automatic persisted queries over GET (PersistedQueryLink, useGETForHashedQueries)', async () => {
    const seen: Array<{ method: string; headers: Headers }> = [];
    const sha256 = async (text: string) => createHash('sha256').update(text).digest('hex');
    const link = new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(new HttpLink({ uri: stack.gateway.graphqlUrl, fetch: recordingFetch(seen) }));
    const query = QUERIES[0];
    for (let i = 0; i < 2; i++) {
      const client = new ApolloClient({ link, cache: new InMemoryCache() });
      try {
        const result = await client.query({ query: apolloGql(query) });
        expect(result.error).toBeUndefined();
        expect(withoutTypename(result.data)).toEqual(expected.get(query));
      } finally {
        client.stop();
      }
    }
    // The first time: the hash alone (unknown), then hash and text; the second time: the hash alone.
    expect(seen.map((request) => request.method)).toEqual(['GET', 'POST', 'GET']);
  });
});

describe('urql core (default: queries as GET within the URL limit)', () => {
  it.each(CASES)('%s', async (_name, query) => {
    const seen: Array<{ method: string; headers: Headers }> = [];
    const client = new UrqlClient({ url: stack.gateway.graphqlUrl, exchanges: [cacheExchange, fetchExchange], fetch: recordingFetch(seen) });
    const result = await client.query(urqlGql(query), {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(withoutTypename(result.data)).toEqual(expected.get(query));
    expect(seen[0].method).toBe('GET');
    expect(seen[0].headers.get('apollo-require-preflight')).toBeNull();
  });
});

describe('graphql-request (default POST)', () => {
  it.each(CASES)('%s', async (_name, query) => {
    const client = new GraphQLClient(stack.gateway.graphqlUrl);
    expect(await client.request(query)).toEqual(expected.get(query));
  });
});
