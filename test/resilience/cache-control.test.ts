// How long an answer stays fresh: the council's Cache-Control, a default, and the 60-second freshness rule.
import { describe, expect, it } from 'vitest';
import { cachePolicyFrom, DEFAULT_FRESH_SECONDS, MAX_FRESH_SECONDS } from '../../gateway/cache/cache-control.js';

describe('the fresh time of a council’s answer', () => {
  it.each<[string | undefined, { store: boolean; freshSeconds: number }]>([
    [undefined, { store: true, freshSeconds: DEFAULT_FRESH_SECONDS }],
    ['max-age=20, public', { store: true, freshSeconds: 20 }],
    ['public, s-maxage=5, max-age=20', { store: true, freshSeconds: 5 }],
    ['max-age=3600', { store: true, freshSeconds: MAX_FRESH_SECONDS }],
    ['max-age=0', { store: true, freshSeconds: 0 }],
    ['no-cache', { store: true, freshSeconds: 0 }],
    ['private, max-age=30', { store: false, freshSeconds: 0 }],
    // Apollo Server's default for responses without cache hints: read as no opinion.
    ['no-store', { store: true, freshSeconds: DEFAULT_FRESH_SECONDS }],
    ['max-age=banana', { store: true, freshSeconds: DEFAULT_FRESH_SECONDS }],
  ])('Cache-Control %j gives %j', (header, policy) => {
    expect(cachePolicyFrom(header, DEFAULT_FRESH_SECONDS)).toEqual(policy);
  });

  it('never exceeds 60 seconds, whatever the configuration asks (disruptions show within a minute)', () => {
    expect(MAX_FRESH_SECONDS).toBeLessThanOrEqual(60);
    expect(cachePolicyFrom(undefined, 600, 600).freshSeconds).toBe(60);
    expect(cachePolicyFrom('max-age=90', 10, 120).freshSeconds).toBe(60);
  });

  it('honours a lower configured cap', () => {
    expect(cachePolicyFrom('max-age=50', 10, 15).freshSeconds).toBe(15);
  });
});
