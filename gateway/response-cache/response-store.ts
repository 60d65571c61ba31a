// The bytes of whole GraphQL responses, by request key: a least-recently-used map bounded by entries and
// by bytes, each entry with its own expiry and the council endpoints it was answered from.

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Epoch ms after which the entry is not served. */
  expiresAt: number;
  /** Council code -> the endpoint URL it was asked at (undefined: it had none). Checked on every hit. */
  councils: ReadonlyArray<readonly [string, string | undefined]>;
  /** The headers of a hit, made once (content-length included). */
  hitHeaders: Record<string, string>;
}

export interface ResponseStoreOptions {
  maxEntries: number;
  maxBytes: number;
}

interface Slot {
  entry: StoredResponse;
  bytes: number;
  /** When it last moved to the most-recently-used end (moved at most once a second: a hot key costs no churn). */
  touchedAt: number;
}

export class ResponseStore {
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;

  constructor(private readonly options: ResponseStoreOptions) {}

  get size(): number {
    return this.slots.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** The live entry for `key`, made most recently used; an expired one is dropped. */
  get(key: string, now: number): StoredResponse | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.entry.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    if (now - slot.touchedAt > 1000) {
      slot.touchedAt = now;
      this.slots.delete(key);
      this.slots.set(key, slot);
    }
    return slot.entry;
  }

  set(key: string, entry: StoredResponse, now = Date.now()): void {
    // The key is held too; headers are small and bounded by Apollo Server.
    const bytes = entry.body.length + key.length * 2 + 256;
    // One response over a tenth of the budget would push out everything else: not kept.
    if (bytes > this.options.maxBytes / 10) return;
    this.delete(key);
    this.slots.set(key, { entry, bytes, touchedAt: now });
    this.bytes += bytes;
    for (const oldest of this.slots.keys()) {
      if (this.slots.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
  }

  clear(): void {
    this.slots.clear();
    this.bytes = 0;
  }
}
