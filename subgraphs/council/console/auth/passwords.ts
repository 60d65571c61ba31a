// Console passwords, hashed with scrypt (memory-hard, in Node's own crypto: no native package to build).
//
// A stored hash is a PHC-style string that carries its own cost and salt:
//   $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
// so the cost can be raised later: old hashes still verify with the parameters they were made with, and
// `needsRehash` says when a successful sign-in should store a stronger one.
//
// Hashing is asynchronous (crypto.scrypt runs on libuv's thread pool), so a sign-in never blocks the
// event loop that also answers every council's GraphQL requests.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  /** log2 of N, the CPU and memory cost. */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * N=2^15, r=8, p=3: one of OWASP's equivalent minimums for scrypt (Password Storage Cheat Sheet). 32 MiB and
 * about a third of a second per hash on a busy core; sign-ins are rare, so the cost falls on guessers.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 3 };
/** For tests only: the same code path, a thousand times cheaper. */
export const TEST_SCRYPT_COST: ScryptCost = { logN: 4, r: 8, p: 1 };

export const MIN_PASSWORD_LENGTH = 12;
/** Long passphrases are welcome; this only stops a megabyte "password" being hashed. */
export const MAX_PASSWORD_LENGTH = 1000;
export const PASSWORD_RULE = `A password must be at least ${MIN_PASSWORD_LENGTH} characters long (a few unrelated words make a good one).`;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const HASH_SHAPE = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** A sentence saying what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  // Characters, not UTF-16 units: an accented or emoji passphrase counts as people would count it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `${PASSWORD_RULE} This one has ${length}.`;
  if (length > MAX_PASSWORD_LENGTH) return `A password can be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  return null;
}

/** Hashes a password with a fresh random salt. The caller checks `passwordProblem` first. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return `$scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when the password is the one hashed (in constant time); false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with a lower cost than `cost` (re-hash it on the next successful sign-in). */
export function needsRehash(stored: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.logN < cost.logN || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  const shape = HASH_SHAPE.exec(stored);
  if (!shape) return null;
  const cost = { logN: Number(shape[1]), r: Number(shape[2]), p: Number(shape[3]) };
  // Bounds, so a tampered row cannot make one sign-in allocate gigabytes.
  if (cost.logN < 1 || cost.logN > 20 || cost.r < 1 || cost.p < 1) return null;
  const key = Buffer.from(shape[5], 'base64');
  if (key.length < 16) return null;
  return { cost, salt: Buffer.from(shape[4], 'base64'), key };
}

function derive(password: string, salt: Buffer, cost: ScryptCost, keyBytes: number): Promise<Buffer> {
  const N = 2 ** cost.logN;
  const options: ScryptOptions = {
    N,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128·N·r bytes (plus 128·r·p); Node's default ceiling of 32 MiB is exactly N=2^15, r=8,
    // and Node refuses at the ceiling, so give it room.
    maxmem: 128 * cost.r * (N + cost.p) + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
