// Sample UPRNs are numeric like real ones and encode their postcode and house index,
// so a sample property can be found again from its UPRN alone (no stored list).
// Each postcode character is a base-37 digit (0-9, A-Z, then 36 = padding); the last decimal digit is the index.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PAD = 36;
const BASE = 37n;
const WIDTH = 7;

export function encodeSampleUprn(postcode: string, index: number): string {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  if (compact.length > WIDTH || index < 0 || index > 9) throw new RangeError(`Cannot encode ${postcode}#${index}`);
  let value = 0n;
  for (let i = 0; i < WIDTH; i++) {
    const digit = i < compact.length ? ALPHABET.indexOf(compact[i]) : PAD;
    if (digit < 0) throw new RangeError(`Cannot encode ${postcode}`);
    value = value * BASE + BigInt(digit);
  }
  return (value * 10n + BigInt(index)).toString();
}

export function decodeSampleUprn(uprn: string): { postcode: string; index: number } | null {
  if (!/^\d{1,13}$/.test(uprn)) return null;
  let value = BigInt(uprn);
  const index = Number(value % 10n);
  value /= 10n;
  const chars: string[] = [];
  for (let i = 0; i < WIDTH; i++) {
    const digit = Number(value % BASE);
    value /= BASE;
    chars.unshift(digit === PAD ? '' : ALPHABET[digit]);
  }
  if (value !== 0n) return null;
  const compact = chars.join('');
  if (compact.length < 5) return null;
  return { postcode: `${compact.slice(0, -3)} ${compact.slice(-3)}`, index };
}
