// Console accounts: who may sign in, the one sentence for every refusal, and lock-out on an injected clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleAccountError, ConsoleAccounts, SIGN_IN_NOT_RIGHT } from '../../subgraphs/council/console/auth/accounts.js';
import { TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/passwords.js';
import { ConsoleSessions } from '../../subgraphs/council/console/auth/sessions.js';
import { openDisruptionsDatabase } from '../../subgraphs/council/disruptions/disruption-store.js';

const READING = 'E06000038';
const PASSWORD = 'correct horse battery staple';
const START = Date.parse('2026-12-01T09:00:00Z');

let dir: string;
let database: Database.Database;
let now: number;
let accounts: ConsoleAccounts;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-console-accounts-'));
  database = openDisruptionsDatabase(join(dir, 'disruptions.sqlite'));
  now = START;
  accounts = new ConsoleAccounts(database, { now: () => now, passwordCost: TEST_SCRYPT_COST });
  await accounts.create({ councilCode: READING, email: 'Ann.Editor@Reading.gov.uk ', name: 'Ann Editor', roles: ['editor'], password: PASSWORD });
});

afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('creating console accounts', () => {
  it('stores the email lower-cased, the roles, and only a hash of the password', () => {
    const [account] = accounts.list(READING);
    expect(account).toMatchObject({ councilCode: READING, email: 'ann.editor@reading.gov.uk', name: 'Ann Editor', roles: ['editor'], disabledAt: null });
    const stored = database.prepare('SELECT password_hash FROM console_accounts').pluck().get() as string;
    expect(stored).toMatch(/^\$scrypt\$/);
    expect(stored).not.toContain('horse');
  });

  it('names every problem with the input at once', async () => {
    const attempt = accounts.create({ councilCode: 'Reading', email: 'not an email', name: ' ', roles: ['admin'], password: 'short' });
    await expect(attempt).rejects.toThrow(ConsoleAccountError);
    await expect(attempt).rejects.toThrow(
      '"Reading" is not a GSS council code such as E06000038. "not an email" is not an email address such as name@council.gov.uk. ' +
        "Give the person's name in 1 to 100 characters, on one line. Give at least one role, editor (drafts) or publisher (publishes, changes, withdraws), not \"admin\". " +
        'A password must be at least 12 characters long (a few unrelated words make a good one). This one has 5.',
    );
    await expect(accounts.create({ councilCode: READING, email: 'b@reading.gov.uk', name: 'B', roles: [], password: PASSWORD })).rejects.toThrow(/at least one role/);
    expect(accounts.list(READING)).toHaveLength(1);
  });

  it('allows one account per email address, whatever its case', async () => {
    await expect(accounts.create({ councilCode: 'E06000023', email: 'ANN.EDITOR@reading.gov.uk', name: 'Ann', roles: ['publisher'], password: PASSWORD })).rejects.toThrow(
      'There is already an account for ann.editor@reading.gov.uk.',
    );
  });
});

describe('signing in', () => {
  it('signs in with the right password, whatever the case of the email', async () => {
    const outcome = await accounts.signIn('ANN.EDITOR@reading.gov.uk', PASSWORD);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect({ ...outcome.person, roles: [...outcome.person.roles] }).toMatchObject({ councilCode: READING, email: 'ann.editor@reading.gov.uk', roles: ['editor'] });
  });

  it('answers the same sentence for an unknown email, a wrong password and a disabled account', async () => {
    await accounts.create({ councilCode: READING, email: 'gone@reading.gov.uk', name: 'Gone', roles: ['editor'], password: PASSWORD });
    accounts.disable('gone@reading.gov.uk');
    const outcomes = [await accounts.signIn('nobody@reading.gov.uk', PASSWORD), await accounts.signIn('ann.editor@reading.gov.uk', 'wrong password!!'), await accounts.signIn('gone@reading.gov.uk', PASSWORD)];
    for (const outcome of outcomes) expect(outcome).toEqual({ ok: false, reason: 'not-right', message: SIGN_IN_NOT_RIGHT });
    expect(SIGN_IN_NOT_RIGHT).toBe('The email address or password is not right.');
  });

  it('spends the same scrypt work on an unknown email as on a wrong password', async () => {
    // A cost where hashing dominates (a few ms), so the comparison is about scrypt and not noise.
    const timed = new ConsoleAccounts(database, { now: () => now, passwordCost: { logN: 13, r: 8, p: 1 } });
    await timed.create({ councilCode: READING, email: 'timed@reading.gov.uk', name: 'Timed', roles: ['editor'], password: PASSWORD });
    await timed.signIn('warm-up@reading.gov.uk', 'wrong password!!');
    const median = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        await timed.signIn(email, 'wrong password!!');
        times.push(performance.now() - started);
        timed.unlock('timed@reading.gov.uk');
      }
      return times.sort((a, b) => a - b)[2];
    };
    const known = await median('timed@reading.gov.uk');
    const unknown = await median('nobody@reading.gov.uk');
    // Without the dummy hash an unknown email answers in well under a tenth of the time.
    expect(unknown).toBeGreaterThan(known * 0.4);
  });
});

describe('lock-out', () => {
  it('pauses sign-in for 15 minutes after 5 wrong passwords in a row, then lets the right password in', async () => {
    for (let i = 1; i <= 4; i++) expect(await accounts.signIn('ann.editor@reading.gov.uk', `wrong password ${i}`)).toMatchObject({ reason: 'not-right' });
    const fifth = await accounts.signIn('ann.editor@reading.gov.uk', 'wrong password 5');
    expect(fifth).toMatchObject({ ok: false, reason: 'paused', pausedUntil: START + 15 * 60_000 });
    // 09:15 UTC is 09:15 in London in December.
    if (!fifth.ok) {
      expect(fifth.message).toBe(
        "Sign-in to this account is paused for 15 minutes after 5 wrong passwords in a row. Try again after 09:15 (UK time), or ask whoever manages your council's console accounts to unlock it.",
      );
    }
    now += 14 * 60_000 + 59_000;
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ ok: false, reason: 'paused' });
    now += 1_000;
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ ok: true });
    expect(accounts.find('ann.editor@reading.gov.uk')).toMatchObject({ failedAttempts: 0, lockedUntil: null });
  });

  it('counts wrong passwords in a row only: a right one starts the count again', async () => {
    for (let i = 0; i < 4; i++) await accounts.signIn('ann.editor@reading.gov.uk', 'wrong password!!');
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) expect(await accounts.signIn('ann.editor@reading.gov.uk', 'wrong password!!')).toMatchObject({ reason: 'not-right' });
  });

  it('checks at most 5 passwords even when many guesses arrive at once', async () => {
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => accounts.signIn('ann.editor@reading.gov.uk', `guess number ${i}`)));
    expect(guesses.filter((g) => !g.ok && g.reason === 'not-right').length).toBeLessThanOrEqual(4);
    expect(guesses.every((g) => !g.ok)).toBe(true);
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ reason: 'paused' });
  });

  it('is lifted at once by an administrator', async () => {
    for (let i = 0; i < 5; i++) await accounts.signIn('ann.editor@reading.gov.uk', 'wrong password!!');
    accounts.unlock('ann.editor@reading.gov.uk');
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ ok: true });
  });
});

describe('managing accounts', () => {
  it('disabling or resetting a password ends the person\'s sessions; the new password works and the old does not', async () => {
    const sessions = new ConsoleSessions(database, { now: () => now });
    const id = accounts.find('ann.editor@reading.gov.uk')!.id;
    const first = sessions.start(id);
    await accounts.resetPassword('ann.editor@reading.gov.uk', 'a brand new passphrase');
    expect(sessions.resolve(first.sessionId)).toBeNull();
    expect(await accounts.signIn('ann.editor@reading.gov.uk', PASSWORD)).toMatchObject({ reason: 'not-right' });
    expect(await accounts.signIn('ann.editor@reading.gov.uk', 'a brand new passphrase')).toMatchObject({ ok: true });
    await expect(accounts.resetPassword('ann.editor@reading.gov.uk', 'short')).rejects.toThrow(/at least 12 characters/);

    const second = sessions.start(id);
    accounts.disable('ann.editor@reading.gov.uk');
    expect(sessions.resolve(second.sessionId)).toBeNull();
    expect(database.prepare('SELECT count(*) FROM console_sessions').pluck().get()).toBe(0);
  });

  it('lists only the council asked about', async () => {
    await accounts.create({ councilCode: 'E06000023', email: 'bob@bristol.gov.uk', name: 'Bob', roles: ['editor', 'publisher'], password: PASSWORD });
    expect(accounts.list(READING).map((a) => a.email)).toEqual(['ann.editor@reading.gov.uk']);
    expect(accounts.list('E06000023')).toMatchObject([{ email: 'bob@bristol.gov.uk', roles: ['editor', 'publisher'] }]);
  });

  it('says so when there is no such account', () => {
    expect(() => accounts.unlock('nobody@reading.gov.uk')).toThrow('There is no console account for nobody@reading.gov.uk.');
  });
});
