// Operation limits answer with clear errors and stable codes: too deep, too many aliases, too many tokens,
// too many councils, a body too big, a body that is not JSON; masking stays on (CSRF prevention stays on the council host).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { silentLogger } from './support/capture-logs.js';

let stack: LocalStack;
let url: string;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    gateway: {
      limits: { maxDepth: 5, maxAliases: 3, maxTokens: 200, maxBodyBytes: 4000, maxCouncilsPerOperation: 3 },
      rateLimit: false,
      logger: silentLogger(),
      metrics: false,
    },
  });
  url = stack.gateway.graphqlUrl;
});
afterAll(async () => stack?.close());

const codes = (n: number) => [...stack.endpoints.keys()].slice(0, n).map((c) => `"${c}"`).join(', ');

describe('operation limits', () => {
  it('refuses an operation nested deeper than the limit with OPERATION_TOO_LARGE', async () => {
    const result = await ask(url, '{ postcode(code: "NG4 3HS") { councils { parent { children { parent { children { code } } } } } } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_TOO_LARGE', limit: 5 });
    expect(result.errors?.[0].message).toMatch(/nests 7 fields deep; at most 5/);
  });

  it('accepts an operation at the depth limit', async () => {
    const result = await ask(url, '{ postcode(code: "NG4 3HS") { councils { parent { children { code } } } } }');
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });

  it('counts aliases through fragments, each use counting', async () => {
    const result = await ask(url, 'query { a: council(code: "E06000038") { ...F } b: council(code: "E06000023") { ...F } } fragment F on Council { x: name y: code }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_TOO_LARGE', limit: 3 });
    expect(result.errors?.[0].message).toMatch(/6 aliases; at most 3/);
  });

  it('refuses a document with too many tokens, parsing no further', async () => {
    const fields = Array.from({ length: 250 }, () => 'code').join(' ');
    const result = await ask(url, `{ council(code: "E06000038") { ${fields} } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_TOO_LARGE', limit: 200 });
    expect(result.errors?.[0].message).toMatch(/more than 200 tokens/);
  });

  it('caps the councils one operation fans out to, and allows up to the cap', async () => {
    const within = await ask(url, `{ councils(codes: [${codes(3)}]) { code services { name } } }`);
    expect(within.errors).toBeUndefined();
    const over = await ask(url, `{ councils(codes: [${codes(4)}]) { code services { name } } }`);
    expect(over.status).toBe(200);
    expect(over.data.councils.map((c: any) => c.services)).toEqual([null, null, null, null]);
    expect(over.data.councils.every((c: any) => typeof c.code === 'string')).toBe(true);
    expect(over.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_TOO_LARGE', limit: 3 });
    expect(over.errors?.[0].message).toMatch(/would ask 4 councils; one operation may ask at most 3/);
  });

  it('refuses a request body over the limit with 413', async () => {
    const result = await ask(url, `{ council(code: "E06000038") { code } }`, { padding: 'x'.repeat(5000) });
    expect(result.status).toBe(413);
    expect(result.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON with 400 BAD_REQUEST', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers a simple GET with no preflight header on the read graph (no ambient credentials: no CSRF to prevent), while the council host keeps CSRF prevention', async () => {
    const query = encodeURIComponent('{ council(code: "E06000038") { code } }');
    const response = await fetch(`${url}?query=${query}`);
    expect(response.status).toBe(200);
    const council = await fetch(`${stack.councilHost.councilUrl('E06000038')}?query=${encodeURIComponent('{ __typename }')}`);
    expect(council.status).toBe(400);
    expect((await council.json()).errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });
});

describe('the default limits', () => {
  it('let a national query over every registered council through', async () => {
    // All ~361 councils share one in-process host here, so on a busy machine some would pass the 2 s
    // timeout: this test is about the limit, so it gives them room.
    const national = await startLocalStack({
      port: 0,
      endpoints: (endpoints) => new Map([...endpoints].map(([code, endpoint]) => [code, { ...endpoint, timeoutMs: 20_000 }])),
      gateway: { logger: silentLogger(), metrics: false },
    });
    try {
      const result = await ask(national.gateway.graphqlUrl, '{ councils(collectsWaste: true) { code services { id } } }');
      expect(result.errors).toBeUndefined();
      expect(result.data.councils.length).toBe(national.endpoints.size);
    } finally {
      await national.close();
    }
  });
});
