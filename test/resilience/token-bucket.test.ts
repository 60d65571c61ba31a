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

  const keys = { verify: (key: string) => (key === 'binfo_key_known' ? { name: 'reading-my-area' } : null) };

  it('is its API key’s client when the key is verified, named in logs by that name, never by the key', () => {
    const client = identifyClient(request({ 'x-api-key': 'binfo_key_known' }), false, keys);
    expect(client).toMatchObject({ kind: 'api-key', id: 'key:reading-my-area', label: 'key:reading-my-area', ip: '203.0.113.7' });
  });

  it('is its IP when the key is unknown, or when no key store is configured: a made-up key is no key', () => {
    expect(identifyClient(request({ 'x-api-key': 'binfo_key_made_up' }), false, keys)).toMatchObject({ kind: 'ip', id: 'ip:203.0.113.7' });
    expect(identifyClient(request({ 'x-api-key': 'binfo_key_known' }))).toMatchObject({ kind: 'ip', id: 'ip:203.0.113.7' });
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
