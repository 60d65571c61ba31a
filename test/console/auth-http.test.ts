// Console sign-in over real HTTP against a started council host: the form, its cookies and tokens, as a
// browser (or curl with a cookie jar) would use them. fetch keeps no cookies, so the test carries them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-path.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { safeConsolePath, TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/index.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { bundledScript } from '../support/script-bundle.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
/** A real council this host does not serve. */
const GEDLING = 'E07000173';
const PASSWORD = 'correct horse battery staple';
const SESSION_COOKIE = '__Host-binfo-console';
const SIGN_IN_COOKIE = '__Host-binfo-console-sign-in';

let dir: string;
let dbPath: string;
let running: CouncilHostWithDisruptions;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-console-http-'));
  dbPath = join(dir, 'disruptions.sqlite');
  const bankHolidays = loadShippedBankHolidays();
  running = await startCouncilHostWithDisruptions({
    sources: [
      new SampleCouncilSource({ code: READING, shortName: 'Reading', nation: 'ENGLAND' }, { lookup: () => READING }, bankHolidays),
      new SampleCouncilSource({ code: BRISTOL, shortName: 'Bristol', nation: 'ENGLAND' }, { lookup: () => BRISTOL }, bankHolidays),
    ],
    dbPath,
    port: 0,
    webhooks: false,
    consoleAuth: { passwordCost: TEST_SCRYPT_COST },
  });
  base = running.host.url;
  const add = (email: string, councilCode: string) => running.consoleAuth.accounts.create({ councilCode, email, name: email.split('@')[0], roles: ['editor'], password: PASSWORD });
  await add('ann@reading.gov.uk', READING);
  await add('locked@reading.gov.uk', READING);
  await add('guesser@reading.gov.uk', READING);
  await add('gail@gedling.gov.uk', GEDLING);
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The cookies a browser would keep for this origin, from Set-Cookie headers. */
class CookieJar {
  readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/;\s*Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(name.length + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function get(path: string, jar: CookieJar): Promise<{ response: Response; html: string }> {
  const response = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(response);
  return { response, html: await response.text() };
}

async function post(path: string, jar: CookieJar, fields: Record<string, string>): Promise<{ response: Response; html: string }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  jar.take(response);
  return { response, html: await response.text() };
}

const hiddenCsrf = (html: string) => /<input type="hidden" name="csrf" value="([^"]+)">/.exec(html)?.[1];

/** GET the form, then POST it as a person would. */
async function signIn(jar: CookieJar, email: string, password: string, path = '/console/sign-in') {
  const form = await get(path, jar);
  return post(path, jar, { csrf: hiddenCsrf(form.html)!, email, password });
}

const sessionRows = () => running.store.database.prepare('SELECT count(*) FROM console_sessions').pluck().get() as number;
const sessionOf = (jar: CookieJar) => running.consoleAuth.sessionOf({ headers: { cookie: jar.header() } } as IncomingMessage);

describe('the sign-in page', () => {
  it('is a GOV.UK form with labelled email and password fields, served no-store under the strict CSP', async () => {
    const jar = new CookieJar();
    const { response, html } = await get('/console/sign-in', jar);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('<form method="post" action="/console/sign-in" novalidate>');
    expect(html).toMatch(/<label class="govuk-label govuk-label--s" for="email">\s*Email address\s*<\/label>/);
    expect(html).toMatch(/<input class="govuk-input" id="email" name="email" type="email" spellcheck="false" value="" autocomplete="username">/);
    expect(html).toMatch(/<input class="govuk-input" id="password" name="password" type="password" spellcheck="false" autocomplete="current-password">/);
    expect(html).toMatch(/<button type="submit" class="govuk-button" data-module="govuk-button">\s*Sign in\s*<\/button>/);
    expect(html).not.toContain('<script');
    // The stylesheet it links is served by the council host itself.
    const css = /<link rel="stylesheet" href="(\/assets\/govuk-frontend\.min\.css\?v=[^"]+)">/.exec(html)?.[1];
    expect((await fetch(`${base}${css}`)).status).toBe(200);
  });

  it('sets its login-CSRF cookie HttpOnly, Secure and SameSite=Strict, with the same value in the form', async () => {
    const response = await fetch(`${base}/console/sign-in`);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-binfo-console-sign-in=[\w.-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=3600$/);
    expect(hiddenCsrf(await response.text())).toBe(cookie.split(';')[0].split('=')[1]);
  });
});

describe('signing in and out over HTTP', () => {
  it('signs in with the form, keeps the session in a Secure HttpOnly SameSite=Strict cookie, and signs out', async () => {
    const jar = new CookieJar();
    const before = sessionRows();
    const { response } = await signIn(jar, 'Ann@Reading.gov.uk', PASSWORD);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/');
    const setCookies = response.headers.getSetCookie();
    expect(setCookies).toContainEqual(expect.stringMatching(/^__Host-binfo-console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/));
    expect(setCookies).toContain(`${SIGN_IN_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`);
    expect(sessionRows()).toBe(before + 1);
    const session = sessionOf(jar)!;
    expect(session.person).toMatchObject({ email: 'ann@reading.gov.uk', councilCode: READING });

    // Signed in: the sign-in page sends the person on.
    expect((await get('/console/sign-in', jar)).response.headers.get('location')).toBe('/console/');

    const out = await post('/console/sign-out', jar, { csrf: session.csrfToken });
    expect(out.response.status).toBe(303);
    expect(out.response.headers.get('location')).toBe('/console/sign-in?signed-out');
    expect(out.response.headers.getSetCookie()).toEqual([`${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`]);
    expect(sessionRows()).toBe(before);
    expect((await get('/console/sign-in?signed-out', jar)).html).toContain('You have signed out.');
  });

  it('refuses a sign-out whose CSRF token is not the session\'s with a 403 page, and ends nothing', async () => {
    const jar = new CookieJar();
    await signIn(jar, 'ann@reading.gov.uk', PASSWORD);
    const other = new CookieJar();
    await signIn(other, 'ann@reading.gov.uk', PASSWORD);
    const rows = sessionRows();
    for (const csrf of ['', 'forged', sessionOf(other)!.csrfToken]) {
      const refused = await post('/console/sign-out', jar, { csrf });
      expect(refused.response.status).toBe(403);
      expect(refused.html).toContain('Nothing has been saved. The form was not sent from a page of this console in your current session');
      expect(refused.response.headers.getSetCookie()).toEqual([]);
    }
    expect(sessionRows()).toBe(rows);
    expect(sessionOf(jar)).not.toBeNull();
  });

  it('refuses a sign-in form that did not come from this browser\'s sign-in page (login CSRF), writing nothing', async () => {
    const victim = new CookieJar();
    await get('/console/sign-in', victim);
    // The attacker has a valid form token of their own, but cannot put their cookie in the victim's browser.
    const attacker = new CookieJar();
    const attackersForm = await get('/console/sign-in', attacker);
    const rows = sessionRows();
    for (const csrf of [hiddenCsrf(attackersForm.html)!, '']) {
      const refused = await post('/console/sign-in', victim, { csrf, email: 'ann@reading.gov.uk', password: PASSWORD });
      expect(refused.response.status).toBe(403);
      expect(refused.html).toContain('This sign-in form had expired or was not sent from this page. Enter your email address and password again.');
      expect(refused.response.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    }
    // And with no cookie at all, as a cross-site POST would arrive.
    const bare = await post('/console/sign-in', new CookieJar(), { csrf: hiddenCsrf(attackersForm.html)!, email: 'ann@reading.gov.uk', password: PASSWORD });
    expect(bare.response.status).toBe(403);
    expect(bare.html).toContain('Your browser did not send back the cookie this sign-in page set.');
    expect(sessionRows()).toBe(rows);
  });

  it('answers a wrong password and an unknown email with the same sentence, and pauses sign-in after 5 wrong passwords', async () => {
    const jar = new CookieJar();
    const wrong = await signIn(jar, 'locked@reading.gov.uk', 'not the password');
    const unknown = await signIn(jar, 'nobody@reading.gov.uk', 'not the password');
    for (const { response, html } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(html).toContain('<title>Error: Sign in – Binfo council console</title>');
      expect(html).toMatch(/<a href="#password">The email address or password is not right.<\/a>/);
    }
    // The email is kept; the password never comes back.
    expect(wrong.html).toContain('value="locked@reading.gov.uk"');
    expect(wrong.html).not.toContain('not the password');
    for (let i = 2; i <= 4; i++) expect((await signIn(jar, 'locked@reading.gov.uk', 'not the password')).response.status).toBe(401);
    const paused = await signIn(jar, 'locked@reading.gov.uk', 'not the password');
    expect(paused.response.status).toBe(429);
    expect(Number(paused.response.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(paused.html).toContain('Sign-in to this account is paused for 15 minutes after 5 wrong passwords in a row.');
    const rightButPaused = await signIn(jar, 'locked@reading.gov.uk', PASSWORD);
    expect(rightButPaused.response.status).toBe(429);
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('asks for what is missing, field by field', async () => {
    const { response, html } = await signIn(new CookieJar(), '', '');
    expect(response.status).toBe(400);
    expect(html).toMatch(/<a href="#email">Enter your email address<\/a>/);
    expect(html).toMatch(/<a href="#password">Enter your password<\/a>/);
  });

  it('does not sign in a person of a council this host does not serve', async () => {
    const { response, html } = await signIn(new CookieJar(), 'gail@gedling.gov.uk', PASSWORD);
    expect(response.status).toBe(403);
    expect(html).toContain('This council host does not serve your council (E07000173)');
  });

  it('returns to a console page given as next, and never to another site', async () => {
    const back = await signIn(new CookieJar(), 'ann@reading.gov.uk', PASSWORD, `/console/sign-in?next=${encodeURIComponent('/console/drafts/42?step=where')}`);
    expect(back.response.headers.get('location')).toBe('/console/drafts/42?step=where');
    const evil = await signIn(new CookieJar(), 'ann@reading.gov.uk', PASSWORD, `/console/sign-in?next=${encodeURIComponent('//evil.example')}`);
    expect(evil.response.status).toBe(303);
    expect(evil.response.headers.get('location')).toBe('/console/');
  });

  it.each([
    ['//evil.example', null],
    ['//evil.example/console/', null],
    ['https://evil.example/console/', null],
    ['/\\evil.example/console/', null],
    ['/console/../admin', null],
    ['/console/\\..\\x', null],
    ['javascript:alert(1)', null],
    ['/console/sign-out', null],
    ['/console/', '/console/'],
    ['/console/disruptions/abc?x=1', '/console/disruptions/abc?x=1'],
  ])('next=%s is %s', (next, expected) => {
    expect(safeConsolePath(next)).toBe(expected);
  });

  it('answers other methods and form types with a sentence, not a 500', async () => {
    const getSignOut = await fetch(`${base}/console/sign-out`);
    expect(getSignOut.status).toBe(405);
    expect(await getSignOut.text()).toBe('Sign out with the "Sign out" button on a console page.\n');
    const json = await fetch(`${base}/console/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
  });
});

describe('npm run console-account', () => {
  /** The command as an administrator runs it, with the password piped in. */
  async function consoleAccount(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const bundle = await bundledScript('scripts/console-account.ts');
    const child = spawn(process.execPath, [bundle, ...args], { cwd: projectPath(), env: { ...process.env, BINFO_DISRUPTIONS_DB: dbPath } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(stdin);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  }

  it('adds a person who can then sign in on the running host', async () => {
    const added = await consoleAccount(['add', '--council', READING, '--email', 'Cli.Person@Reading.gov.uk', '--name', 'Cli Person', '--role', 'editor', '--role', 'publisher'], 'a piped passphrase here\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('Added Cli Person <cli.person@reading.gov.uk> to Reading Borough Council (E06000038) as editor and publisher.\n');

    const jar = new CookieJar();
    const { response } = await signIn(jar, 'cli.person@reading.gov.uk', 'a piped passphrase here');
    expect(response.status).toBe(303);
    expect([...sessionOf(jar)!.person.roles]).toEqual(['editor', 'publisher']);

    const listed = await consoleAccount(['list', '--council', READING], '');
    expect(listed.stdout).toContain('cli.person@reading.gov.uk  Cli Person  editor, publisher  active\n');

    const disabled = await consoleAccount(['disable', '--email', 'cli.person@reading.gov.uk'], '');
    expect(disabled.code).toBe(0);
    // The running host sees it at once: the session has ended.
    expect(sessionOf(jar)).toBeNull();
  });

  it('refuses with sentences and a non-zero exit code', async () => {
    const [weak, unknownCouncil, missing] = await Promise.all([
      consoleAccount(['add', '--council', READING, '--email', 'x@reading.gov.uk', '--name', 'X', '--role', 'editor'], 'short\n'),
      consoleAccount(['add', '--council', 'E99999999', '--email', 'x@reading.gov.uk', '--name', 'X', '--role', 'editor'], `${PASSWORD}\n`),
      consoleAccount(['add', '--council', READING], ''),
    ]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('A password must be at least 12 characters long');
    expect(unknownCouncil.code).toBe(1);
    expect(unknownCouncil.stderr).toContain('"E99999999" is not the GSS code of a council Binfo knows');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('add needs --email.');
  });
});
