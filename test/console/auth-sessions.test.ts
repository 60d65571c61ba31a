// Console sessions: only a hash of the cookie's id is stored; idle and absolute expiry on an injected clock.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleAccounts } from '../../subgraphs/council/console/auth/accounts.js';
import { TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/passwords.js';
import { ConsoleSessions, consoleCookie, csrfMatches } from '../../subgraphs/council/console/auth/sessions.js';
import { SignInTokens } from '../../subgraphs/council/console/auth/sign-in-token.js';
import { openDisruptionsDatabase } from '../../subgraphs/council/disruptions/disruption-store.js';

const MINUTE = 60_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let dir: string;
let database: Database.Database;
let now: number;
let sessions: ConsoleSessions;
let accountId: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-console-sessions-'));
  database = openDisruptionsDatabase(join(dir, 'disruptions.sqlite'));
  now = START;
  const accounts = new ConsoleAccounts(database, { now: () => now, passwordCost: TEST_SCRYPT_COST });
  accountId = (await accounts.create({ councilCode: 'E06000038', email: 'pat@reading.gov.uk', name: 'Pat', roles: ['editor', 'publisher'], password: 'correct horse battery' })).id;
  sessions = new ConsoleSessions(database, { now: () => now });
});

afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = () => database.prepare('SELECT * FROM console_sessions').all() as { id_hash: Buffer; last_seen_at: number; expires_at: number; csrf_token: string }[];

describe('console sessions', () => {
  it('gives the cookie 32 random bytes and stores only their SHA-256', () => {
    const started = sessions.start(accountId);
    expect(Buffer.from(started.sessionId, 'base64url')).toHaveLength(32);
    const [row] = rows();
    expect(row.id_hash.equals(createHash('sha256').update(started.sessionId).digest())).toBe(true);
    expect(JSON.stringify(database.prepare('SELECT * FROM console_sessions').raw().all())).not.toContain(started.sessionId);
    const session = sessions.resolve(started.sessionId)!;
    expect(session.person).toMatchObject({ accountId, councilCode: 'E06000038', name: 'Pat' });
    expect([...session.person.roles]).toEqual(['editor', 'publisher']);
    expect(session.csrfToken).toBe(started.csrfToken);
  });

  it('ends after 30 minutes without use, and use keeps it alive', () => {
    const { sessionId } = sessions.start(accountId);
    now += 29 * MINUTE;
    expect(sessions.resolve(sessionId)).not.toBeNull();
    now += 29 * MINUTE;
    expect(sessions.resolve(sessionId)).not.toBeNull();
    now += 30 * MINUTE;
    expect(sessions.resolve(sessionId)).toBeNull();
    // The expired row is gone, not just ignored.
    expect(rows()).toHaveLength(0);
  });

  it('records use at most once a minute, so page views are not all writes', () => {
    const { sessionId } = sessions.start(accountId);
    now += 30_000;
    sessions.resolve(sessionId);
    expect(rows()[0].last_seen_at).toBe(START);
    now += 30_000;
    sessions.resolve(sessionId);
    expect(rows()[0]).toMatchObject({ last_seen_at: START + MINUTE, expires_at: START + 31 * MINUTE });
  });

  it('ends 12 hours after sign-in however busy it is', () => {
    const { sessionId } = sessions.start(accountId);
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      now = START + minutes * MINUTE;
      expect(sessions.resolve(sessionId)).not.toBeNull();
    }
    now = START + 12 * 60 * MINUTE - 1;
    expect(sessions.resolve(sessionId)).not.toBeNull();
    now += 1;
    expect(sessions.resolve(sessionId)).toBeNull();
  });

  it('is deleted at sign-out, and expired sessions are cleared when someone signs in', () => {
    const old = sessions.start(accountId);
    const kept = sessions.start(accountId);
    expect(sessions.end(kept.sessionId)).toBe(true);
    expect(sessions.resolve(kept.sessionId)).toBeNull();
    now += 31 * MINUTE;
    sessions.start(accountId);
    expect(rows()).toHaveLength(1);
    expect(sessions.resolve(old.sessionId)).toBeNull();
  });

  it('ignores ids of the wrong shape and ids it never issued', () => {
    sessions.start(accountId);
    expect(sessions.resolve('')).toBeNull();
    expect(sessions.resolve("' OR 1=1 --")).toBeNull();
    expect(sessions.resolve('A'.repeat(43))).toBeNull();
  });

  it('matches the CSRF token of its own session only', () => {
    const a = sessions.resolve(sessions.start(accountId).sessionId)!;
    const b = sessions.resolve(sessions.start(accountId).sessionId)!;
    expect(csrfMatches(a, a.csrfToken)).toBe(true);
    expect(csrfMatches(a, b.csrfToken)).toBe(false);
    expect(csrfMatches(a, '')).toBe(false);
    expect(csrfMatches(a, null)).toBe(false);
    expect(csrfMatches(a, `${a.csrfToken}x`)).toBe(false);
  });

  it('sets its cookie HttpOnly, Secure, SameSite=Strict, for the whole origin', () => {
    expect(consoleCookie('__Host-binfo-console', 'abc')).toBe('__Host-binfo-console=abc; Path=/; HttpOnly; Secure; SameSite=Strict');
  });
});

describe('the sign-in form token (login CSRF)', () => {
  it('matches only its own cookie, signed by this key, within the hour', () => {
    const tokens = new SignInTokens({ now: () => now });
    const token = tokens.issue();
    expect(tokens.matches(token, token)).toBe(true);
    expect(tokens.matches(token, tokens.issue())).toBe(false);
    expect(tokens.matches(null, token)).toBe(false);
    expect(tokens.matches(token, null)).toBe(false);
    // Made with another key (another site, or a forged value): refused even when cookie and field agree.
    const forged = new SignInTokens({ now: () => now }).issue();
    expect(tokens.matches(forged, forged)).toBe(false);
    now += 60 * MINUTE + 1;
    expect(tokens.matches(token, token)).toBe(false);
  });
});
