// Token buckets per client, in memory: each client may burst up to `capacity` requests, refilled at
// `refillPerSecond`. Buckets are kept in least-recently-used order and bounded in number; a client pushed
// out starts again with a full bucket, which at worst allows one extra burst.

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
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly maxClients = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  take(client: string, rule: BucketRule): TakeResult {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: rule.capacity, updatedAt: now };
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const waitSeconds = rule.refillPerSecond > 0 ? (1 - bucket.tokens) / rule.refillPerSecond : 3600;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
