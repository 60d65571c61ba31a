// GET/POST /console/sign-in and POST /console/sign-out: plain HTML forms, no JavaScript.
//
// Every answer is `no-store` (a console page is about one person's session and must not be kept by a
// shared computer's browser cache or a proxy). A refused form writes nothing: the CSRF check comes
// before anything else, and a refused sign-in does not even count as an attempt.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { projectPath } from '../../../../lib/project-path.js';
import { assetUrl } from '../../../../lib/web/assets.js';
import { field, readForm } from '../../../../lib/web/forms.js';
import { SafeHtml } from '../../../../lib/web/html.js';
import { redirect, sendHtml, sendText } from '../../../../lib/web/http.js';
import { createTemplateEnvironment, renderTemplate } from '../../../../lib/web/templates.js';
import type { ConsoleSession } from '../console-person.js';
import type { ConsoleAccounts } from './accounts.js';
import type { PasswordCheckGate } from './password-checks.js';
import { clearedCookie, consoleCookie, cookieOf, csrfMatches, SESSION_COOKIE, type ConsoleSessions } from './sessions.js';
import { SIGN_IN_COOKIE, SIGN_IN_TOKEN_LIFETIME_MS, type SignInTokens } from './sign-in-token.js';

export const SIGN_IN_PATH = '/console/sign-in';
export const SIGN_OUT_PATH = '/console/sign-out';
/** Where a person lands after signing in when no (safe) `next` was given. */
export const CONSOLE_HOME = '/console/';

/** From the project root, so the bundled dist/start.js finds them too. */
export const CONSOLE_TEMPLATES = projectPath('subgraphs', 'council', 'console', 'templates');
const environment = createTemplateEnvironment({ templateDirs: [CONSOLE_TEMPLATES, projectPath('lib', 'web', 'templates')] });

const NO_STORE = { 'cache-control': 'no-store' };
const PASSWORD_CHECKS_RETRY_AFTER_SECONDS = 5;
const SERVICE_NAME = 'Binfo council console';

export interface SignInRouteDeps {
  accounts: ConsoleAccounts;
  sessions: ConsoleSessions;
  signInTokens: SignInTokens;
  /** Bounds the scrypt checks in progress; a sign-in beyond it is answered 429 without being checked. */
  passwordChecks: PasswordCheckGate;
  now: () => number;
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * `next` made safe to redirect to: a path of this console on this origin, or null. Refuses other origins
 * (`https://evil.example`), protocol-relative and backslash tricks (`//evil.example`, `/\evil.example`),
 * and paths that normalise out of /console/ (`/console/../admin`).
 */
export function safeConsolePath(next: string | null | undefined): string | null {
  if (!next || next.length > 2000 || !next.startsWith('/console/') || /[\\\u0000-\u001f\u007f]/.test(next)) return null;
  const base = 'http://console.invalid';
  const url = new URL(next, base);
  if (url.origin !== base || !url.pathname.startsWith('/console/')) return null;
  if (url.pathname === SIGN_IN_PATH || url.pathname === SIGN_OUT_PATH) return null;
  return url.pathname + url.search;
}

/** The sign-in page that returns a person to `next` afterwards (for pages that need a session). */
export function signInPathFor(next?: string | null): string {
  const safe = safeConsolePath(next);
  return safe ? `${SIGN_IN_PATH}?next=${encodeURIComponent(safe)}` : SIGN_IN_PATH;
}

/** The layout's variables for a console page (binfo-layout.njk documents them). */
function layout(pageTitle: string, hasErrors: boolean) {
  return {
    htmlLang: 'en',
    pageTitle,
    hasErrors,
    errorPrefix: 'Error: ',
    serviceName: SERVICE_NAME,
    serviceUrl: CONSOLE_HOME,
    assets: { css: assetUrl('govuk-frontend.min.css'), binfoCss: assetUrl('binfo.css'), icon: assetUrl('binfo-icon.svg') },
    footerHeading: 'About this console',
    footerLines: ['Disruptions posted here reach residents through Binfo: its calendar feeds, its pages and the apps that use it.'],
  };
}

interface SignInView {
  next: string | null;
  email?: string;
  errors?: { text: string; href: string }[];
  fieldErrors?: { email?: string; password?: string };
  notice?: string;
}

export function signInRoutes(deps: SignInRouteDeps) {
  const { accounts, sessions, signInTokens } = deps;

  const sessionOf = (req: IncomingMessage): ConsoleSession | null => sessions.resolve(cookieOf(req, SESSION_COOKIE));

  /** The sign-in page with a fresh login-CSRF token in both the cookie and the form. */
  function sendSignInPage(req: IncomingMessage, res: ServerResponse, status: number, view: SignInView, extraCookies: string[] = []): void {
    const token = signInTokens.issue();
    const errors = view.errors ?? [];
    const page = renderTemplate(environment, 'sign-in.njk', {
      ...layout('Sign in', errors.length > 0),
      view: {
        action: view.next ? `${SIGN_IN_PATH}?next=${encodeURIComponent(view.next)}` : SIGN_IN_PATH,
        signInToken: token,
        email: view.email ?? '',
        errors,
        fieldErrors: view.fieldErrors ?? {},
        notice: view.notice,
      },
    });
    res.setHeader('set-cookie', [consoleCookie(SIGN_IN_COOKIE, token, SIGN_IN_TOKEN_LIFETIME_MS / 1000), ...extraCookies]);
    sendHtml(req, res, status, new SafeHtml(page), NO_STORE);
  }

  /** 403 with a clear sentence, for any console form whose CSRF token is not its session's. */
  function sendFormRefused(req: IncomingMessage, res: ServerResponse): void {
    const page = renderTemplate(environment, 'form-refused.njk', { ...layout('This form could not be accepted', false), view: { retryHref: CONSOLE_HOME } });
    sendHtml(req, res, 403, new SafeHtml(page), NO_STORE);
  }

  async function postSignIn(req: IncomingMessage, res: ServerResponse, next: string | null): Promise<void> {
    const form = await readForm(req);
    if ('problem' in form) return sendText(req, res, form.problem.status, `${form.problem.message}\n`, NO_STORE);
    const email = field(form.fields, 'email');
    // Not trimmed: spaces may be part of a password.
    const password = form.fields.get('password') ?? '';
    const formCookie = cookieOf(req, SIGN_IN_COOKIE);
    if (!signInTokens.matches(formCookie, form.fields.get('csrf'))) {
      deps.log?.({ level: 'warn', msg: 'console sign-in form refused: login CSRF token missing, expired or not this browser\'s' });
      // No cookie at all is usually a browser refusing Secure cookies (plain http:// other than localhost) or all cookies.
      const text = formCookie
        ? 'This sign-in form had expired or was not sent from this page. Enter your email address and password again.'
        : 'Your browser did not send back the cookie this sign-in page set. Allow cookies for this site, open the console over https:// (or http://localhost), and sign in again.';
      return sendSignInPage(req, res, 403, { next, email, errors: [{ text, href: '#email' }] });
    }
    const fieldErrors: { email?: string; password?: string } = {};
    if (!email) fieldErrors.email = 'Enter your email address';
    if (!password) fieldErrors.password = 'Enter your password';
    if (fieldErrors.email || fieldErrors.password) {
      const errors = (['email', 'password'] as const).flatMap((name) => (fieldErrors[name] ? [{ text: fieldErrors[name]!, href: `#${name}` }] : []));
      return sendSignInPage(req, res, 400, { next, email, errors, fieldErrors });
    }

    const checking = deps.passwordChecks.run(() => accounts.signIn(email, password));
    if (!checking) {
      deps.log?.({ level: 'warn', msg: 'console sign-in refused: too many password checks in progress' });
      res.setHeader('retry-after', String(PASSWORD_CHECKS_RETRY_AFTER_SECONDS));
      const text = 'Too many sign-ins are being checked right now. Wait a few seconds, then sign in again.';
      return sendSignInPage(req, res, 429, { next, email, errors: [{ text, href: '#password' }] });
    }
    const outcome = await checking;
    if (!outcome.ok) {
      deps.log?.({ level: 'info', msg: 'console sign-in refused', reason: outcome.reason });
      const view: SignInView = { next, email, errors: [{ text: outcome.message, href: '#password' }], fieldErrors: { password: outcome.message } };
      if (outcome.reason === 'paused') {
        res.setHeader('retry-after', String(Math.max(1, Math.ceil((outcome.pausedUntil - deps.now()) / 1000))));
        return sendSignInPage(req, res, 429, view);
      }
      return sendSignInPage(req, res, outcome.reason === 'council-not-served' ? 403 : 401, view);
    }

    // A new id at every sign-in (no fixation); a session this browser already had is ended, not reused.
    sessions.end(cookieOf(req, SESSION_COOKIE));
    const started = sessions.start(outcome.person.accountId);
    deps.log?.({ level: 'info', msg: 'console sign-in', accountId: outcome.person.accountId, councilCode: outcome.person.councilCode });
    res.setHeader('set-cookie', [consoleCookie(SESSION_COOKIE, started.sessionId), clearedCookie(SIGN_IN_COOKIE)]);
    redirect(req, res, next ?? CONSOLE_HOME);
  }

  async function postSignOut(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    if ('problem' in form) return sendText(req, res, form.problem.status, `${form.problem.message}\n`, NO_STORE);
    const session = sessionOf(req);
    if (!session) {
      // Already signed out (or expired): there is nothing to end, and nothing a forged form could do.
      res.setHeader('set-cookie', clearedCookie(SESSION_COOKIE));
      return redirect(req, res, SIGN_IN_PATH);
    }
    if (!csrfMatches(session, form.fields.get('csrf'))) return sendFormRefused(req, res);
    sessions.end(cookieOf(req, SESSION_COOKIE));
    deps.log?.({ level: 'info', msg: 'console sign-out', accountId: session.person.accountId });
    res.setHeader('set-cookie', clearedCookie(SESSION_COOKIE));
    redirect(req, res, `${SIGN_IN_PATH}?signed-out`);
  }

  async function routes(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === SIGN_IN_PATH) {
      const next = safeConsolePath(url.searchParams.get('next'));
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (sessionOf(req)) redirect(req, res, next ?? CONSOLE_HOME);
        else sendSignInPage(req, res, 200, { next, notice: url.searchParams.has('signed-out') ? 'You have signed out.' : undefined });
      } else if (req.method === 'POST') {
        await postSignIn(req, res, next);
      } else {
        sendText(req, res, 405, 'Open the sign-in page with GET, and send its form with POST.\n', { allow: 'GET, HEAD, POST', ...NO_STORE });
      }
      return true;
    }
    if (url.pathname === SIGN_OUT_PATH) {
      if (req.method === 'POST') await postSignOut(req, res);
      else sendText(req, res, 405, 'Sign out with the "Sign out" button on a console page.\n', { allow: 'POST', ...NO_STORE });
      return true;
    }
    return false;
  }

  return { routes, sessionOf, sendFormRefused };
}
