// Where the council router keeps the entities councils answered: in memory by default, or Redis, so that
// several gateway replicas share one cache. One entry is one council's answer for one entity key and one
// selection (see entity-cache-key.ts).

export interface CachedEntity {
  /** The council's answer for one representation, already checked and cut to what the gateway asked. */
  value: unknown;
  /** When the council gave it (epoch milliseconds): how stale it is when served after a failure. */
  storedAt: number;
  /** Until when it may be served without asking the council (epoch milliseconds). */
  freshUntil: number;
}

export interface EntityCacheWrite {
  key: string;
  entry: CachedEntity;
}

export interface EntityCache {
  /** One slot per key, in order; undefined where nothing is kept. Must not throw: a cache that fails is a miss. */
  get(keys: readonly string[]): Promise<Array<CachedEntity | undefined>>;
  /**
   * Keeps the entries for `retainSeconds`: longer than they are fresh, so the last good answer can be served
   * (marked stale) while a council is down. Must not throw.
   */
  set(entries: readonly EntityCacheWrite[], retainSeconds: number): Promise<void>;
  close(): Promise<void>;
}
