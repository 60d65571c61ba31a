// The contracts the gateway and the council subgraphs share: a GSS code, and the link residents get when a
// council fails.
import { describe, expect, it } from 'vitest';
import { councilFallbackUrl, isGssCode } from '../../contracts/council.js';

describe('a GSS code', () => {
  it.each(['E06000038', 'W06000015', 'S12000036', 'N09000003'])('accepts %s', (code) => {
    expect(isGssCode(code)).toBe(true);
  });

  it.each(['e06000038', 'X06000038', 'E0600003', 'E060000380', ' E06000038', 'E06000038\n', '', 42, null])('refuses %j', (code) => {
    expect(isGssCode(code)).toBe(false);
  });
});

describe('a council’s fallback link', () => {
  it('is its bin-day page when it has one', () => {
    expect(councilFallbackUrl({ binDayUrl: 'https://www.reading.gov.uk/bin-calendar/', website: 'https://www.reading.gov.uk' })).toBe('https://www.reading.gov.uk/bin-calendar/');
  });

  it('is its homepage otherwise', () => {
    expect(councilFallbackUrl({ binDayUrl: null, website: 'https://www.example.gov.uk' })).toBe('https://www.example.gov.uk');
  });
});
