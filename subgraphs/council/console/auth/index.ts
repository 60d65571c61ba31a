// The council console's sign-in: named people of a council, their passwords, sessions and the sign-in
// pages. The composition root: the council host builds one of these over the disruptions database and
// serves `routes`; the console's pages ask it `sessionOf(req)` and `csrfMatches(session, form.csrf)`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import type { ConsoleAuth } from '../console-person.js';
import { ConsoleAccounts, type LockoutSettings } from './accounts.js';
import { PasswordCheckGate, type PasswordCheckLimits } from './password-checks.js';
import type { ScryptCost } from './passwords.js';
import { ConsoleSessions, csrfMatches, type SessionSettings } from './sessions.js';
import { signInRoutes } from './sign-in-routes.js';
import { SignInTokens } from './sign-in-token.js';

export interface ConsoleAuthOptions {
  /** A connection opened by `openDisruptionsDatabase` (it has the console tables). */
  database: Database.Database;
  /** Epoch ms; injected so lock-out and expiry are tested without waiting. */
  now?: () => number;
  /** scrypt cost of new password hashes; the default is strong, tests pass TEST_SCRYPT_COST. */
  passwordCost?: ScryptCost;
  lockout?: Partial<LockoutSettings>;
  sessions?: Partial<SessionSettings>;
  /** Password checks running and queued at once (a sign-in flood is answered 429 beyond them). */
  passwordChecks?: Partial<PasswordCheckLimits>;
  /** Signs the sign-in form's login-CSRF token; random per process when absent. */
  signInKey?: Buffer;
  /** People of councils this host does not serve cannot sign in here. */
  isServed?: (councilCode: string) => boolean;
  log?: (entry: Record<string, unknown>) => void;
}

export interface ConsoleAuthService extends ConsoleAuth {
  accounts: ConsoleAccounts;
  sessions: ConsoleSessions;
  /** GET/POST /console/sign-in and POST /console/sign-out; true when the request was one of them. */
  routes(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** The 403 page for a console form whose CSRF token is wrong; the caller has written nothing. */
  sendFormRefused(req: IncomingMessage, res: ServerResponse): void;
}

export function createConsoleAuth(options: ConsoleAuthOptions): ConsoleAuthService {
  const now = options.now ?? Date.now;
  const accounts = new ConsoleAccounts(options.database, { now, passwordCost: options.passwordCost, lockout: options.lockout, isServed: options.isServed });
  const sessions = new ConsoleSessions(options.database, { now, settings: options.sessions });
  const signInTokens = new SignInTokens({ key: options.signInKey, now });
  const passwordChecks = new PasswordCheckGate(options.passwordChecks);
  const web = signInRoutes({ accounts, sessions, signInTokens, passwordChecks, now, log: options.log });
  return { accounts, sessions, sessionOf: web.sessionOf, csrfMatches, routes: web.routes, sendFormRefused: web.sendFormRefused };
}

export { signInPathFor, safeConsolePath, SIGN_IN_PATH, SIGN_OUT_PATH, CONSOLE_HOME } from './sign-in-routes.js';
export { SESSION_COOKIE } from './sessions.js';
export { TEST_SCRYPT_COST, DEFAULT_SCRYPT_COST, PASSWORD_RULE } from './passwords.js';
export { ConsoleAccountError, CONSOLE_ROLES } from './accounts.js';
