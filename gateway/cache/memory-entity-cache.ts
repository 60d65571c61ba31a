// The default entity cache: a least-recently-used map in this process, bounded by entries and by size.
// Entries are kept as JSON text: each read is a fresh copy (the gateway merges into entities in place,
// so a shared object would carry one request's merge into the next), and the text's length bounds memory.
import type { CachedEntity, EntityCache, EntityCacheWrite } from './entity-cache.js';

export interface MemoryEntityCacheOptions {
  maxEntries?: number;
  /** Upper bound on the characters of JSON kept, about the bytes held. */
  maxChars?: number;
  now?: () => number;
}

interface Slot {
  json: string;
  expiresAt: number;
}

export class MemoryEntityCache implements EntityCache {
  private readonly slots = new Map<string, Slot>();
  private chars = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly now: () => number;

  constructor(options: MemoryEntityCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 20_000;
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.slots.size;
  }

  async get(keys: readonly string[]): Promise<Array<CachedEntity | undefined>> {
    const now = this.now();
    return keys.map((key) => {
      const slot = this.slots.get(key);
      if (!slot) return undefined;
      this.slots.delete(key);
      if (slot.expiresAt <= now) {
        this.chars -= slot.json.length;
        return undefined;
      }
      this.slots.set(key, slot); // most recently used goes last
      return JSON.parse(slot.json) as CachedEntity;
    });
  }

  async set(entries: readonly EntityCacheWrite[], retainSeconds: number): Promise<void> {
    const expiresAt = this.now() + retainSeconds * 1000;
    for (const { key, entry } of entries) {
      const json = JSON.stringify(entry);
      // One answer bigger than a tenth of the cache would push out everything else: not kept.
      if (json.length > this.maxChars / 10) continue;
      this.remove(key);
      this.slots.set(key, { json, expiresAt });
      this.chars += json.length;
    }
    this.evict();
  }

  async close(): Promise<void> {
    this.slots.clear();
    this.chars = 0;
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.chars -= slot.json.length;
  }

  private evict(): void {
    for (const key of this.slots.keys()) {
      if (this.slots.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.remove(key);
    }
  }
}
