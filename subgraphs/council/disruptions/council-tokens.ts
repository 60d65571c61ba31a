// Per-council write tokens for the disruptions API, in the same SQLite file as the disruptions.
//
// A token reads `binfo_<GSS code>_<32 random bytes, base64url>`. Only its SHA-256 is stored. A fast
// hash is enough here: slow hashes (bcrypt, scrypt, argon2) exist to make guessing LOW-entropy
// passwords expensive, but a 256-bit random secret cannot be guessed from its hash at any speed.
// It also keeps verification cheap, so a flood of bad tokens cannot tie up the host's CPU.
//
// A council may hold several live tokens (issue a new one, switch over, then revoke the old ones).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDisruptionsDatabase } from './disruption-store.js';

const TOKEN_SHAPE = /^binfo_([A-Z]\d{8})_([A-Za-z0-9_-]{43})$/;

interface TokenRow {
  token_hash: Buffer;
  council_code: string;
}

export class CouncilTokens {
  private readonly statements;

  static open(path: string): CouncilTokens {
    return new CouncilTokens(openDisruptionsDatabase(path), true);
  }

  /** Over a connection opened by `openDisruptionsDatabase` (e.g. a DisruptionStore's `database`). */
  constructor(
    readonly database: Database.Database,
    private readonly ownsDatabase = false,
  ) {
    this.statements = {
      insert: database.prepare('INSERT INTO council_tokens (token_hash, council_code, created_at) VALUES (?, ?, ?)'),
      revoke: database.prepare('UPDATE council_tokens SET revoked_at = ? WHERE council_code = ? AND revoked_at IS NULL'),
      live: database.prepare<[string], TokenRow>('SELECT token_hash, council_code FROM council_tokens WHERE council_code = ? AND revoked_at IS NULL'),
    };
  }

  /** A new token for the council. The plaintext is returned here once and never stored: show it, then forget it. */
  issueToken(councilCode: string): string {
    if (!/^[A-Z]\d{8}$/.test(councilCode)) throw new Error(`${JSON.stringify(councilCode)} is not a GSS council code such as E06000038.`);
    const token = `binfo_${councilCode}_${randomBytes(32).toString('base64url')}`;
    this.statements.insert.run(hashOf(token), councilCode, new Date().toISOString());
    return token;
  }

  /** Revokes every live token of the council; returns how many. Takes effect on the next request (nothing is cached). */
  revokeTokens(councilCode: string): number {
    return this.statements.revoke.run(new Date().toISOString(), councilCode).changes;
  }

  /** The council a token belongs to, or null for a malformed, unknown or revoked token. */
  verify(token: string | null | undefined): string | null {
    if (typeof token !== 'string') return null;
    const shape = TOKEN_SHAPE.exec(token);
    if (!shape) return null;
    const presented = hashOf(token);
    // Compare against the council's own live hashes in constant time rather than looking the hash up
    // by value, so response timing says nothing about how close a guess came.
    let owner: string | null = null;
    for (const row of this.statements.live.all(shape[1])) {
      if (row.token_hash.length === presented.length && timingSafeEqual(row.token_hash, presented)) owner = row.council_code;
    }
    return owner;
  }

  close(): void {
    if (this.ownsDatabase && this.database.open) this.database.close();
  }
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
