// Council tokens: only a hash at rest, verified in constant time, revocable, never valid for another council.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CouncilTokens } from '../../subgraphs/council/disruptions/council-tokens.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

let dir: string;
let path: string;
let tokens: CouncilTokens;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-tokens-'));
  path = join(dir, 'disruptions.sqlite');
  tokens = CouncilTokens.open(path);
});

afterEach(() => {
  tokens.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CouncilTokens', () => {
  it('issues a high-entropy token naming its council, and verifies it', () => {
    const token = tokens.issueToken(READING);
    expect(token).toMatch(/^binfo_E06000038_[A-Za-z0-9_-]{43}$/);
    expect(tokens.issueToken(READING)).not.toBe(token);
    expect(tokens.verify(token)).toBe(READING);
  });

  it('stores only the SHA-256 of the token: the plaintext is nowhere in the table or the file', () => {
    const token = tokens.issueToken(READING);
    const secret = token.split('_').at(-1)!;
    const rows = tokens.database.prepare('SELECT * FROM council_tokens').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0].council_code).toBe(READING);
    expect(Buffer.compare(rows[0].token_hash as Buffer, createHash('sha256').update(token).digest())).toBe(0);
    const everything = JSON.stringify(rows, (_key, value) => (value?.type === 'Buffer' ? Buffer.from(value.data).toString('latin1') : value));
    expect(everything).not.toContain(secret);
    // Nor in the database files on disk (main file and write-ahead log).
    for (const file of [path, `${path}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('refuses wrong, altered, malformed and missing tokens', () => {
    const token = tokens.issueToken(READING);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokens.verify(token.slice(0, -1) + last)).toBeNull();
    expect(tokens.verify(`${token} `)).toBeNull();
    expect(tokens.verify(token.toLowerCase())).toBeNull();
    expect(tokens.verify('binfo_E06000038_')).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify(undefined)).toBeNull();
    expect(tokens.verify(null)).toBeNull();
  });

  it('never accepts a token for another council, even with the council code swapped in', () => {
    const reading = tokens.issueToken(READING);
    const bristol = tokens.issueToken(BRISTOL);
    expect(tokens.verify(bristol)).toBe(BRISTOL);
    expect(tokens.verify(reading)).toBe(READING);
    expect(tokens.verify(bristol.replace(BRISTOL, READING))).toBeNull();
  });

  it('revokes every token of one council, leaving other councils alone; new tokens work again', () => {
    const first = tokens.issueToken(READING);
    const second = tokens.issueToken(READING); // rotation: two live tokens at once
    const bristol = tokens.issueToken(BRISTOL);
    expect(tokens.revokeTokens(READING)).toBe(2);
    expect(tokens.verify(first)).toBeNull();
    expect(tokens.verify(second)).toBeNull();
    expect(tokens.verify(bristol)).toBe(BRISTOL);
    expect(tokens.revokeTokens(READING)).toBe(0);
    const fresh = tokens.issueToken(READING);
    expect(tokens.verify(fresh)).toBe(READING);
  });

  it('sees tokens issued and revoked by another process on the same file at once', () => {
    const other = CouncilTokens.open(path);
    try {
      const token = other.issueToken(READING);
      expect(tokens.verify(token)).toBe(READING);
      other.revokeTokens(READING);
      expect(tokens.verify(token)).toBeNull();
    } finally {
      other.close();
    }
  });

  it('refuses to issue a token for something that is not a council code', () => {
    expect(() => tokens.issueToken('reading')).toThrow(/not a GSS council code/);
  });
});
