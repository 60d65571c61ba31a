import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { identifyClient, RateLimiter } from '../../gateway/limits/rate-limit.js';
import { TokenBuckets } from '../../gateway/limits/token-bucket.js';

const rule = { capacity: 2, refillPerSecond: 0.5 };

describe('token buckets', () => {
  it('allows a burst of `capacity`, then says when the next token comes', () => {
    let now = 0;
    const buckets = new TokenBuckets(10, () => now);
    expect(buckets.take('a', rule).allowed).toBe(true);
    expect(buckets.take('a', rule).allowed).toBe(true);
    expect(buckets.take('a', rule)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    now = 2000;
    expect(buckets.take('a', rule).allowed).toBe(true);
  });

  it('keeps clients apart', () => {
    const buckets = new TokenBuckets(10, () => 0);
    buckets.take('a', rule);
    buckets.take('a', rule);
    expect(buckets.take('b', rule).allowed).toBe(true);
  });

  it('is bounded in clients', () => {
    const buckets = new TokenBuckets(3, () => 0);
    for (const client of ['a', 'b', 'c', 'd', 'e']) buckets.take(client, rule);
    expect(buckets.size).toBe(3);
  });
});

describe('who a client is', () => {
  const request = (headers: Record<string, string>, remoteAddress = '203.0.113.7') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it('is its API key when it sends one, never logged as is', () => {
    const client = identifyClient(request({ 'x-api-key': 'secret-key' }));
    expect(client).toMatchObject({ kind: 'api-key', id: 'key:secret-key' });
    expect(client.label).not.toContain('secret');
  });

  it('is its IP otherwise; X-Forwarded-For only when a proxy is trusted', () => {
    expect(identifyClient(request({ 'x-forwarded-for': '198.51.100.1' })).id).toBe('ip:203.0.113.7');
    expect(identifyClient(request({ 'x-forwarded-for': '198.51.100.1, 10.0.0.1' }), true).id).toBe('ip:198.51.100.1');
  });

  it('on this machine (loopback) is not limited unless asked', () => {
    const sent: number[] = [];
    const res = { writeHead: (status: number) => sent.push(status), end: () => {} } as unknown as ServerResponse;
    const local = identifyClient(request({}, '::ffff:127.0.0.1'));
    const exempt = new RateLimiter({ capacity: 1, refillPerSecond: 0 });
    expect([1, 2, 3].map(() => exempt.admit(local, res))).toEqual([true, true, true]);
    const strict = new RateLimiter({ capacity: 1, refillPerSecond: 0, exemptLoopback: false });
    expect([1, 2].map(() => strict.admit(local, res))).toEqual([true, false]);
    expect(sent).toEqual([429]);
  });
});
