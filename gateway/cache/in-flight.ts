// Identical council fetches that overlap in time become one request: the first caller fetches, the
// others wait for its answer. Each caller after the first gets its own copy (see `shared`), because the
// gateway merges into the entities it is given.

export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  get size(): number {
    return this.pending.size;
  }

  async run(key: string, load: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    const existing = this.pending.get(key);
    if (existing) return { value: await existing, shared: true };
    const promise = load().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return { value: await promise, shared: false };
  }
}
