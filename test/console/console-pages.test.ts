// The console's pages over HTTP (fake sign-in, small-council.ts): the three steps and their messages,
// the preview's numbers, publishing, roles, other councils, CSRF, hour-by-hour changes, reminders, audit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISHER_ONLY } from '../../subgraphs/council/console/index.js';
import { startConsoleTestServer, type ConsoleTestServer } from './console-test-server.js';
import { SMALL_COUNCIL } from './small-council.js';

let server: ConsoleTestServer;
beforeAll(async () => {
  server = await startConsoleTestServer();
});
afterAll(async () => server?.close());
beforeEach(() => {
  server.clock.now = new Date('2026-11-16T08:00:00Z');
  server.store.database.exec('DELETE FROM disruption_drafts; DELETE FROM disruption_audit; DELETE FROM webhook_events; DELETE FROM disruptions;');
});

/** The page's text without tags, spaces collapsed, for asserting on what a person reads. */
const textOf = async (response: Response) =>
  (await response.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

const STEP_ONE = { reason: 'SEVERE_WEATHER', title: 'Snow in the north of town', detail: 'Take your bins back in.' };
const STEP_TWO = { area: 'postcodes', postcodes: 'ZZ1 1' };
const STEP_THREE = { 'starts-day': '16', 'starts-month': '11', 'starts-year': '2026', 'ends-day': '17', 'ends-month': '11', 'ends-year': '2026', effect: 'cancelled', services: 'all' };

/** Posts the three steps as `as`; returns the draft's id. */
async function draftThroughSteps(as: 'publisher' | 'editor' = 'publisher'): Promise<string> {
  const first = await server.post('/console/disruptions/new', STEP_ONE, as);
  expect(first.status).toBe(303);
  const id = /\/console\/drafts\/([^/]+)\/where$/.exec(first.headers.get('location')!)![1];
  expect((await server.post(`/console/drafts/${id}/where`, STEP_TWO, as)).headers.get('location')).toBe(`/console/drafts/${id}/when`);
  expect((await server.post(`/console/drafts/${id}/when`, STEP_THREE, as)).headers.get('location')).toBe(`/console/drafts/${id}/preview`);
  return id;
}

async function publish(id: string): Promise<string> {
  const published = await server.post(`/console/drafts/${id}/publish`, {}, 'publisher');
  expect(published.status).toBe(303);
  return /\/console\/disruptions\/([^?]+)\?published$/.exec(published.headers.get('location')!)![1];
}

describe('signing in first', () => {
  it('sends a person without a session to sign in, and back here afterwards', async () => {
    const response = await server.get('/console/disruptions/new');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fdisruptions%2Fnew');
  });
});

describe('posting in three steps', () => {
  it('names every problem of step 1, and keeps what was typed', async () => {
    const response = await server.post('/console/disruptions/new', { reason: 'NOT_A_REASON', title: '', detail: 'x'.repeat(2001) }, 'publisher');
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<title>Error: What happened');
    expect(body).toMatch(/govuk-error-summary/);
    expect(body).toContain('href="#reason">Select what happened');
    expect(body).toContain('href="#title">Enter a title residents will read');
    expect(body).toContain('The detail must be 2,000 characters or fewer (it has 2,001)');
    expect(server.store.drafts(SMALL_COUNCIL)).toEqual([]);
  });

  it('checks each area entry against the council’s own postcodes, naming the problem with each', async () => {
    const first = await server.post('/console/disruptions/new', STEP_ONE, 'publisher');
    const where = first.headers.get('location')!;
    const response = await server.post(where, { area: 'postcodes', postcodes: 'ZZ1 1AA\nnonsense\nZZ1 9ZZ\nZZ3\nZZ1 1' }, 'publisher');
    expect(response.status).toBe(400);
    const text = await textOf(response);
    expect(text).toContain('“nonsense” is not a postcode (like RG1 1AA), outward code (like RG1) or sector (like RG1 1)');
    expect(text).toContain('“ZZ1 9ZZ” is not a postcode in Smalltown Council');
    expect(text).toContain('“ZZ3” has no postcodes in Smalltown Council');
    expect(text).not.toContain('“ZZ1 1AA”');
    expect(text).not.toContain('“ZZ1 1”');
    // Rounds are offered as the council's own, and checked.
    const rounds = await server.post(where, { area: 'rounds', rounds: ['REF-MON', 'REF-SAT'] }, 'publisher');
    expect(await textOf(rounds)).toContain('“REF-SAT” is not one of Smalltown Council\'s rounds');
  });

  it('names the problems of step 3: dates, the delay and the services', async () => {
    const first = await server.post('/console/disruptions/new', STEP_ONE, 'publisher');
    const id = /drafts\/([^/]+)\//.exec(first.headers.get('location')!)![1];
    await server.post(`/console/drafts/${id}/where`, { area: 'council' }, 'publisher');
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...STEP_THREE, 'starts-day': '31', 'starts-month': '2' }, 'The first day must be a real date'],
      [{ ...STEP_THREE, 'ends-day': '15' }, 'The last day must be the same as or after the first day'],
      [{ ...STEP_THREE, effect: 'delayed', 'delay-days': '40' }, 'Enter how many days later, a whole number from 1 to 31'],
      [{ ...STEP_THREE, services: 'some' }, 'Select at least one service'],
      [{ ...STEP_THREE, effect: '' }, 'Select what happens to collections'],
    ];
    for (const [fields, message] of cases) {
      const response = await server.post(`/console/drafts/${id}/when`, fields, 'publisher');
      expect(response.status).toBe(400);
      expect(await textOf(response)).toContain(message);
    }
  });

  it('previews exactly what it changes, then publishes: the draft becomes a disruption, audited', async () => {
    const id = await draftThroughSteps();
    const preview = await textOf(await server.get(`/console/drafts/${id}/preview`, 'publisher'));
    // Sector ZZ1 1 on 16 and 17 Nov: 2 Monday addresses and 1 Tuesday address, refuse and recycling each.
    expect(preview).toContain('It changes 6 collections at 3 addresses , from Monday 16 November 2026 to Tuesday 17 November 2026');
    expect(preview).toContain('1 Counting Street, Smalltown, ZZ1 1AA');
    expect(preview).toContain('Cancelled');
    expect(server.store.list(SMALL_COUNCIL)).toEqual([]);

    const disruptionId = await publish(id);
    const [published] = server.store.list(SMALL_COUNCIL);
    expect(published).toMatchObject({ id: disruptionId, title: 'Snow in the north of town', area: { kind: 'postcodes', postcodes: ['ZZ1 1'] }, startsOn: '2026-11-16', endsOn: '2026-11-17' });
    expect(server.store.drafts(SMALL_COUNCIL)).toEqual([]);
    const audit = server.store.auditTrail(SMALL_COUNCIL);
    expect(audit.map((e) => [e.action, e.actor, e.actorName])).toEqual([
      ['published', 'person:pat', 'Pat Publisher'],
      ['drafted', 'person:pat', 'Pat Publisher'],
    ]);
    // The webhook event was written with it.
    expect(server.store.database.prepare('SELECT type FROM webhook_events').pluck().all()).toEqual(['disruption.published']);
    // Publishing the same draft again finds nothing: it is gone.
    expect((await server.post(`/console/drafts/${id}/publish`, {}, 'publisher')).status).toBe(404);
  });

  it('goes back to the preview after a change made from it', async () => {
    const id = await draftThroughSteps();
    const changed = await server.post(`/console/drafts/${id}/what`, { ...STEP_ONE, title: 'Snow: north of town', return: 'preview' }, 'publisher');
    expect(changed.headers.get('location')).toBe(`/console/drafts/${id}/preview`);
  });

  it.each([
    ['snow-today', 'It changes 10 collections at 5 addresses , on Monday 16 November 2026'],
    ['day-late-this-week', 'It changes 14 collections at 7 addresses , from Monday 16 November 2026 to Sunday 22 November 2026'],
  ])('the %s template makes a complete draft and goes straight to its preview', async (name, sentence) => {
    const response = await server.post(`/console/templates/${name}`, {}, 'publisher');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/console\/drafts\/[^/]+\/preview$/);
    expect(await textOf(await server.get(response.headers.get('location')!, 'publisher'))).toContain(sentence);
  });
});

describe('roles: an editor drafts, only a publisher publishes or changes', () => {
  it('refuses an editor’s publish with a sentence, and writes nothing', async () => {
    const id = await draftThroughSteps('editor');
    const preview = await textOf(await server.get(`/console/drafts/${id}/preview`, 'editor'));
    expect(preview).toContain('a publisher at your council must publish it');
    expect(preview).not.toContain('Publish now');
    const refused = await server.post(`/console/drafts/${id}/publish`, {}, 'editor');
    expect(refused.status).toBe(403);
    expect(await textOf(refused)).toContain(PUBLISHER_ONLY);
    expect(server.store.list(SMALL_COUNCIL)).toEqual([]);
    expect(server.store.drafts(SMALL_COUNCIL)).toHaveLength(1);
    expect(server.store.auditTrail(SMALL_COUNCIL).map((e) => e.action)).toEqual(['drafted']);
  });

  it('refuses an editor’s change or withdrawal of a published disruption, confirmed or not', async () => {
    const disruptionId = await publish(await draftThroughSteps());
    const before = server.store.get(SMALL_COUNCIL, disruptionId);
    for (const [action, fields] of [
      ['withdraw', { confirm: 'yes' }],
      ['effect', { effect: 'delayed', 'delay-days': '2', confirm: 'yes' }],
      ['end-date', { until: 'open', confirm: 'yes' }],
    ] as const) {
      const refused = await server.post(`/console/disruptions/${disruptionId}/${action}`, fields, 'editor');
      expect(refused.status).toBe(403);
      expect(await textOf(refused)).toContain(PUBLISHER_ONLY);
    }
    expect(server.store.get(SMALL_COUNCIL, disruptionId)).toEqual(before);
    const page = await textOf(await server.get(`/console/disruptions/${disruptionId}`, 'editor'));
    expect(page).toContain('Only a publisher at your council can change or withdraw this disruption.');
  });
});

describe('another council’s person', () => {
  it('gets 404 for this council’s drafts and disruptions, exactly as for ids that do not exist, and changes nothing', async () => {
    const draftId = await draftThroughSteps();
    const disruptionId = await publish(await draftThroughSteps());
    const missing = await textOf(await server.get('/console/disruptions/00000000-0000-0000-0000-000000000000', 'stranger'));
    for (const path of [`/console/drafts/${draftId}/preview`, `/console/drafts/${draftId}/what`, `/console/disruptions/${disruptionId}`]) {
      const response = await server.get(path, 'stranger');
      expect(response.status).toBe(404);
      expect(await textOf(response)).toBe(missing);
    }
    for (const [path, fields] of [
      [`/console/drafts/${draftId}/publish`, {}],
      [`/console/drafts/${draftId}/what`, STEP_ONE],
      [`/console/drafts/${draftId}/discard`, {}],
      [`/console/disruptions/${disruptionId}/withdraw`, { confirm: 'yes' }],
      [`/console/disruptions/${disruptionId}/review`, {}],
    ] as const) {
      expect((await server.post(path, fields, 'stranger')).status).toBe(404);
    }
    expect(server.store.drafts(SMALL_COUNCIL).map((d) => d.input.title)).toEqual(['Snow in the north of town']);
    expect(server.store.get(SMALL_COUNCIL, disruptionId)?.withdrawnAt).toBeNull();
    // Their own dashboard shows none of it.
    const theirs = await textOf(await server.get('/console/', 'stranger'));
    expect(theirs).toContain('Otherton Council');
    expect(theirs).not.toContain('Snow in the north of town');
  });
});

describe('CSRF', () => {
  it.each([
    ['a wrong token', 'csrf-editor'],
    ['no token', null],
  ])('refuses a form with %s, and writes nothing', async (_name, csrf) => {
    const id = await draftThroughSteps();
    const writes = () => server.store.database.prepare('SELECT (SELECT count(*) FROM disruptions) + (SELECT count(*) FROM disruption_audit) + (SELECT count(*) FROM disruption_drafts)').pluck().get();
    const before = writes();
    for (const [path, fields] of [
      [`/console/drafts/${id}/publish`, {}],
      ['/console/disruptions/new', STEP_ONE],
      ['/console/templates/snow-today', {}],
      [`/console/drafts/${id}/discard`, {}],
    ] as const) {
      const refused = await server.post(path, fields, 'publisher', csrf);
      expect(refused.status).toBe(403);
      expect(await textOf(refused)).toContain('Nothing has been saved');
    }
    expect(writes()).toBe(before);
    expect(server.store.draft(SMALL_COUNCIL, id)?.input.title).toBe('Snow in the north of town');
  });
});

describe('hour by hour', () => {
  it('asks to confirm each change, then makes it and audits it', async () => {
    const id = await publish(await draftThroughSteps());
    const ask = await server.post(`/console/disruptions/${id}/end-date`, { until: 'date', 'ends-day': '20', 'ends-month': '11', 'ends-year': '2026' }, 'publisher');
    expect(ask.status).toBe(200);
    expect(await textOf(ask)).toContain('Extend it to end on Friday 20 November 2026 (it ended on Tuesday 17 November 2026).');
    expect(server.store.get(SMALL_COUNCIL, id)?.endsOn).toBe('2026-11-17');

    const done = await server.post(`/console/disruptions/${id}/end-date`, { until: 'date', 'ends-day': '20', 'ends-month': '11', 'ends-year': '2026', confirm: 'yes' }, 'publisher');
    expect(done.headers.get('location')).toBe(`/console/disruptions/${id}?changed`);
    expect(server.store.get(SMALL_COUNCIL, id)?.endsOn).toBe('2026-11-20');

    await server.post(`/console/disruptions/${id}/effect`, { effect: 'delayed', 'delay-days': '2', confirm: 'yes' }, 'publisher');
    expect(server.store.get(SMALL_COUNCIL, id)?.effect).toEqual({ kind: 'delayed', days: 2 });

    const audit = await textOf(await server.get('/console/audit', 'publisher'));
    expect(audit).toContain('Last day: Tuesday 17 November 2026 → Friday 20 November 2026');
    expect(audit).toContain('Effect: Collections cancelled → Collections delayed by 2 days');

    const same = await server.post(`/console/disruptions/${id}/effect`, { effect: 'delayed', 'delay-days': '2', confirm: 'yes' }, 'publisher');
    expect(same.status).toBe(400);
    expect(await textOf(same)).toContain('That is what it already says');

    const shorten = await server.post(`/console/disruptions/${id}/end-date`, { until: 'date', 'ends-day': '15', 'ends-month': '11', 'ends-year': '2026' }, 'publisher');
    expect(shorten.status).toBe(400);
    expect(await textOf(shorten)).toContain('The last day must be the same as or after the first day');

    const withdrawn = await server.post(`/console/disruptions/${id}/withdraw`, { confirm: 'yes' }, 'publisher');
    expect(withdrawn.headers.get('location')).toBe(`/console/disruptions/${id}?withdrawn`);
    expect(server.store.get(SMALL_COUNCIL, id)?.withdrawnAt).not.toBeNull();
    expect((await server.post(`/console/disruptions/${id}/effect`, { effect: 'cancelled', confirm: 'yes' }, 'publisher')).status).toBe(409);
    expect(server.store.auditTrail(SMALL_COUNCIL).map((e) => e.action)).toEqual(['withdrawn', 'changed', 'changed', 'published', 'drafted']);
    expect(await textOf(await server.get('/console/', 'publisher'))).toMatch(/Withdrawn .*Snow in the north of town/);
  });

  it('reminds the council of an open-ended disruption nobody has confirmed for 4 hours, until someone does', async () => {
    const id = await draftThroughSteps();
    await server.post(`/console/drafts/${id}/when`, { ...STEP_THREE, 'ends-day': '', 'ends-month': '', 'ends-year': '' }, 'publisher');
    const disruptionId = await publish(id);
    server.clock.now = new Date(Date.now() + 3 * 3_600_000);
    expect(await textOf(await server.get('/console/', 'publisher'))).not.toContain('Still correct');
    server.clock.now = new Date(Date.now() + 5 * 3_600_000);
    const reminded = await textOf(await server.get('/console/', 'publisher'));
    expect(reminded).toContain('Check open-ended disruptions');
    expect(reminded).toMatch(/Snow in the north of town is in force until further notice, and nobody has confirmed it for 5 hours/);

    expect((await server.post(`/console/disruptions/${disruptionId}/review`, {}, 'editor')).headers.get('location')).toBe('/console/?reviewed');
    expect(await textOf(await server.get('/console/', 'publisher'))).not.toContain('Check open-ended disruptions');
    expect(server.store.auditTrail(SMALL_COUNCIL)[0]).toMatchObject({ action: 'reviewed', actorName: 'Eddie Editor', disruptionId });
  });
});

describe('the audit trail and the dashboard', () => {
  it('names the token and the CLI as writers too, and escapes what people typed', async () => {
    server.store.create(SMALL_COUNCIL, { title: '<script>alert(1)</script>', reason: 'OTHER', area: { kind: 'council' }, effect: { kind: 'cancelled' }, startsOn: '2026-11-16' }, { kind: 'cli' });
    const viaToken = server.store.create(SMALL_COUNCIL, { title: 'From the council systems', reason: 'OTHER', area: { kind: 'council' }, effect: { kind: 'cancelled' }, startsOn: '2026-11-20', endsOn: '2026-11-20' });
    const audit = await server.get('/console/audit', 'publisher');
    const body = await audit.text();
    expect(body).toContain('An administrator (command line)');
    expect(body).toContain("The council's systems (API token)".replace("'", '&#39;'));
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const dashboard = await textOf(await server.get('/console/', 'publisher'));
    expect(dashboard).toMatch(/In force today .*alert\(1\).* Coming up .*From the council systems/);
    expect(viaToken.id).toBeTruthy();
  });
});
