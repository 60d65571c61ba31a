import { describe, expect, it } from 'vitest';
import { MemoryEntityCache } from '../../gateway/cache/memory-entity-cache.js';

const entry = (value: unknown) => ({ value, storedAt: 0, freshUntil: 1 });

describe('the in-memory entity cache', () => {
  it('gives each reader its own copy: the gateway merges into entities in place', async () => {
    const cache = new MemoryEntityCache();
    await cache.set([{ key: 'k', entry: entry({ services: [] }) }], 60);
    const [first] = await cache.get(['k']);
    (first!.value as any).services.push('merged by one request');
    const [second] = await cache.get(['k']);
    expect(second!.value).toEqual({ services: [] });
  });

  it('forgets entries after their retention', async () => {
    let now = 1_000_000;
    const cache = new MemoryEntityCache({ now: () => now });
    await cache.set([{ key: 'k', entry: entry(1) }], 10);
    now += 9_999;
    expect(await cache.get(['k'])).toEqual([entry(1)]);
    now += 2;
    expect(await cache.get(['k'])).toEqual([undefined]);
  });

  it('is bounded in entries, dropping the least recently used', async () => {
    const cache = new MemoryEntityCache({ maxEntries: 2 });
    await cache.set([{ key: 'a', entry: entry(1) }, { key: 'b', entry: entry(2) }], 60);
    await cache.get(['a']);
    await cache.set([{ key: 'c', entry: entry(3) }], 60);
    expect((await cache.get(['a', 'b', 'c'])).map((e) => e?.value)).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('is bounded in size, and does not keep one answer that would crowd out the rest', async () => {
    const cache = new MemoryEntityCache({ maxChars: 1000 });
    await cache.set([{ key: 'big', entry: entry('x'.repeat(200)) }], 60);
    expect(await cache.get(['big'])).toEqual([undefined]);
    for (let i = 0; i < 20; i++) await cache.set([{ key: `k${i}`, entry: entry('y'.repeat(60)) }], 60);
    expect(cache.size).toBeLessThan(20);
    expect((await cache.get(['k19']))[0]?.value).toBe('y'.repeat(60));
  });
});
