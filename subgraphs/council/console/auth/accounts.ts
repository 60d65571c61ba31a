// The named people of a council who may use the console, in the disruptions SQLite (console_accounts).
//
// Accounts are made by an administrator (scripts/console-account.ts), never by sign-up. Sign-in answers
// the same sentence, after the same scrypt work, whether the email is unknown, the password is wrong or
// the account is disabled, so neither the words nor the timing say which addresses have accounts.
//
// Lock-out: after MAX wrong passwords in a row, sign-in is paused for a while (saying so is fine: it
// tells a guesser nothing they can use). An attempt is counted *before* its password is checked, so
// sending many guesses at once still gets at most MAX of them checked per pause.
import { randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { GSS_CODE_PATTERN } from '../../../../contracts/council.js';
import type { ConsolePerson, ConsoleRole } from '../console-person.js';
import { DEFAULT_SCRYPT_COST, hashPassword, needsRehash, passwordProblem, verifyPassword, type ScryptCost } from './passwords.js';

export const CONSOLE_ROLES: readonly ConsoleRole[] = ['editor', 'publisher'];
export const SIGN_IN_NOT_RIGHT = 'The email address or password is not right.';

export interface LockoutSettings {
  /** Wrong passwords in a row before sign-in is paused. */
  maxFailedAttempts: number;
  /** How long sign-in stays paused. */
  pauseMs: number;
}

export const DEFAULT_LOCKOUT: LockoutSettings = { maxFailedAttempts: 5, pauseMs: 15 * 60_000 };

export interface ConsoleAccount {
  id: string;
  councilCode: string;
  email: string;
  name: string;
  roles: ConsoleRole[];
  createdAt: string;
  disabledAt: string | null;
  failedAttempts: number;
  /** Epoch ms until which sign-in is paused, or null. */
  lockedUntil: number | null;
}

export interface NewConsoleAccount {
  councilCode: string;
  email: string;
  name: string;
  roles: readonly string[];
  password: string;
}

export type SignInOutcome =
  | { ok: true; person: ConsolePerson }
  | { ok: false; reason: 'not-right'; message: string }
  | { ok: false; reason: 'paused'; message: string; pausedUntil: number }
  /** The password was right but this host does not serve the person's council. */
  | { ok: false; reason: 'council-not-served'; message: string };

/** A mistake by whoever manages accounts, said as a sentence. */
export class ConsoleAccountError extends Error {}

export interface ConsoleAccountsOptions {
  now?: () => number;
  /** scrypt cost of new hashes (tests pass TEST_SCRYPT_COST); older, cheaper hashes are upgraded at sign-in. */
  passwordCost?: ScryptCost;
  lockout?: Partial<LockoutSettings>;
  /** When given, people of councils this host does not serve cannot sign in here. */
  isServed?: (councilCode: string) => boolean;
}

interface AccountRow {
  id: string;
  council_code: string;
  email: string;
  name: string;
  roles: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  created_at: string;
  disabled_at: string | null;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_LIMIT = 100;
const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The roles stored as JSON, read back; anything unknown is dropped rather than trusted. */
export function rolesOf(json: string): ConsoleRole[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? CONSOLE_ROLES.filter((role) => parsed.includes(role)) : [];
}

export function personOf(row: { id: string; council_code: string; name: string; email: string; roles: string }): ConsolePerson {
  return { accountId: row.id, councilCode: row.council_code, name: row.name, email: row.email, roles: new Set(rolesOf(row.roles)) };
}

export class ConsoleAccounts {
  private readonly now: () => number;
  private readonly passwordCost: ScryptCost;
  private readonly lockout: LockoutSettings;
  private readonly isServed: (councilCode: string) => boolean;
  private readonly statements;
  /** Checked against for unknown emails, so they cost the same scrypt work as a real account. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    readonly database: Database.Database,
    options: ConsoleAccountsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.passwordCost = options.passwordCost ?? DEFAULT_SCRYPT_COST;
    this.lockout = { ...DEFAULT_LOCKOUT, ...options.lockout };
    this.isServed = options.isServed ?? (() => true);
    this.statements = {
      insert: database.prepare(
        'INSERT INTO console_accounts (id, council_code, email, name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byEmail: database.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE email = ?'),
      byId: database.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE id = ?'),
      ofCouncil: database.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE council_code = ? ORDER BY email'),
      setAttempts: database.prepare('UPDATE console_accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?'),
      setPassword: database.prepare('UPDATE console_accounts SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?'),
      rehash: database.prepare('UPDATE console_accounts SET password_hash = ? WHERE id = ? AND password_hash = ?'),
      disable: database.prepare('UPDATE console_accounts SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL'),
      endSessions: database.prepare('DELETE FROM console_sessions WHERE account_id = ?'),
    };
  }

  /** Adds a person to a council. Every problem with the input is named at once. */
  async create(input: NewConsoleAccount): Promise<ConsoleAccount> {
    const email = normaliseEmail(input.email);
    const name = input.name.trim();
    const roles = CONSOLE_ROLES.filter((role) => input.roles.includes(role));
    const problems: string[] = [];
    if (!GSS_CODE_PATTERN.test(input.councilCode)) problems.push(`${JSON.stringify(input.councilCode)} is not a GSS council code such as E06000038.`);
    if (!EMAIL_SHAPE.test(email) || email.length > 254) problems.push(`${JSON.stringify(input.email)} is not an email address such as name@council.gov.uk.`);
    if (!name || name.length > NAME_LIMIT || /[\p{Cc}]/u.test(name)) problems.push(`Give the person's name in 1 to ${NAME_LIMIT} characters, on one line.`);
    const unknownRoles = input.roles.filter((role) => !(CONSOLE_ROLES as readonly string[]).includes(role));
    if (unknownRoles.length > 0 || roles.length === 0) {
      problems.push(`Give at least one role, editor (drafts) or publisher (publishes, changes, withdraws)${unknownRoles.length > 0 ? `, not ${unknownRoles.map((r) => JSON.stringify(r)).join(', ')}` : ''}.`);
    }
    const weak = passwordProblem(input.password);
    if (weak) problems.push(weak);
    if (problems.length > 0) throw new ConsoleAccountError(problems.join(' '));
    if (this.statements.byEmail.get(email)) throw new ConsoleAccountError(`There is already an account for ${email}.`);

    const hash = await hashPassword(input.password, this.passwordCost);
    const id = randomUUID();
    try {
      this.statements.insert.run(id, input.councilCode, email, name, JSON.stringify(roles), hash, new Date(this.now()).toISOString());
    } catch (error) {
      // Another process added the same address while this one was hashing.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConsoleAccountError(`There is already an account for ${email}.`);
      throw error;
    }
    return accountOf(this.statements.byId.get(id)!);
  }

  list(councilCode: string): ConsoleAccount[] {
    return this.statements.ofCouncil.all(councilCode).map(accountOf);
  }

  find(email: string): ConsoleAccount | undefined {
    const row = this.statements.byEmail.get(normaliseEmail(email));
    return row ? accountOf(row) : undefined;
  }

  /** Stops the person signing in and ends their sessions at once. */
  disable(email: string): ConsoleAccount {
    const row = this.existing(email);
    this.database.transaction(() => {
      this.statements.disable.run(new Date(this.now()).toISOString(), row.id);
      this.statements.endSessions.run(row.id);
    })();
    return accountOf(this.statements.byId.get(row.id)!);
  }

  /** Lifts a lock-out and forgets the wrong passwords so far. */
  unlock(email: string): ConsoleAccount {
    const row = this.existing(email);
    this.statements.setAttempts.run(0, null, row.id);
    return accountOf(this.statements.byId.get(row.id)!);
  }

  /** Sets a new password, lifts any lock-out and ends every session (someone else may have known the old one). */
  async resetPassword(email: string, password: string): Promise<ConsoleAccount> {
    const row = this.existing(email);
    const weak = passwordProblem(password);
    if (weak) throw new ConsoleAccountError(weak);
    const hash = await hashPassword(password, this.passwordCost);
    this.database.transaction(() => {
      this.statements.setPassword.run(hash, row.id);
      this.statements.endSessions.run(row.id);
    })();
    return accountOf(this.statements.byId.get(row.id)!);
  }

  /** Checks an email and password; on success the person, otherwise a sentence to show. */
  async signIn(emailGiven: string, password: string): Promise<SignInOutcome> {
    const notRight = { ok: false, reason: 'not-right', message: SIGN_IN_NOT_RIGHT } as const;
    const row = this.statements.byEmail.get(normaliseEmail(emailGiven));
    if (!row || row.disabled_at !== null) {
      // The same scrypt work as a real attempt: a quick answer would say the address has no (live) account.
      await verifyPassword(password, row?.password_hash ?? (await this.dummy()));
      return notRight;
    }
    const reserved = this.reserveAttempt(row.id);
    if (reserved.paused) return this.paused(reserved.until);

    if (!(await verifyPassword(password, row.password_hash))) {
      const until = this.recordWrongPassword(row.id);
      return until === null ? notRight : this.paused(until);
    }
    this.statements.setAttempts.run(0, null, row.id);
    if (needsRehash(row.password_hash, this.passwordCost)) {
      // Raised cost: store the stronger hash now that the password is known (unless it changed meanwhile).
      this.statements.rehash.run(await hashPassword(password, this.passwordCost), row.id, row.password_hash);
    }
    if (!this.isServed(row.council_code)) {
      return { ok: false, reason: 'council-not-served', message: `This council host does not serve your council (${row.council_code}), so its console cannot be used here.` };
    }
    return { ok: true, person: personOf(row) };
  }

  /** Counts this attempt as wrong until its password proves right; refuses while sign-in is paused. */
  private reserveAttempt(id: string): { paused: false } | { paused: true; until: number } {
    // IMMEDIATE: the read and the write are one step even with the CLI or a second host on the same file.
    return this.database
      .transaction((): { paused: false } | { paused: true; until: number } => {
        const now = this.now();
        const row = this.statements.byId.get(id)!;
        if (row.locked_until !== null && row.locked_until > now) return { paused: true, until: row.locked_until };
        // A pause that has run out starts a fresh count.
        const attempts = (row.locked_until !== null ? 0 : row.failed_attempts) + 1;
        if (attempts > this.lockout.maxFailedAttempts) {
          // Only reachable by attempts sent together: the others are still being checked.
          const until = now + this.lockout.pauseMs;
          this.statements.setAttempts.run(attempts, until, id);
          return { paused: true, until };
        }
        this.statements.setAttempts.run(attempts, null, id);
        return { paused: false };
      })
      .immediate();
  }

  /** After a wrong password: pauses sign-in when this was the last allowed; returns until when, or null. */
  private recordWrongPassword(id: string): number | null {
    return this.database
      .transaction((): number | null => {
        const row = this.statements.byId.get(id)!;
        if (row.locked_until !== null) return row.locked_until;
        if (row.failed_attempts < this.lockout.maxFailedAttempts) return null;
        const until = this.now() + this.lockout.pauseMs;
        this.statements.setAttempts.run(row.failed_attempts, until, id);
        return until;
      })
      .immediate();
  }

  private paused(until: number): SignInOutcome {
    const minutes = Math.max(1, Math.ceil((until - this.now()) / 60_000));
    return {
      ok: false,
      reason: 'paused',
      pausedUntil: until,
      message:
        `Sign-in to this account is paused for ${minutes} minute${minutes === 1 ? '' : 's'} after ${this.lockout.maxFailedAttempts} wrong passwords in a row. ` +
        `Try again after ${LONDON_TIME.format(until)} (UK time), or ask whoever manages your council's console accounts to unlock it.`,
    };
  }

  private existing(email: string): AccountRow {
    const row = this.statements.byEmail.get(normaliseEmail(email));
    if (!row) throw new ConsoleAccountError(`There is no console account for ${normaliseEmail(email)}.`);
    return row;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('base64'), this.passwordCost);
    return this.dummyHash;
  }
}

function accountOf(row: AccountRow): ConsoleAccount {
  return {
    id: row.id,
    councilCode: row.council_code,
    email: row.email,
    name: row.name,
    roles: rolesOf(row.roles),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
  };
}
