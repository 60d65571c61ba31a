// Token buckets per client, in memory: each client may burst up to `capacity` requests, refilled at
// `refillPerSecond`. Buckets are kept in a least-recently-used cache (lru-cache) bounded in number; a client
// pushed out starts again with a full bucket, which at worst allows one extra burst.
import { LRUCache } from 'lru-cache';

export interface BucketRule {
  capacity: number;
  refillPerSecond: number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    maxClients = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buckets = new LRUCache({ max: maxClients });
  }

  get size(): number {
    return this.buckets.size;
  }

  take(client: string, rule: BucketRule): TakeResult {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = { tokens: rule.capacity, updatedAt: now };
      this.buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.refillPerSecond);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const waitSeconds = rule.refillPerSecond > 0 ? (1 - bucket.tokens) / rule.refillPerSecond : 3600;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
