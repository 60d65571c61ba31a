// Per-key cache of back-office answers with a time to live. Concurrent asks for one key share one
// request; an expired answer is kept as a fallback, so when the back office is down the last good
// answer is served (marked stale) rather than nothing.

export interface Cached<V> {
  value: V;
  fetchedAt: number;
  /** True when a fresh read failed and this older value stands in. */
  stale: boolean;
  /** Why the fresh read failed, when `stale`. */
  error?: unknown;
}

export interface ResponseCacheOptions {
  ttlMs: number;
  /** Oldest entries are dropped beyond this. */
  maxEntries?: number;
  now?: () => number;
}

export class ResponseCache<V> {
  private readonly entries = new Map<string, { value: V; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<Cached<V>>>();
  private readonly now: () => number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The cached value while fresh; otherwise `load()`, falling back to the expired value if it fails. */
  get(key: string, load: () => Promise<V>): Promise<Cached<V>> {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.fetchedAt < this.options.ttlMs) return Promise.resolve({ ...entry, stale: false });
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refresh(key, load).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Makes every entry due for a re-read, keeping them as fallbacks (an on-demand refresh). */
  expireAll(): void {
    for (const entry of this.entries.values()) entry.fetchedAt = -Infinity;
  }

  /** The last good value for a key, fresh or not, without reading anything. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  get size(): number {
    return this.entries.size;
  }

  private async refresh(key: string, load: () => Promise<V>): Promise<Cached<V>> {
    try {
      const value = await load();
      const fetchedAt = this.now();
      this.entries.delete(key); // re-insert: Map order is the eviction order
      this.entries.set(key, { value, fetchedAt });
      this.evict();
      return { value, fetchedAt, stale: false };
    } catch (error) {
      const previous = this.entries.get(key);
      if (previous) return { ...previous, stale: true, error };
      throw error;
    }
  }

  private evict(): void {
    const max = this.options.maxEntries ?? 10_000;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}
