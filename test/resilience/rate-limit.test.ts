// Rate limiting per client: a client is its x-api-key, else its IP; over the limit it gets 429 with
// Retry-After and RATE_LIMITED, and other clients are not affected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { silentLogger } from './support/capture-logs.js';

const QUERY = '{ council(code: "E06000038") { code } }';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    // exemptLoopback: false, or this test (on 127.0.0.1) would never be limited.
    gateway: { rateLimit: { capacity: 3, refillPerSecond: 1, exemptLoopback: false }, logger: silentLogger(), metrics: { defaultMetrics: false } },
  });
});
afterAll(async () => stack?.close());

describe('the rate limit', () => {
  it('answers 429 with Retry-After and RATE_LIMITED once a client has used its burst', async () => {
    for (let i = 0; i < 3; i++) expect((await ask(stack.gateway.graphqlUrl, QUERY)).status).toBe(200);
    const limited = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: Number(limited.headers.get('retry-after')) });
    expect(limited.errors?.[0].message).toMatch(/Too many requests/);
  });

  it('gives each API key its own bucket', async () => {
    const keyed = await ask(stack.gateway.graphqlUrl, QUERY, {}, { 'x-api-key': 'council-app-1' });
    expect(keyed.status).toBe(200);
  });

  it('does not limit health checks or metrics', async () => {
    expect((await fetch(`${stack.gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${stack.gateway.url}/metrics`)).status).toBe(200);
  });

  it('lets the client in again once its bucket refills', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    expect((await ask(stack.gateway.graphqlUrl, QUERY)).status).toBe(200);
  });

  it('counts refusals in /metrics', async () => {
    const text = await fetch(`${stack.gateway.url}/metrics`).then((r) => r.text());
    expect(text).toMatch(/^binfo_rate_limited_total [1-9]/m);
    expect(text).toMatch(/^binfo_http_requests_total\{status="429"\} [1-9]/m);
  });
});
