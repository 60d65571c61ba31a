// API keys for clients that need more than the anonymous rate limit (a council's app, a researcher's
// nightly export). Issued by `npm run api-key -- issue <name>` (scripts/api-key.ts) and stored hashed in a
// SQLite file, in the pattern of the councils' disruption tokens (subgraphs/council/disruptions/council-tokens.ts).
//
// A key reads `binfo_key_<32 random bytes, base64url>`; only its SHA-256 is stored. A fast hash is enough: a
// 256-bit random secret cannot be guessed from its hash at any speed, and a flood of made-up keys costs the
// gateway one hash and one indexed lookup each (malformed ones not even that). The key carries no name, so
// a leaked log line of a hash says nothing; the name given at issue (e.g. "reading-my-area") is what logs
// and the rate limiter show.
//
// The rate limiter only believes a key this verifier knows: any other key is treated as no key, so sending
// a new random key with every request buys nothing.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { projectPath } from '../../lib/project-path.js';

/** Where `npm start` and `npm run api-key` keep keys unless told otherwise (BINFO_API_KEYS_DB in scripts/). */
export const DEFAULT_API_KEYS_DB = projectPath('var', 'api-keys.sqlite');

const KEY_SHAPE = /^binfo_key_[A-Za-z0-9_-]{43}$/;
/** What a client's name may be: it appears in logs, metrics and the webhook CLI. */
export const CLIENT_NAME_SHAPE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface VerifiedApiKey {
  /** The client's name given at issue: safe to log, and its rate-limit bucket. */
  name: string;
}

/** What the gateway needs of a key store: which client a presented key belongs to, if any. */
export interface ApiKeyVerifier {
  verify(key: string): VerifiedApiKey | null;
}

export interface IssuedKeySummary {
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export class ApiKeyStore implements ApiKeyVerifier {
  private readonly statements;

  /** Opens (creating when absent) the key database at `path`. */
  static open(path: string): ApiKeyStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      key_hash BLOB PRIMARY KEY,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`);
    return new ApiKeyStore(database);
  }

  private constructor(private readonly database: Database.Database) {
    this.statements = {
      insert: database.prepare('INSERT INTO api_keys (key_hash, name, created_at) VALUES (?, ?, ?)'),
      revoke: database.prepare('UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL'),
      find: database.prepare<[Buffer], { name: string }>('SELECT name FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL'),
      list: database.prepare<[], { name: string; created_at: string; revoked_at: string | null }>('SELECT name, created_at, revoked_at FROM api_keys ORDER BY created_at'),
    };
  }

  /** A new key for the client `name`. The key is returned here once and never stored: show it, then forget it. */
  issue(name: string): string {
    if (!CLIENT_NAME_SHAPE.test(name)) throw new Error(`${JSON.stringify(name)} is not a usable client name: lower-case letters, digits, ".", "_" and "-", at most 63, e.g. reading-my-area.`);
    const key = `binfo_key_${randomBytes(32).toString('base64url')}`;
    this.statements.insert.run(hashOf(key), name, new Date().toISOString());
    return key;
  }

  /** Revokes every live key of the client; returns how many. Takes effect on the next request (nothing is cached). */
  revoke(name: string): number {
    return this.statements.revoke.run(new Date().toISOString(), name).changes;
  }

  list(): IssuedKeySummary[] {
    return this.statements.list.all().map((row) => ({ name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at }));
  }

  verify(key: string): VerifiedApiKey | null {
    if (!KEY_SHAPE.test(key)) return null;
    // Looked up by hash: timing can at most tell a guesser about the hash of their own guess, not the key.
    const row = this.statements.find.get(hashOf(key));
    return row ? { name: row.name } : null;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}

function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
