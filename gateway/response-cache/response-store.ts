// The bytes of whole GraphQL responses, by request key: a least-recently-used cache (lru-cache) bounded by
// entries and by bytes, each entry with its own expiry and the council endpoints it was answered from.
// Expiry is checked against the caller's clock (`now`), so it is tested without waiting.
import { LRUCache } from 'lru-cache';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Epoch ms after which the entry is not served. */
  expiresAt: number;
  /** Epoch ms when the request that made it began: a council's data changed since then makes it unservable (absent: any change). */
  startedAt?: number;
  /** Council code -> the endpoint URL it was asked at (undefined: it had none). Checked on every hit. */
  councils: ReadonlyArray<readonly [string, string | undefined]>;
  /** The headers of a hit, made once (content-length included). */
  hitHeaders: Record<string, string>;
}

export interface ResponseStoreOptions {
  maxEntries: number;
  maxBytes: number;
}

export class ResponseStore {
  private readonly entries: LRUCache<string, StoredResponse>;

  constructor(options: ResponseStoreOptions) {
    this.entries = new LRUCache<string, StoredResponse>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // The key is held too; headers are small and bounded by Apollo Server.
      sizeCalculation: (entry, key) => entry.body.length + key.length * 2 + 256,
      // One response over a tenth of the budget would push out everything else: not kept.
      maxEntrySize: Math.floor(options.maxBytes / 10),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.entries.calculatedSize;
  }

  /** The live entry for `key`, made most recently used; an expired one is dropped. */
  get(key: string, now: number): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: StoredResponse): void {
    this.entries.set(key, entry);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
