// Rate limiting per client before any GraphQL work: a client is its `x-api-key` when it sends one, else its
// IP address. Over the limit, the answer is 429 with `Retry-After` (whole seconds) and a GraphQL-shaped body
// whose extensions.code is RATE_LIMITED.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../lib/http/apollo-handler.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { TokenBuckets, type BucketRule } from './token-bucket.js';

export interface RateLimitOptions {
  /** Requests a client may make at once. */
  capacity?: number;
  /** Requests per second a client earns back. */
  refillPerSecond?: number;
  /** A different rule per client (e.g. more for a known API key); `undefined` uses the default rule. */
  ruleFor?: (client: ClientIdentity) => BucketRule | undefined;
  /** Use the first X-Forwarded-For address as the client IP: only behind a proxy that sets it. */
  trustProxy?: boolean;
  /**
   * Leave clients on this machine (loopback) unlimited; default true. Local tools, health checks and the
   * test suites would otherwise share one bucket, and so would every client behind a reverse proxy on the
   * same host, which should set `trustProxy` so that each client is its own X-Forwarded-For address.
   */
  exemptLoopback?: boolean;
  maxClients?: number;
}

export const DEFAULT_RATE_LIMIT: BucketRule = { capacity: 100, refillPerSecond: 10 };

export interface ClientIdentity {
  kind: 'api-key' | 'ip';
  /** The API key or the IP address: the bucket's key. Never logged as is (see `label`). */
  id: string;
  /** Safe to log: the IP, or a short hash of the key. */
  label: string;
  /** The client's IP address, when identified by it. */
  ip?: string;
}

export function identifyClient(req: IncomingMessage, trustProxy = false): ClientIdentity {
  const apiKey = req.headers['x-api-key'];
  const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  if (key) return { kind: 'api-key', id: `key:${key}`, label: `key:${createHash('sha256').update(key).digest('hex').slice(0, 12)}` };
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  const ip = forwarded || req.socket.remoteAddress || 'unknown';
  return { kind: 'ip', id: `ip:${ip}`, label: ip, ip };
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || /^(::ffff:)?127\./.test(ip);
}

export class RateLimiter {
  private readonly buckets: TokenBuckets;
  private readonly rule: BucketRule;

  constructor(private readonly options: RateLimitOptions = {}) {
    this.rule = { capacity: options.capacity ?? DEFAULT_RATE_LIMIT.capacity, refillPerSecond: options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond };
    if (!(this.rule.capacity >= 1) || !(this.rule.refillPerSecond >= 0)) {
      throw new Error(`rateLimit needs capacity >= 1 and refillPerSecond >= 0; got ${JSON.stringify(this.rule)}`);
    }
    this.buckets = new TokenBuckets(options.maxClients);
  }

  /** True when the request may go on; otherwise the 429 has been sent. */
  admit(client: ClientIdentity, res: ServerResponse): boolean {
    if ((this.options.exemptLoopback ?? true) && client.ip && isLoopback(client.ip)) return true;
    const rule = this.options.ruleFor?.(client) ?? this.rule;
    const result = this.buckets.take(client.id, rule);
    if (result.allowed) return true;
    sendJson(
      res,
      429,
      { errors: [{ message: `Too many requests. Try again in ${result.retryAfterSeconds} s.`, extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: result.retryAfterSeconds } }] },
      { 'retry-after': String(result.retryAfterSeconds) },
    );
    return false;
  }
}
