// Random and malformed requests against the gateway over HTTP (fast-check, bounded runs): whatever a client
// sends (queries, variables, postcodes, dates, bodies), the gateway never answers 5xx, never crashes, and
// every error it returns carries a stable extensions.code.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from './support/capture-logs.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { rateLimit: false, logger: silentLogger(), metrics: false } });
});
afterAll(async () => stack?.close());

const TEMPLATES: Array<(p: string, d1: string, d2: string, code: string) => string> = [
  (p) => `{ postcode(code: ${p}) { postcode coverage councils { code name } notice } }`,
  (p, d1, d2) => `{ postcode(code: ${p}) { councils { properties(postcode: ${p}) { uprn collections(from: ${d1}, to: ${d2}) { date status } } } } }`,
  (_p, d1) => `{ disruptions(activeOn: ${d1}) { id } }`,
  (_p, d1, d2, code) => `{ council(code: ${code}) { code services { name } disruptions(activeOn: ${d1}) { id } properties(postcode: ${d2}) { uprn } } }`,
  (_p, d1, _d2, code) => `{ property(councilCode: ${code}, uprn: ${d1}) { uprn nextCollections { date } } }`,
  (p, _d1, _d2, code) => `{ councils(codes: [${code}, ${p}]) { code services { type } } }`,
];

/** A GraphQL literal of any JSON value: strings (often not valid postcodes or dates), numbers, null, lists. */
const literal = fc.oneof(
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('"RG1 1AA"', '"rg11aa"', '"BT1 5GS"', '"ZZ9 9ZZ"', '"2026-12-01"', '"2026-02-30"', '"27/11/2026"', '"E06000038"', '"E99999999"', '""'),
  fc.date({ noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString().slice(0, 10))),
  fc.integer().map(String),
  fc.constant('null'),
  fc.constant('$undeclared'),
);

const templated = fc.record({ template: fc.nat(TEMPLATES.length - 1), p: literal, d1: literal, d2: literal, code: literal }).map(({ template, p, d1, d2, code }) => ({
  kind: 'json' as const,
  body: { query: TEMPLATES[template](p, d1, d2, code) },
}));

const withVariables = fc.record({ variables: fc.dictionary(fc.constantFrom('p', 'd', 'c', 'x'), fc.jsonValue()) }).map(({ variables }) => ({
  kind: 'json' as const,
  body: {
    query: 'query($p: String!, $d: Date, $c: ID!) { postcode(code: $p) { postcode } council(code: $c) { disruptions(activeOn: $d) { id } } }',
    variables,
  },
}));

/** A valid query with characters cut out or inserted: mostly syntax errors, some still valid. */
const mutated = fc
  .record({ template: fc.nat(TEMPLATES.length - 1), at: fc.nat(), cut: fc.nat(5), insert: fc.string({ maxLength: 5 }) })
  .map(({ template, at, cut, insert }) => {
    const query = TEMPLATES[template]('"RG1 1AA"', '"2026-12-01"', '"2026-12-14"', '"E06000038"');
    const i = at % query.length;
    return { kind: 'json' as const, body: { query: query.slice(0, i) + insert + query.slice(i + cut) } };
  });

const arbitraryJson = fc.record({ body: fc.jsonValue() }).map(({ body }) => ({ kind: 'json' as const, body }));
const rawText = fc.string({ maxLength: 200 }).map((text) => ({ kind: 'raw' as const, text }));
const getRequest = fc.record({ query: fc.string({ maxLength: 100 }), variables: fc.string({ maxLength: 50 }) }).map((search) => ({ kind: 'get' as const, search }));

const request: fc.Arbitrary<FuzzRequest> = fc.oneof(templated, templated, withVariables, mutated, arbitraryJson, rawText, getRequest);

type FuzzRequest = { kind: 'json'; body: unknown } | { kind: 'raw'; text: string } | { kind: 'get'; search: Record<string, string> };

async function send(req: FuzzRequest): Promise<Response> {
  const url = stack.gateway.graphqlUrl;
  const headers = { 'content-type': 'application/json', 'apollo-require-preflight': 'true' };
  if (req.kind === 'get') return fetch(`${url}?${new URLSearchParams(req.search)}`, { headers: { 'apollo-require-preflight': 'true' } });
  return fetch(url, { method: 'POST', headers, body: req.kind === 'raw' ? req.text : JSON.stringify(req.body) });
}

describe('the gateway under random and malformed requests', () => {
  it('never answers 5xx, and every error has a code', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const response = await send(req);
        const text = await response.text();
        expect(response.status, text).toBeLessThan(500);
        const body = JSON.parse(text);
        for (const error of body.errors ?? []) {
          expect(typeof error.extensions?.code, JSON.stringify(error)).toBe('string');
          // A masked INTERNAL_SERVER_ERROR would still be "a code", but it means a bug: none is expected here.
          expect(error.extensions.code, JSON.stringify({ req, error })).not.toBe('INTERNAL_SERVER_ERROR');
        }
      }),
      { numRuns: 200, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    // Still up, and still right.
    expect((await fetch(`${stack.gateway.url}/health`)).status).toBe(200);
    const check = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ postcode(code: "RG1 1AA") { councils { code services { name } } } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(check.data.postcode.councils[0].code).toBe('E06000038');
    expect(check.errors).toBeUndefined();
  });
});
