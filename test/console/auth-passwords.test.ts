// Console passwords: scrypt with its parameters stored in the hash, checked in constant time.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  needsRehash,
  passwordProblem,
  TEST_SCRYPT_COST,
  verifyPassword,
} from '../../subgraphs/council/console/auth/passwords.js';

describe('console passwords', () => {
  it('verifies the password it hashed and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple', TEST_SCRYPT_COST);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', hash)).toBe(false);
    expect(hash).not.toContain('correct');
  });

  it('stores the cost and a fresh salt with every hash, so the same password hashes differently', async () => {
    const a = await hashPassword('correct horse battery staple', TEST_SCRYPT_COST);
    const b = await hashPassword('correct horse battery staple', TEST_SCRYPT_COST);
    expect(a).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
  });

  it('uses a memory-hard default cost (N = 2^15, r = 8) that Node accepts, and asks for a re-hash of cheaper hashes', async () => {
    expect(2 ** DEFAULT_SCRYPT_COST.logN * 128 * DEFAULT_SCRYPT_COST.r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    const strong = await hashPassword('correct horse battery staple');
    expect(strong.startsWith('$scrypt$ln=15,r=8,p=3$')).toBe(true);
    expect(await verifyPassword('correct horse battery staple', strong)).toBe(true);
    expect(needsRehash(strong)).toBe(false);
    expect(needsRehash(await hashPassword('correct horse battery staple', TEST_SCRYPT_COST))).toBe(true);
  });

  it('refuses an unreadable or tampered hash instead of throwing', async () => {
    expect(await verifyPassword('anything at all', 'plaintext')).toBe(false);
    // A cost of 2^30 would ask for 128 GiB: refused before scrypt runs.
    expect(await verifyPassword('anything at all', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBe(false);
  });

  it(`names the rule when a password is shorter than ${MIN_PASSWORD_LENGTH} characters`, () => {
    expect(passwordProblem('short')).toBe('A password must be at least 12 characters long (a few unrelated words make a good one). This one has 5.');
    expect(passwordProblem('twelve chars')).toBeNull();
    // Counted as people count characters, not UTF-16 units.
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑')).toMatch(/This one has 6\./);
  });
});
