// The store of automatic persisted queries (APQ: a client sends a query's SHA-256, and its text only the
// first time), so GET URLs stay short for long queries. Bounded (lru-cache, by entries and by characters),
// so a flood of registrations of one-off queries pushes out old entries rather than filling memory; a query
// pushed out is simply registered again by its client (PersistedQueryNotFound, then hash and text).
import type { PersistedQueryOptions } from '@apollo/server';
import { LRUCache } from 'lru-cache';

export interface PersistedQueryCacheOptions {
  /** Default 10,000 queries. */
  maxEntries?: number;
  /** Default 16 MiB of query text (counted in UTF-16 code units, as held). */
  maxChars?: number;
}

type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

export function persistedQueryCache(options: PersistedQueryCacheOptions = {}): KeyValueCache {
  const queries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxChars ?? 16 * 1024 * 1024,
    sizeCalculation: (query, key) => query.length + key.length,
  });
  return {
    async get(key) {
      return queries.get(key);
    },
    async set(key, value, setOptions) {
      // Apollo's ttl is in seconds; lru-cache's in ms. null or absent: no expiry.
      const ttl = setOptions?.ttl ? setOptions.ttl * 1000 : undefined;
      queries.set(key, value, ttl ? { ttl } : undefined);
    },
    async delete(key) {
      return queries.delete(key);
    },
  };
}
