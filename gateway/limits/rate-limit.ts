// Rate limiting per client before any GraphQL work. A client is its API key only when the key is one the
// gateway issued (verified against the key store, see api-keys.ts): such a client gets a bucket of its own,
// larger by default. Any other key is treated as no key, and the client is its IP address, so a new random
// `x-api-key` per request buys nothing. Over the limit, the answer is 429 with `Retry-After` (whole seconds)
// and a GraphQL-shaped body whose extensions.code is RATE_LIMITED.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../lib/http/apollo-handler.js';
import { ErrorCode } from '../../schema/error-codes.js';
import type { ApiKeyVerifier } from './api-keys.js';
import { TokenBuckets, type BucketRule } from './token-bucket.js';

export interface RateLimitOptions {
  /** Requests a client may make at once. */
  capacity?: number;
  /** Requests per second a client earns back. */
  refillPerSecond?: number;
  /** The rule of a client with a verified API key; default 1,000 at once, 100 a second. */
  apiKey?: Partial<BucketRule>;
  /** A different rule per client; `undefined` uses the rule above for its kind. */
  ruleFor?: (client: ClientIdentity) => BucketRule | undefined;
  /** Use the first X-Forwarded-For address as the client IP: only behind a proxy that sets it. */
  trustProxy?: boolean;
  /**
   * Leave clients on this machine (loopback) unlimited; default true. Local tools, health checks and the
   * test suites would otherwise share one bucket, and so would every client behind a reverse proxy on the
   * same host, which should set `trustProxy` so that each client is its own X-Forwarded-For address.
   */
  exemptLoopback?: boolean;
  /** Buckets kept (least recently used dropped); default 100,000. */
  maxClients?: number;
}

export const DEFAULT_RATE_LIMIT: BucketRule = { capacity: 100, refillPerSecond: 10 };
export const DEFAULT_API_KEY_RATE_LIMIT: BucketRule = { capacity: 1000, refillPerSecond: 100 };

export interface ClientIdentity {
  kind: 'api-key' | 'ip';
  /** The bucket's key: `key:<client name>` or `ip:<address>`. */
  id: string;
  /** Safe to log: the IP, or the key's client name. */
  label: string;
  /** The client's IP address (always known, whatever the kind). */
  ip: string;
}

/** Who is asking: a verified API key's client, else the IP address (X-Forwarded-For only from a trusted proxy). */
export function identifyClient(req: IncomingMessage, trustProxy = false, apiKeys?: ApiKeyVerifier): ClientIdentity {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  const ip = forwarded || req.socket.remoteAddress || 'unknown';
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const verified = key && apiKeys ? apiKeys.verify(key) : null;
  if (verified) return { kind: 'api-key', id: `key:${verified.name}`, label: `key:${verified.name}`, ip };
  return { kind: 'ip', id: `ip:${ip}`, label: ip, ip };
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || /^(::ffff:)?127\./.test(ip);
}

export class RateLimiter {
  private readonly buckets: TokenBuckets;
  private readonly rule: BucketRule;
  private readonly apiKeyRule: BucketRule;

  constructor(private readonly options: RateLimitOptions = {}) {
    this.rule = { capacity: options.capacity ?? DEFAULT_RATE_LIMIT.capacity, refillPerSecond: options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond };
    this.apiKeyRule = { ...DEFAULT_API_KEY_RATE_LIMIT, ...options.apiKey };
    for (const [name, rule] of [['rateLimit', this.rule], ['rateLimit.apiKey', this.apiKeyRule]] as const) {
      if (!(rule.capacity >= 1) || !(rule.refillPerSecond >= 0)) throw new Error(`${name} needs capacity >= 1 and refillPerSecond >= 0; got ${JSON.stringify(rule)}`);
    }
    this.buckets = new TokenBuckets(options.maxClients);
  }

  /** True when the request may go on; otherwise the 429 has been sent. */
  admit(client: ClientIdentity, res: ServerResponse): boolean {
    // A verified key is limited wherever it comes from; an anonymous client on this machine is not.
    if (client.kind === 'ip' && (this.options.exemptLoopback ?? true) && isLoopback(client.ip)) return true;
    const rule = this.options.ruleFor?.(client) ?? (client.kind === 'api-key' ? this.apiKeyRule : this.rule);
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
