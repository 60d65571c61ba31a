import { describe, expect, it } from 'vitest';
import { parsePostcode } from '../../contracts/postcode.js';

describe('parsePostcode', () => {
  it('normalises any case and spacing', () => {
    const expected = { ok: true, postcode: 'RG1 1AA', outward: 'RG1', inward: '1AA', area: 'RG' };
    for (const input of ['RG1 1AA', 'rg11aa', ' RG1  1aa ', 'Rg1\t1aA', 'RG1\u00a01AA', 'R G 1 1 A A']) {
      expect(parsePostcode(input), JSON.stringify(input)).toEqual(expected);
    }
  });

  it.each([
    ['m11ae', 'M1 1AE', 'M1', '1AE', 'M'],
    ['b11bb', 'B1 1BB', 'B1', '1BB', 'B'],
    ['cf101ep', 'CF10 1EP', 'CF10', '1EP', 'CF'],
    ['sw1a2aa', 'SW1A 2AA', 'SW1A', '2AA', 'SW'],
    ['w1a 0ax', 'W1A 0AX', 'W1A', '0AX', 'W'],
    ['EC1A1BB', 'EC1A 1BB', 'EC1A', '1BB', 'EC'],
    ['bt1 1aa', 'BT1 1AA', 'BT1', '1AA', 'BT'], // a valid format; coverage is the index's concern
  ])('parses %s as %s', (input, postcode, outward, inward, area) => {
    expect(parsePostcode(input)).toEqual({ ok: true, postcode, outward, inward, area });
  });

  it('explains input that is not a postcode', () => {
    expect(parsePostcode('NOT A POSTCODE')).toEqual({
      ok: false,
      message: '"NOT A POSTCODE" is not a valid UK postcode. A postcode looks like "RG1 1AA".',
    });
    expect(parsePostcode('RG1 1A0')).toMatchObject({ ok: false, message: expect.stringContaining('"RG1 1A0" is not a valid') });
    expect(parsePostcode('123 456')).toMatchObject({ ok: false });
  });

  it('asks for a postcode when the input is empty or blank', () => {
    for (const input of ['', '   ', '\t\n']) {
      expect(parsePostcode(input)).toEqual({ ok: false, message: 'Please enter a postcode, for example "RG1 1AA".' });
    }
  });

  it('says when only the outward code was given', () => {
    expect(parsePostcode(' rg1 ')).toEqual({
      ok: false,
      message: '"rg1" is only the first half of a postcode. Please enter the full postcode, like "RG1 1AA".',
    });
  });

  it('says when the input is too long, without echoing a wall of text', () => {
    expect(parsePostcode('RG1 1AAAA')).toMatchObject({ ok: false, message: expect.stringContaining('too long') });
    const result = parsePostcode('x'.repeat(5000));
    expect(result).toEqual({
      ok: false,
      message: 'That is too long to be a postcode (5000 characters). A postcode looks like "RG1 1AA".',
    });
  });

  it('never returns ok for a message-worthy input, and every message is a sentence', () => {
    for (const input of ['', 'RG1', 'RG1 1AAAA', 'NOT A POSTCODE', '!!!', 'x'.repeat(100)]) {
      const result = parsePostcode(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/^["A-Z].*\.$/);
    }
  });
});
