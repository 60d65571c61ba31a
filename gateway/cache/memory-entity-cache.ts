// The default entity cache: a least-recently-used map in this process (lru-cache), bounded by entries and by
// size. Entries are kept as JSON text: each read is a fresh copy (the gateway merges into entities in place,
// so a shared object would carry one request's merge into the next), and the text's length bounds memory.
import { LRUCache } from 'lru-cache';
import type { CachedEntity, EntityCache, EntityCacheWrite } from './entity-cache.js';

export interface MemoryEntityCacheOptions {
  maxEntries?: number;
  /** Upper bound on the characters of JSON kept, about the bytes held. */
  maxChars?: number;
  /** Wall-clock milliseconds; retention is measured with it (so tests can move time). */
  now?: () => number;
}

export class MemoryEntityCache implements EntityCache {
  private readonly slots: LRUCache<string, string>;

  constructor(options: MemoryEntityCacheOptions = {}) {
    const maxChars = options.maxChars ?? 64 * 1024 * 1024;
    const now = options.now ?? Date.now;
    this.slots = new LRUCache<string, string>({
      max: options.maxEntries ?? 20_000,
      maxSize: maxChars,
      // One answer bigger than a tenth of the cache would push out everything else: not kept.
      maxEntrySize: Math.floor(maxChars / 10),
      sizeCalculation: (json) => Math.max(1, json.length),
      ttlAutopurge: false,
      // Read the clock on every check: lru-cache otherwise caches it for a millisecond.
      ttlResolution: 0,
      perf: { now },
    });
  }

  get size(): number {
    return this.slots.size;
  }

  async get(keys: readonly string[]): Promise<Array<CachedEntity | undefined>> {
    return keys.map((key) => {
      const json = this.slots.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as CachedEntity);
    });
  }

  async set(entries: readonly EntityCacheWrite[], retainSeconds: number): Promise<void> {
    for (const { key, entry } of entries) this.slots.set(key, JSON.stringify(entry), { ttl: retainSeconds * 1000 });
  }

  async close(): Promise<void> {
    this.slots.clear();
  }
}
