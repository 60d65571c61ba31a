// The council console attacked as an outsider would, on a real council host on 127.0.0.1: forged and
// borrowed CSRF tokens, an editor typing publisher URLs, another council's ids on every route, odd ids,
// methods and cookies, `next=` tricks, session fixation, impossible dates and effects, huge, repeated and
// non-UTF-8 fields, and markup in every field. Every refusal is a 4xx with a sentence, never a 5xx or a
// stack trace, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRISTOL, Browser, hiddenCsrf, PASSWORD, rawBytes, rawRequest, READING, startHostileHost, type Answer, type HostileHost } from './console-host.js';

let host: HostileHost;
let pat: Browser; // Reading publisher
let pam: Browser; // another Reading publisher: her CSRF token is not Pat's
let eddie: Browser; // Reading editor
let olive: Browser; // Bristol publisher
let readingDraft: string;
let readingDisruption: string;
let openEnded: string;

const STACK_TRACE = /at .+\(.*:\d+:\d+\)|node:internal|\.ts:\d+/;

function refusedWithASentence(answer: Answer, status?: number): void {
  if (status !== undefined) expect(answer.status).toBe(status);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.html).toMatch(/[A-Z][^.]{5,}\./);
  expect(answer.html).not.toMatch(STACK_TRACE);
}

async function fromTemplate(browser: Browser, template = 'snow-today'): Promise<string> {
  const answer = await browser.post(`/console/templates/${template}`, {});
  expect(answer.status).toBe(303);
  return /\/console\/drafts\/([0-9a-f-]+)\/preview/.exec(answer.headers.get('location')!)![1];
}

async function publish(browser: Browser, draftId: string): Promise<string> {
  const answer = await browser.post(`/console/drafts/${draftId}/publish`, {});
  expect(answer.status).toBe(303);
  return /\/console\/disruptions\/([0-9a-f-]+)\?published/.exec(answer.headers.get('location')!)![1];
}

beforeAll(async () => {
  host = await startHostileHost();
  const accounts = host.running.consoleAuth.accounts;
  const add = (email: string, councilCode: string, roles: string[]) => accounts.create({ councilCode, email, name: email.split('@')[0], roles, password: 'correct horse battery staple' });
  await add('pat@reading.gov.uk', READING, ['editor', 'publisher']);
  await add('pam@reading.gov.uk', READING, ['editor', 'publisher']);
  await add('eddie@reading.gov.uk', READING, ['editor']);
  await add('olive@bristol.gov.uk', BRISTOL, ['editor', 'publisher']);
  [pat, pam, eddie, olive] = [new Browser(host.base), new Browser(host.base), new Browser(host.base), new Browser(host.base)];
  for (const [browser, email] of [[pat, 'pat@reading.gov.uk'], [pam, 'pam@reading.gov.uk'], [eddie, 'eddie@reading.gov.uk'], [olive, 'olive@bristol.gov.uk']] as const) {
    expect((await browser.signIn(email)).status).toBe(303);
    expect(browser.csrf).not.toBe('');
  }
  readingDisruption = await publish(pat, await fromTemplate(pat, 'day-late-this-week'));
  // Open-ended, so end-date, effect and withdraw all have something to change.
  const draft = await fromTemplate(pat);
  expect((await pat.post(`/console/drafts/${draft}/when`, { 'starts-day': '16', 'starts-month': '11', 'starts-year': '2030', effect: 'cancelled', services: 'all' })).status).toBe(303);
  openEnded = await publish(pat, draft);
  readingDraft = await fromTemplate(pat);
});

afterAll(async () => {
  await host?.close();
});

/** Every POST route of the console, with fields that would change something if accepted. */
const writeRoutes = (): Array<{ path: string; fields: Record<string, string> }> => [
  { path: '/console/disruptions/new', fields: { reason: 'SEVERE_WEATHER', title: 'Forged' } },
  { path: '/console/templates/snow-today', fields: {} },
  { path: `/console/drafts/${readingDraft}/what`, fields: { reason: 'SEVERE_WEATHER', title: 'Forged' } },
  { path: `/console/drafts/${readingDraft}/where`, fields: { area: 'council' } },
  { path: `/console/drafts/${readingDraft}/when`, fields: { 'starts-day': '1', 'starts-month': '12', 'starts-year': '2026', effect: 'cancelled', services: 'all' } },
  { path: `/console/drafts/${readingDraft}/publish`, fields: {} },
  { path: `/console/drafts/${readingDraft}/discard`, fields: {} },
  { path: `/console/disruptions/${openEnded}/end-date`, fields: { until: 'date', 'ends-day': '20', 'ends-month': '11', 'ends-year': '2031', confirm: 'yes' } },
  { path: `/console/disruptions/${openEnded}/effect`, fields: { effect: 'leave-out', confirm: 'yes' } },
  { path: `/console/disruptions/${openEnded}/withdraw`, fields: { confirm: 'yes' } },
  { path: `/console/disruptions/${openEnded}/review`, fields: {} },
];

describe('CSRF', () => {
  it('refuses every console form with no token, an empty one, another session’s, or the sign-in form’s, and writes nothing', async () => {
    const signInPage = await new Browser(host.base).get('/console/sign-in');
    const signInToken = /name="csrf" value="([^"]+)"/.exec(signInPage.html)![1];
    const before = host.writes();
    for (const { path, fields } of writeRoutes()) {
      for (const csrf of [null, '', pam.csrf, signInToken, `${pat.csrf}x`, pat.csrf.slice(0, -1), [pat.csrf.toUpperCase()].join('')]) {
        const answer = await pat.post(path, { ...fields, csrf });
        refusedWithASentence(answer, 403);
        expect(answer.html).toContain('Nothing has been saved');
      }
    }
    expect(host.writes()).toEqual(before);
  });

  it('takes the first csrf field only: a right token after a wrong one does not pass', async () => {
    const before = host.writes();
    const answer = await pat.post(`/console/disruptions/${openEnded}/withdraw`, { csrf: ['wrong', pat.csrf], confirm: 'yes' });
    refusedWithASentence(answer, 403);
    expect(host.writes()).toEqual(before);
  });

  it('refuses a sign-out forged without the token, leaving the session alive', async () => {
    const answer = await pat.post('/console/sign-out', { csrf: null });
    refusedWithASentence(answer, 403);
    expect((await pat.get('/console/')).status).toBe(200);
  });
});

describe('an editor typing a publisher’s URLs', () => {
  it('is refused publish, end-date, effect and withdraw with 403 and a sentence, with a valid token, and nothing is written', async () => {
    const before = host.writes();
    for (const { path, fields } of writeRoutes().filter((r) => /publish|end-date|effect|withdraw/.test(r.path))) {
      const answer = await eddie.post(path, fields);
      refusedWithASentence(answer, 403);
      expect(answer.html).toContain('Only a publisher can publish, change or withdraw');
    }
    expect(host.writes()).toEqual(before);
  });
});

describe('another council’s person', () => {
  it('gets 404 for Reading’s draft and disruption ids on every route, GET and POST, sees none of it, and writes nothing', async () => {
    const before = host.writes();
    const title = host.running.store.get(READING, readingDisruption)!.title;
    const gets = [
      ...['what', 'where', 'when', 'preview', 'publish', 'discard'].map((step) => `/console/drafts/${readingDraft}/${step}`),
      `/console/disruptions/${readingDisruption}`,
      ...['end-date', 'effect', 'withdraw', 'review'].map((action) => `/console/disruptions/${openEnded}/${action}`),
    ];
    for (const path of gets) {
      const answer = await olive.get(path);
      // The action URLs redirect a GET to the disruption's page, which is then 404 too.
      if (answer.status === 303) {
        const next = await olive.get(answer.headers.get('location')!);
        refusedWithASentence(next, 404);
      } else refusedWithASentence(answer, 404);
      expect(answer.html).not.toContain(title);
    }
    for (const { path, fields } of writeRoutes().filter((r) => r.path.includes(readingDraft) || r.path.includes(openEnded))) {
      const answer = await olive.post(path, fields);
      refusedWithASentence(answer, 404);
    }
    // Her own dashboard and audit trail show nothing of Reading's.
    for (const path of ['/console/', '/console/audit']) {
      const page = await olive.get(path);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain(readingDisruption);
      expect(page.html).not.toContain(readingDraft);
    }
    expect(host.writes()).toEqual(before);
  });
});

describe('odd ids, paths and methods', () => {
  const oddIds = [
    "1' OR '1'='1",
    '1;DROP TABLE disruptions',
    'a'.repeat(64),
    'f'.repeat(5000),
    '%00',
    '..%2F..%2Fconsole',
    '%E2%80%AE',
    '%ZZ',
    '00000000-0000-0000-0000-000000000000',
  ];

  it('answers 404 (or 400 for an unreadable path) with a sentence for SQL-ish, very long, encoded and unknown ids on every route', async () => {
    const before = host.writes();
    for (const id of oddIds) {
      for (const path of [`/console/drafts/${id}/preview`, `/console/drafts/${id}/what`, `/console/disruptions/${id}`, `/console/disruptions/${id}/withdraw`]) {
        const got = await pat.get(path);
        if (got.status === 303) expect(got.headers.get('location')).toMatch(/^\/console\//);
        else refusedWithASentence(got);
        refusedWithASentence(await pat.post(path, { confirm: 'yes' }));
      }
    }
    expect(host.writes()).toEqual(before);
  });

  it('answers HEAD like GET without a body, and PUT, DELETE, PATCH and OPTIONS with 405 and Allow, on every route', async () => {
    const routes = [
      '/console',
      '/console/',
      '/console/audit',
      '/console/disruptions/new',
      '/console/templates/snow-today',
      `/console/drafts/${readingDraft}/preview`,
      `/console/drafts/${readingDraft}/what`,
      `/console/drafts/${readingDraft}/publish`,
      `/console/disruptions/${openEnded}`,
      `/console/disruptions/${openEnded}/withdraw`,
      '/console/sign-in',
      '/console/sign-out',
      '/console/no-such-page',
    ];
    const before = host.writes();
    for (const path of routes) {
      const head = await pat.request('HEAD', path);
      expect(head.status, `HEAD ${path}`).toBeLessThan(500);
      expect(head.html).toBe('');
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const answer = await pat.request(method, path, `csrf=${pat.csrf}&confirm=yes`);
        if (path === '/console/no-such-page') refusedWithASentence(answer);
        else {
          refusedWithASentence(answer, 405);
          expect(answer.headers.get('allow'), `${method} ${path}`).toBeTruthy();
        }
      }
    }
    // POST (with a valid token) to the read-only pages: 405 with Allow, as for the other methods.
    for (const path of ['/console/', '/console/audit', `/console/disruptions/${openEnded}`, `/console/drafts/${readingDraft}/preview`]) {
      const answer = await pat.post(path, { confirm: 'yes' });
      refusedWithASentence(answer, 405);
      expect(answer.headers.get('allow'), `POST ${path}`).toBe('GET, HEAD');
    }
    // Without a session too: the sign-in page, never an error.
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
      const answer = await new Browser(host.base).request(method, '/console/audit', method === 'GET' || method === 'HEAD' ? undefined : 'a=b');
      expect(answer.status, method).toBeLessThan(500);
    }
    expect(host.writes()).toEqual(before);
  });

  it('sends the step pages out of order back to the first unfilled step, and a GET of publish to the preview', async () => {
    const fresh = await pat.post('/console/disruptions/new', { reason: 'OPERATIONAL', title: 'Out of order' });
    expect(fresh.status).toBe(303);
    const id = /\/console\/drafts\/([0-9a-f-]+)\//.exec(fresh.headers.get('location')!)![1];
    const preview = await pat.get(`/console/drafts/${id}/preview`);
    expect(preview.status).toBe(303);
    expect(preview.headers.get('location')).toBe(`/console/drafts/${id}/where`);
    // A publish before `where` is filled in publishes nothing.
    const before = host.writes();
    const publish = await pat.post(`/console/drafts/${id}/publish`, {});
    expect(publish.status).toBe(303);
    expect(publish.headers.get('location')).toBe(`/console/drafts/${id}/where`);
    expect(host.writes()).toEqual(before);
  });
});

describe('cookies, sessions and next=', () => {
  it('answers odd session cookies with the sign-in page, never an error', async () => {
    const odd = [
      '__Host-binfo-console=',
      '__Host-binfo-console=' + 'A'.repeat(43),
      '__Host-binfo-console=' + 'A'.repeat(7000),
      '__Host-binfo-console="quoted"; __Host-binfo-console=x',
      '__Host-binfo-console=%ZZ%00',
      '__Host-binfo-console=a=b=c;;;;=;',
      '=; ; __Host-binfo-console',
    ];
    for (const cookie of odd) {
      const answer = await rawRequest(host.base, 'GET', '/console/audit', { cookie });
      expect(answer.status, String(cookie)).toBe(303);
      expect(String(answer.headers.location)).toMatch(/^\/console\/sign-in\?next=/);
    }
    // Bytes that are not Latin-1 text in the cookie header, as no HTTP client would send them.
    const bytes = Buffer.concat([Buffer.from('GET /console/audit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: __Host-binfo-console='), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\r\n\r\n')]);
    const answer = await rawBytes(host.base, bytes);
    expect(answer.status).toBeGreaterThanOrEqual(300);
    expect(answer.status).toBeLessThan(500);
  });

  it('does not keep a session id planted before sign-in (fixation): sign-in issues a new one and ends the old', async () => {
    const attacker = new Browser(host.base);
    await attacker.signIn('pam@reading.gov.uk');
    const planted = attacker.cookies.get('__Host-binfo-console')!;
    // The victim opens the sign-in form; the attacker's live session id is slipped into her browser before she sends it.
    const victim = new Browser(host.base);
    const form = await victim.get('/console/sign-in');
    victim.cookies.set('__Host-binfo-console', planted);
    const signedIn = await victim.request('POST', '/console/sign-in', new URLSearchParams({ csrf: hiddenCsrf(form.html)!, email: 'eddie@reading.gov.uk', password: PASSWORD }).toString());
    expect(signedIn.status).toBe(303);
    expect(victim.cookies.get('__Host-binfo-console')).not.toBe(planted);
    // The planted session is over: the attacker no longer shares anything with the victim.
    expect((await attacker.get('/console/')).status).toBe(303);
    const who = await victim.get('/console/');
    expect(who.html).toContain('eddie');
    // A made-up id the server never issued is not adopted either.
    const invented = new Browser(host.base);
    invented.cookies.set('__Host-binfo-console', 'B'.repeat(43));
    await invented.signIn('eddie@reading.gov.uk');
    expect(invented.cookies.get('__Host-binfo-console')).not.toBe('B'.repeat(43));
  });

  it('only ever sends a person back to a path of this console after sign-in, whatever next= says', async () => {
    const tricks = [
      '/console/../admin',
      '/console/%2e%2e/admin',
      '/console/%2E%2E%2Fadmin',
      '/\\evil.example',
      '/console/\\evil.example',
      '//evil.example',
      '/console//evil.example',
      'https://evil.example/console/',
      '/console/@evil.example',
      '%2F%2Fevil.example',
      '/console/%0d%0aSet-Cookie:%20a=b',
      'javascript:alert(1)',
      '/console/sign-out',
      '/console/sign-in?next=//evil.example',
      '\t/console/',
    ];
    for (const next of tricks) {
      const browser = new Browser(host.base);
      const answer = await browser.signIn('eddie@reading.gov.uk', undefined, `/console/sign-in?next=${encodeURIComponent(next)}`);
      expect(answer.status, next).toBe(303);
      const location = answer.headers.get('location')!;
      expect(location, next).toMatch(/^\/console\//);
      expect(location, next).not.toMatch(/^\/\/|\\|[\r\n]|^\/console\/sign-(in|out)/);
      expect(new URL(location, 'http://console.invalid').origin).toBe('http://console.invalid');
      expect(new URL(location, 'http://console.invalid').pathname.startsWith('/console/')).toBe(true);
    }
  });
});

describe('what is typed into the steps', () => {
  const when = (overrides: Record<string, string>) => ({
    'starts-day': '16',
    'starts-month': '11',
    'starts-year': '2026',
    effect: 'cancelled',
    services: 'all',
    ...overrides,
  });

  it('names the problem with impossible dates, years 0 and 99999, an end before the start, and odd delays; the draft is unchanged', async () => {
    const draft = await fromTemplate(pat);
    const before = host.writes();
    const bad: Record<string, string>[] = [
      { 'starts-day': '30', 'starts-month': '2', 'starts-year': '2026' },
      { 'starts-day': '1', 'starts-month': '1', 'starts-year': '0' },
      { 'starts-day': '1', 'starts-month': '1', 'starts-year': '99999' },
      { 'starts-day': '-1', 'starts-month': '1', 'starts-year': '2026' },
      { 'starts-day': '1e1', 'starts-month': '1', 'starts-year': '2026' },
      { 'starts-day': '１', 'starts-month': '1', 'starts-year': '2026' },
      { 'ends-day': '15', 'ends-month': '11', 'ends-year': '2026' },
      { effect: 'delayed', 'delay-days': '0' },
      { effect: 'delayed', 'delay-days': '-1' },
      { effect: 'delayed', 'delay-days': '1e9' },
      { effect: 'delayed', 'delay-days': '2.5' },
      { effect: 'delayed', 'delay-days': '32' },
      { effect: 'delayed', 'delay-days': '' },
      { effect: 'exploded' },
      { services: 'some', serviceTypes: 'PLUTONIUM' },
    ];
    for (const fields of bad) {
      const answer = await pat.post(`/console/drafts/${draft}/when`, when(fields));
      refusedWithASentence(answer, 400);
      expect(answer.html, JSON.stringify(fields)).toContain('There is a problem');
    }
    expect(host.writes()).toEqual(before);
  });

  it('names the problem with impossible changes to a published disruption (end dates, effects), and changes nothing', async () => {
    const before = host.writes();
    const bad: Array<[string, Record<string, string>]> = [
      ['end-date', { until: 'date', 'ends-day': '30', 'ends-month': '2', 'ends-year': '2031' }],
      ['end-date', { until: 'date', 'ends-day': '1', 'ends-month': '1', 'ends-year': '2000' }],
      ['end-date', { until: 'date', 'ends-day': '', 'ends-month': '', 'ends-year': '' }],
      ['end-date', { until: 'sometime' }],
      ['effect', { effect: 'delayed', 'delay-days': '1e9' }],
      ['effect', { effect: 'delayed', 'delay-days': '-1' }],
      ['effect', { effect: 'delayed', 'delay-days': '2.5' }],
      ['effect', { effect: '<b>gone</b>' }],
    ];
    for (const [action, fields] of bad) {
      for (const confirm of ['yes', '']) {
        const answer = await pat.post(`/console/disruptions/${openEnded}/${action}`, { ...fields, confirm });
        refusedWithASentence(answer, 400);
        expect(answer.html).toContain('There is a problem');
        expect(answer.html).not.toContain('<b>gone</b>');
      }
    }
    expect(host.writes()).toEqual(before);
  });

  it('accepts far-off real dates (0001, 9999) without breaking the preview, the publish or the disruption page', async () => {
    for (const year of ['0001', '9999']) {
      const draft = await fromTemplate(pat);
      const saved = await pat.post(`/console/drafts/${draft}/when`, when({ 'starts-day': '31', 'starts-month': '12', 'starts-year': year, effect: 'delayed', 'delay-days': '31' }));
      expect(saved.status, year).toBe(303);
      const preview = await pat.get(`/console/drafts/${draft}/preview`);
      expect(preview.status, year).toBe(200);
      const id = await publish(pat, draft);
      expect((await pat.get(`/console/disruptions/${id}`)).status).toBe(200);
      expect((await pat.get('/console/')).status).toBe(200);
      // And the council's graph still answers for the days around it.
      const graph = await fetch(`${host.base}/councils/${READING}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(graph.status).toBe(200);
    }
  });

  it('refuses a 10,000-character title, 10,000 postcode lines and a megabyte form with a sentence, and keeps the first of repeated fields', async () => {
    const before = host.writes();
    const longTitle = await pat.post(`/console/drafts/${readingDraft}/what`, { reason: 'OPERATIONAL', title: 'T'.repeat(10_000) });
    refusedWithASentence(longTitle, 400);
    expect(longTitle.html).toContain('The title must be 200 characters or fewer');
    const lines = Array.from({ length: 10_000 }, (_, i) => `RG${(i % 30) + 1} ${i % 10}`).join('\n');
    const manyPostcodes = await pat.post(`/console/drafts/${readingDraft}/where`, { area: 'postcodes', postcodes: lines });
    refusedWithASentence(manyPostcodes);
    const shortLines = await pat.post(`/console/drafts/${readingDraft}/where`, { area: 'postcodes', postcodes: Array.from({ length: 10_000 }, () => 'RG1').join('\n') });
    refusedWithASentence(shortLines, 400);
    expect(shortLines.html).toContain('Enter at most 1,000 postcodes, outward codes or sectors (there are 10,000)');
    const bigForm = await pat.post(`/console/drafts/${readingDraft}/what`, { reason: 'OPERATIONAL', title: 'x', detail: 'x'.repeat(1_000_000) });
    refusedWithASentence(bigForm, 413);
    // A form that is not urlencoded.
    refusedWithASentence(await pat.request('POST', `/console/drafts/${readingDraft}/what`, '{"title":"x"}', { 'content-type': 'application/json' }), 415);
    expect(host.writes()).toEqual(before);

    const repeated = await pat.post(`/console/drafts/${readingDraft}/what`, { reason: ['OPERATIONAL', 'SEVERE_WEATHER'], title: ['First title', 'Second title'] });
    expect(repeated.status).toBe(303);
    expect(host.running.store.draft(READING, readingDraft)!.input).toMatchObject({ reason: 'OPERATIONAL', title: 'First title' });
  });

  it('takes bytes that are not UTF-8 as replacement characters, never an error', async () => {
    const body = Buffer.concat([Buffer.from(`csrf=${pat.csrf}&reason=OPERATIONAL&title=`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x41]), Buffer.from('&detail=%FF%FE%C3%28')]);
    const answer = await rawRequest(host.base, 'POST', `/console/drafts/${readingDraft}/what`, {
      cookie: pat.cookieHeader(),
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
    }, body);
    expect(answer.status).toBeLessThan(500);
    const input = host.running.store.draft(READING, readingDraft)!.input;
    expect(input.title).toContain('\uFFFD');
    expect((await pat.get(`/console/drafts/${readingDraft}/what`)).status).toBe(200);
  });

  it('shows markup typed into every field as text on every page: steps, errors, preview, disruption, dashboard, audit', async () => {
    const script = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    const noRawMarkup = (answer: Answer, where: string) => {
      expect(answer.html, where).not.toContain('<script>alert');
      expect(answer.html, where).not.toContain('<img src=x');
    };
    // Errors echo what was typed: a title too long, a bad postcode, an unknown round and service.
    const tooLong = await pat.post(`/console/drafts/${readingDraft}/what`, { reason: script, title: script + 'x'.repeat(300), detail: script });
    noRawMarkup(tooLong, 'what (errors)');
    expect(tooLong.html).toContain(escaped);
    const where = await pat.post(`/console/drafts/${readingDraft}/where`, { area: 'postcodes', postcodes: script });
    noRawMarkup(where, 'where (errors)');
    expect(where.html).toContain(escaped);
    noRawMarkup(await pat.post(`/console/drafts/${readingDraft}/where`, { area: 'rounds', rounds: script }), 'rounds (errors)');
    noRawMarkup(await pat.post(`/console/drafts/${readingDraft}/when`, when({ 'starts-day': script, effect: script, 'delay-days': script, services: script })), 'when (errors)');

    expect((await pat.post(`/console/drafts/${readingDraft}/what`, { reason: 'OPERATIONAL', title: script, detail: script })).status).toBe(303);
    expect((await pat.post(`/console/drafts/${readingDraft}/where`, { area: 'council' })).status).toBe(303);
    expect((await pat.post(`/console/drafts/${readingDraft}/when`, when({}))).status).toBe(303);
    for (const step of ['what', 'preview']) {
      const page = await pat.get(`/console/drafts/${readingDraft}/${step}`);
      expect(page.status).toBe(200);
      noRawMarkup(page, step);
      expect(page.html).toContain(escaped);
    }
    const id = await publish(pat, readingDraft);
    for (const path of [`/console/disruptions/${id}`, '/console/', '/console/audit']) {
      const page = await pat.get(path);
      expect(page.status).toBe(200);
      noRawMarkup(page, path);
      expect(page.html, path).toContain(escaped);
    }
    readingDraft = await fromTemplate(pat);
  });
});

describe('sent twice, or many times at once', () => {
  it('publishes a draft once however many publish forms arrive together (a double-click, a replay)', async () => {
    const draft = await fromTemplate(pat);
    const before = host.running.store.list(READING).length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => pat.post(`/console/drafts/${draft}/publish`, {})));
    expect(answers.filter((a) => a.status === 303 && /\?published$/.test(a.headers.get('location')!))).toHaveLength(1);
    for (const a of answers.filter((a) => !/\?published$/.test(a.headers.get('location') ?? ''))) refusedWithASentence(a, 404);
    expect(host.running.store.list(READING).length).toBe(before + 1);
  });

  it('withdraws once: the repeats are refused with 409 and a sentence, one audit line', async () => {
    const id = await publish(pat, await fromTemplate(pat));
    const audit = () => host.running.store.auditTrail(READING, 1000).filter((e) => e.disruptionId === id && e.action === 'withdrawn').length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => pat.post(`/console/disruptions/${id}/withdraw`, { confirm: 'yes' })));
    expect(answers.filter((a) => a.status === 303)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 303)) refusedWithASentence(a, 409);
    expect(audit()).toBe(1);
  });

  it('checks at most five of twenty wrong passwords sent at once, then pauses sign-in even for the right one', async () => {
    await host.running.consoleAuth.accounts.create({ councilCode: READING, email: 'target@reading.gov.uk', name: 'Target', roles: ['editor'], password: PASSWORD });
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => new Browser(host.base).signIn('target@reading.gov.uk', `wrong guess number ${i}`)));
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    for (const g of guesses.filter((g) => g.status === 429)) expect(Number(g.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await new Browser(host.base).signIn('target@reading.gov.uk')).status).toBe(429);
  });
});

describe('the sign-in form, sent as no page would', () => {
  it('refuses huge, marked-up and missing fields, forms without or with another browser’s login token, and other encodings, with a 4xx sentence', async () => {
    const sessionsBefore = host.running.store.database.prepare('SELECT count(*) FROM console_sessions').pluck().get();
    const form = async () => {
      const browser = new Browser(host.base);
      const page = await browser.get('/console/sign-in');
      return { browser, csrf: hiddenCsrf(page.html)! };
    };
    const send = (browser: Browser, fields: Record<string, string>) => browser.request('POST', '/console/sign-in', new URLSearchParams(fields).toString());

    const markup = '"><script>alert(1)</script>@reading.gov.uk';
    let { browser, csrf } = await form();
    const marked = await send(browser, { csrf, email: markup, password: 'whatever it is' });
    refusedWithASentence(marked, 401);
    expect(marked.html).not.toContain('<script>alert(1)');
    expect(marked.html).toContain('&lt;script&gt;');

    ({ browser, csrf } = await form());
    refusedWithASentence(await send(browser, { csrf, email: 'e'.repeat(30_000), password: 'p'.repeat(30_000) }), 401);
    ({ browser, csrf } = await form());
    refusedWithASentence(await send(browser, { csrf, email: '', password: '' }), 400);
    ({ browser, csrf } = await form());
    refusedWithASentence(await send(browser, { csrf, email: 'eddie@reading.gov.uk', password: `${PASSWORD}${'x'.repeat(64 * 1024)}` }), 413);

    // Another browser's login token (both are validly signed), none at all, and a forged one.
    const other = await form();
    ({ browser, csrf } = await form());
    refusedWithASentence(await send(browser, { csrf: other.csrf, email: 'eddie@reading.gov.uk', password: PASSWORD }), 403);
    refusedWithASentence(await send(new Browser(host.base), { csrf, email: 'eddie@reading.gov.uk', password: PASSWORD }), 403);
    const forged = `${'A'.repeat(22)}.${Date.now()}.${'B'.repeat(43)}`;
    const forger = new Browser(host.base);
    forger.cookies.set('__Host-binfo-console-sign-in', forged);
    refusedWithASentence(await send(forger, { csrf: forged, email: 'eddie@reading.gov.uk', password: PASSWORD }), 403);
    ({ browser, csrf } = await form());
    refusedWithASentence(await browser.request('POST', '/console/sign-in', JSON.stringify({ csrf, email: 'eddie@reading.gov.uk', password: PASSWORD }), { 'content-type': 'application/json' }), 415);
    refusedWithASentence(await browser.request('POST', '/console/sign-in', `csrf=${csrf}&email=eddie%40reading.gov.uk&password=x`, { 'content-type': 'multipart/form-data; boundary=x' }), 415);
    // A next= too long to be a console page is dropped, not followed or echoed.
    const long = await new Browser(host.base).get(`/console/sign-in?next=/console/${'a'.repeat(3000)}`);
    expect(long.status).toBe(200);
    expect(long.html).not.toContain('a'.repeat(3000));

    expect(host.running.store.database.prepare('SELECT count(*) FROM console_sessions').pluck().get()).toBe(sessionsBefore);
  });
});
