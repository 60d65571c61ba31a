// Console sessions, in the disruptions SQLite (console_sessions).
//
// The cookie holds 32 random bytes (base64url); the table holds only their SHA-256, so a copy of the
// database does not let anyone sign in. (A fast hash is enough for a 256-bit random secret; see
// council-tokens.ts.) Each session has its own CSRF token for the forms it posts.
//
// A session ends after `idleMs` without use or `absoluteMs` after sign-in, whichever comes first.
// Use is recorded at most once per `touchEveryMs`, so a page view is not always a database write; the idle
// limit is therefore measured from the last recorded use and may end up to that much early.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Database from 'better-sqlite3';
import type { ConsoleSession } from '../console-person.js';
import { personOf } from './accounts.js';

/** `__Host-`: the browser only accepts it Secure, from this origin, for Path=/ and without a Domain, so no sibling site can set it. */
export const SESSION_COOKIE = '__Host-binfo-console';

export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
  touchEveryMs: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000, touchEveryMs: 60_000 };

const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface SessionRow {
  id_hash: Buffer;
  account_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  council_code: string;
  email: string;
  name: string;
  roles: string;
  disabled_at: string | null;
}

export interface StartedSession {
  /** For the cookie only: never stored, never logged. */
  sessionId: string;
  csrfToken: string;
}

export class ConsoleSessions {
  private readonly now: () => number;
  private readonly settings: SessionSettings;
  private readonly statements;

  constructor(
    readonly database: Database.Database,
    options: { now?: () => number; settings?: Partial<SessionSettings> } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.settings = { ...DEFAULT_SESSION_SETTINGS, ...options.settings };
    this.statements = {
      insert: database.prepare('INSERT INTO console_sessions (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      // The account is read with the session, so a disabled account or a changed role counts at once.
      withPerson: database.prepare<[Buffer], SessionRow>(
        `SELECT s.*, a.council_code, a.email, a.name, a.roles, a.disabled_at
           FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id WHERE s.id_hash = ?`,
      ),
      touch: database.prepare('UPDATE console_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?'),
      end: database.prepare('DELETE FROM console_sessions WHERE id_hash = ?'),
      purge: database.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
    };
  }

  /** A new session for a signed-in account; expired sessions of anyone are cleared out on the way. */
  start(accountId: string): StartedSession {
    const now = this.now();
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    this.statements.purge.run(now);
    this.statements.insert.run(hashOf(sessionId), accountId, csrfToken, now, now, this.expiresAt(now, now));
    return { sessionId, csrfToken };
  }

  /** The live session with this id, or null (unknown, expired, or the account disabled). */
  resolve(sessionId: string | null | undefined): ConsoleSession | null {
    if (!sessionId || !SESSION_ID_SHAPE.test(sessionId)) return null;
    const idHash = hashOf(sessionId);
    const row = this.statements.withPerson.get(idHash);
    if (!row) return null;
    const now = this.now();
    if (row.expires_at <= now || row.disabled_at !== null) {
      this.statements.end.run(idHash);
      return null;
    }
    if (now - row.last_seen_at >= this.settings.touchEveryMs) this.statements.touch.run(now, this.expiresAt(row.created_at, now), idHash);
    return { person: personOf({ ...row, id: row.account_id }), csrfToken: row.csrf_token };
  }

  /** Sign-out: the row is deleted, so the cookie is worthless even if it was copied. */
  end(sessionId: string | null | undefined): boolean {
    if (!sessionId || !SESSION_ID_SHAPE.test(sessionId)) return false;
    return this.statements.end.run(hashOf(sessionId)).changes > 0;
  }

  private expiresAt(createdAt: number, lastSeenAt: number): number {
    return Math.min(lastSeenAt + this.settings.idleMs, createdAt + this.settings.absoluteMs);
  }
}

/** True when a submitted CSRF token is the session's, compared in constant time. */
export function csrfMatches(session: ConsoleSession, submitted: string | null | undefined): boolean {
  if (typeof submitted !== 'string') return false;
  const given = Buffer.from(submitted, 'utf8');
  const expected = Buffer.from(session.csrfToken, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One cookie's value from a request, or null. */
export function cookieOf(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return null;
}

/** Set-Cookie for a console cookie: HttpOnly (no script reads it), Secure, SameSite=Strict (not sent on requests from other sites). */
export function consoleCookie(name: string, value: string, maxAgeSeconds?: number): string {
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict${maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`}`;
}

/** Set-Cookie that removes a console cookie. */
export function clearedCookie(name: string): string {
  return consoleCookie(name, '', 0);
}

function hashOf(sessionId: string): Buffer {
  return createHash('sha256').update(sessionId, 'utf8').digest();
}
