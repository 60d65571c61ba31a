// The entity cache in Redis, so that every gateway replica serves what any one of them fetched, and the
// last good answer survives a replica's restart. Redis is an optimisation, never a dependency: a slow or
// absent Redis makes every read a miss within `commandTimeoutMs` and every write a no-op.
import { Redis } from 'ioredis';
import type { CachedEntity, EntityCache, EntityCacheWrite } from './entity-cache.js';

export interface RedisEntityCacheOptions {
  /** e.g. redis://127.0.0.1:6379/0. Ignored when `client` is given. */
  url?: string;
  /** A client the caller owns (and closes). */
  client?: Redis;
  /** Namespaces the keys; bump the version when the entry format changes. */
  keyPrefix?: string;
  /** Longest a cache read or write may hold up a council fetch. */
  commandTimeoutMs?: number;
  onError?: (error: Error) => void;
}

export class RedisEntityCache implements EntityCache {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly onError: (error: Error) => void;

  constructor(options: RedisEntityCacheOptions) {
    this.prefix = options.keyPrefix ?? 'binfo:entity:v1:';
    this.onError = options.onError ?? (() => {});
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      if (!options.url) throw new Error('RedisEntityCache needs a url or a client');
      this.client = new Redis(options.url, {
        commandTimeout: options.commandTimeoutMs ?? 200,
        maxRetriesPerRequest: 1,
        // Commands sent while (re)connecting wait for the connection, but never past commandTimeout.
        enableOfflineQueue: true,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 5000),
      });
      this.ownsClient = true;
    }
    // Without a listener ioredis prints every connection error; ours goes to the gateway's log, rate-limited there.
    this.client.on('error', (error: Error) => this.onError(error));
  }

  /** Resolves once connected: lets a caller (or test) start with a warm connection. */
  async ready(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.client.once('ready', () => resolve());
      this.client.once('end', () => reject(new Error('Redis connection ended before it was ready')));
    });
  }

  async get(keys: readonly string[]): Promise<Array<CachedEntity | undefined>> {
    if (keys.length === 0) return [];
    try {
      const values = await this.client.mget(keys.map((key) => this.prefix + key));
      return values.map((text) => (text === null ? undefined : parseEntry(text)));
    } catch (error) {
      this.onError(error as Error);
      return keys.map(() => undefined);
    }
  }

  async set(entries: readonly EntityCacheWrite[], retainSeconds: number): Promise<void> {
    if (entries.length === 0) return;
    const seconds = Math.max(1, Math.ceil(retainSeconds));
    const pipeline = this.client.pipeline();
    for (const { key, entry } of entries) pipeline.set(this.prefix + key, JSON.stringify(entry), 'EX', seconds);
    try {
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) this.onError(failed[0]);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/** Another replica (or an older version) may have written this key: anything unexpected is a miss. */
function parseEntry(text: string): CachedEntity | undefined {
  try {
    const entry = JSON.parse(text) as CachedEntity;
    return typeof entry?.storedAt === 'number' && typeof entry.freshUntil === 'number' && 'value' in entry ? entry : undefined;
  } catch {
    return undefined;
  }
}
