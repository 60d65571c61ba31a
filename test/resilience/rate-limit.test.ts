// Rate limiting per client: a client is its API key only when the gateway issued that key, else its IP; over
// the limit it gets 429 with Retry-After and RATE_LIMITED, and other clients are not affected. A new random
// x-api-key per request is no way round it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../gateway/limits/api-keys.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { silentLogger } from './support/capture-logs.js';

const QUERY = '{ council(code: "E06000038") { code } }';
const OPERATOR = { authorization: 'Bearer operator-token' };
let stack: LocalStack;
const keysDb = join(mkdtempSync(join(tmpdir(), 'binfo-api-keys-')), 'api-keys.sqlite');
let keys: ApiKeyStore;
let issuedKey: string;
/** Each test is another client, told apart by X-Forwarded-For (the gateway trusts it here, as behind a proxy). */
const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...headers });

beforeAll(async () => {
  keys = ApiKeyStore.open(keysDb);
  issuedKey = keys.issue('reading-my-area');
  stack = await startLocalStack({
    port: 0,
    gateway: {
      // exemptLoopback: false, or this test (on 127.0.0.1) would never be limited.
      rateLimit: { capacity: 3, refillPerSecond: 1, apiKey: { capacity: 20, refillPerSecond: 1 }, exemptLoopback: false, trustProxy: true },
      apiKeys: keys,
      logger: silentLogger(),
      metrics: { defaultMetrics: false, bearerToken: 'operator-token' },
    },
  });
});
afterAll(async () => {
  await stack?.close();
  keys?.close();
});

describe('the rate limit', () => {
  it('answers 429 with Retry-After and RATE_LIMITED once a client has used its burst', async () => {
    for (let i = 0; i < 3; i++) expect((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.1'))).status).toBe(200);
    const limited = await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.1'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: Number(limited.headers.get('retry-after')) });
    expect(limited.errors?.[0].message).toMatch(/Too many requests/);
  });

  it('meets a client sending a new random x-api-key with every request with 429s: a made-up key is no key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const key = `binfo_key_${randomBytes(32).toString('base64url')}`;
      statuses.push((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.2', { 'x-api-key': key }))).status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(250);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  it('gives an issued key its own, larger bucket, which another client’s flood from the same address does not touch', async () => {
    const flooder = from('198.51.100.3');
    for (let i = 0; i < 10; i++) await ask(stack.gateway.graphqlUrl, QUERY, {}, { ...flooder, 'x-api-key': `binfo_key_${randomBytes(32).toString('base64url')}` });
    expect((await ask(stack.gateway.graphqlUrl, QUERY, {}, flooder)).status).toBe(429);
    const keyed = [];
    for (let i = 0; i < 10; i++) keyed.push((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.3', { 'x-api-key': issuedKey }))).status);
    expect(keyed).toEqual(Array(10).fill(200));
  });

  it('stops counting a revoked key as a key', async () => {
    const other = keys.issue('revoked-app');
    expect((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.4', { 'x-api-key': other }))).status).toBe(200);
    keys.revoke('revoked-app');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.4', { 'x-api-key': other }))).status);
    expect(statuses).toEqual([200, 200, 200, 429]); // the address's own bucket of 3
  });

  it('does not limit health checks or metrics', async () => {
    expect((await fetch(`${stack.gateway.url}/health`, { headers: from('198.51.100.1') })).status).toBe(200);
    expect((await fetch(`${stack.gateway.url}/metrics`, { headers: { ...from('198.51.100.1'), ...OPERATOR } })).status).toBe(200);
  });

  it('lets the client in again once its bucket refills', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    expect((await ask(stack.gateway.graphqlUrl, QUERY, {}, from('198.51.100.1'))).status).toBe(200);
  });

  it('counts refusals in /metrics', async () => {
    const text = await fetch(`${stack.gateway.url}/metrics`, { headers: OPERATOR }).then((r) => r.text());
    expect(text).toMatch(/^binfo_rate_limited_total [1-9]/m);
    expect(text).toMatch(/^binfo_http_requests_total\{status="429"\} [1-9]/m);
  });
});

describe('API keys', () => {
  it('are shown once, stored only as hashes, and verified by the store that issued them', () => {
    const key = keys.issue('researcher');
    expect(key).toMatch(/^binfo_key_[A-Za-z0-9_-]{43}$/);
    expect(keys.verify(key)).toEqual({ name: 'researcher' });
    expect(keys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(keys.verify('researcher')).toBeNull();
    const files = [keysDb, `${keysDb}-wal`].filter(existsSync).map((file) => readFileSync(file).toString('latin1'));
    expect(files.join('')).toContain('researcher');
    expect(files.join('')).not.toContain(key.slice(10));
  });

  it('refuse a client name a log could not show plainly', () => {
    expect(() => keys.issue('Reading My Area')).toThrow(/not a usable client name/);
  });
});
