// The disruptions API over real HTTP on a council host, checked through what residents get: the kit's
// GraphQL answers for a property change as disruptions are posted, edited and withdrawn.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

let dir: string;
let running: CouncilHostWithDisruptions;
let readingToken: string;
let bristolToken: string;
const logged: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-disruption-api-'));
  const bankHolidays = loadShippedBankHolidays();
  running = await startCouncilHostWithDisruptions({
    sources: [
      new FixtureCouncilSource({ councilCode: READING, label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays }),
      new FixtureCouncilSource({ councilCode: BRISTOL, label: 'Bristol-fixture', postcode: 'BS1 5TR', bankHolidays }),
    ],
    dbPath: join(dir, 'disruptions.sqlite'),
    port: 0,
    log: (entry) => logged.push(entry),
  });
  readingToken = running.tokens.issueToken(READING);
  bristolToken = running.tokens.issueToken(BRISTOL);
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  // Each test starts from no disruptions in force.
  for (const code of [READING, BRISTOL]) for (const d of running.store.forCouncil(code)) running.store.withdraw(code, d.id);
  logged.length = 0;
});

const collectionUrl = (code: string) => `${running.host.url}/councils/${code}/disruptions`;

async function send(method: string, url: string, body?: unknown, token?: string, raw?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const snow = {
  title: 'Snow: collections cancelled',
  reason: 'SEVERE_WEATHER',
  message: 'Take your bins in; we will collect next week.',
  area: { postcodes: ['RG1', 'RG2 6'] },
  effect: 'cancelled',
  startsOn: '2026-12-01',
  endsOn: '2026-12-02',
};

/** Collections of a Reading fixture property from 1 to 14 December 2026, as the kit answers the gateway. */
async function readingCollections(code = READING, uprn = '100000000001') {
  const result = await gql(
    running.host.councilUrl(code),
    `query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Property { collections(from: "2026-12-01", to: "2026-12-14") { date status originalDate changeReason note service { type } disruption { id title } } }
      }
    }`,
    { representations: [{ __typename: 'Property', councilCode: code, uprn }] },
  );
  expect(result.errors).toBeUndefined();
  return result.data._entities[0].collections as Array<{ date: string; status: string; originalDate: string | null; changeReason: string | null; note: string | null; service: { type: string }; disruption: { id: string; title: string } | null }>;
}

const food = (collections: Awaited<ReturnType<typeof readingCollections>>) => collections.filter((c) => c.service.type === 'FOOD_WASTE');

async function councilDisruptions(code: string, activeOn: string) {
  const result = await gql(
    running.host.councilUrl(code),
    `query($representations: [_Any!]!, $activeOn: Date) { _entities(representations: $representations) { ... on Council { disruptions(activeOn: $activeOn) { id title area effect delayDays startsOn endsOn } } } }`,
    { representations: [{ __typename: 'Council', code }], activeOn },
  );
  expect(result.errors).toBeUndefined();
  return result.data._entities[0].disruptions as Array<Record<string, unknown>>;
}

const countAll = () => running.store.list(READING).length + running.store.list(BRISTOL).length;

describe('posting, editing and withdrawing a disruption', () => {
  it('is reflected in the kit’s answers at every step', async () => {
    // Before: the regular Tuesday food collections.
    expect(food(await readingCollections()).map((c) => [c.date, c.status])).toEqual([
      ['2026-12-01', 'SCHEDULED'],
      ['2026-12-08', 'SCHEDULED'],
    ]);

    const posted = await send('POST', collectionUrl(READING), snow, readingToken);
    expect(posted.status).toBe(201);
    const id = posted.body.disruption.id as string;
    expect(posted.headers.get('location')).toBe(`/councils/${READING}/disruptions/${id}`);
    expect(posted.body.disruption).toMatchObject({ ...snow, councilCode: READING, serviceTypes: null, url: null, withdrawnAt: null });
    expect(logged).toContainEqual(expect.objectContaining({ council: READING, id, action: 'create' }));
    expect(JSON.stringify(logged)).not.toContain(readingToken);

    let collections = await readingCollections();
    expect(food(collections)[0]).toEqual({
      date: '2026-12-01',
      status: 'CANCELLED',
      originalDate: null,
      changeReason: 'SEVERE_WEATHER',
      note: snow.message,
      service: { type: 'FOOD_WASTE' },
      disruption: { id, title: snow.title },
    });
    // Outside the dates: untouched.
    expect(collections.filter((c) => c.date === '2026-12-08').every((c) => c.status === 'SCHEDULED' && c.disruption === null)).toBe(true);
    expect(await councilDisruptions(READING, '2026-12-01')).toEqual([
      { id, title: snow.title, area: 'Postcodes RG1, RG2 6', effect: 'CANCELLED', delayDays: null, startsOn: '2026-12-01', endsOn: '2026-12-02' },
    ]);
    expect(await councilDisruptions(READING, '2026-12-03')).toEqual([]);
    // Bristol is another council: nothing changes there.
    expect(food(await readingCollections(BRISTOL))[0]).toMatchObject({ date: '2026-12-01', status: 'SCHEDULED' });

    // Edit: delayed by two days instead.
    const edited = await send('PATCH', `${collectionUrl(READING)}/${id}`, { effect: { delayedDays: 2 } }, readingToken);
    expect(edited.status).toBe(200);
    expect(edited.body.disruption).toMatchObject({ id, title: snow.title, effect: { delayedDays: 2 } });
    expect(edited.body.disruption.updatedAt > posted.body.disruption.updatedAt).toBe(true);
    collections = await readingCollections();
    expect(food(collections)[0]).toMatchObject({ date: '2026-12-03', status: 'DELAYED', originalDate: '2026-12-01', changeReason: 'SEVERE_WEATHER', disruption: { id } });
    expect(food(collections).some((c) => c.date === '2026-12-01')).toBe(false);
    expect(await councilDisruptions(READING, '2026-12-02')).toMatchObject([{ id, effect: 'DELAYED', delayDays: 2 }]);

    // Withdraw: back to normal.
    const withdrawn = await send('DELETE', `${collectionUrl(READING)}/${id}`, undefined, readingToken);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.disruption.withdrawnAt).toEqual(expect.any(String));
    expect(food(await readingCollections())[0]).toMatchObject({ date: '2026-12-01', status: 'SCHEDULED', changeReason: null, disruption: null });
    expect(await councilDisruptions(READING, '2026-12-01')).toEqual([]);
    expect(logged.map((entry) => entry.action)).toEqual(['create', 'update', 'withdraw']);

    // Withdrawing again is harmless; editing a withdrawn one is refused.
    expect((await send('DELETE', `${collectionUrl(READING)}/${id}`, undefined, readingToken)).body).toEqual(withdrawn.body);
    const late = await send('PATCH', `${collectionUrl(READING)}/${id}`, { title: 'Back on' }, readingToken);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/withdrawn/);
  });

  it('lists every disruption publicly, newest first, withdrawn ones too, filtered by ?active', async () => {
    const first = (await send('POST', collectionUrl(READING), snow, readingToken)).body.disruption;
    const second = (await send('POST', collectionUrl(READING), { ...snow, title: 'Strike', reason: 'INDUSTRIAL_ACTION', area: 'council', effect: 'leave-out', startsOn: '2026-12-07', endsOn: null }, readingToken)).body.disruption;
    await send('DELETE', `${collectionUrl(READING)}/${first.id}`, undefined, readingToken);

    const all = await send('GET', collectionUrl(READING));
    expect(all.status).toBe(200);
    const ids = all.body.disruptions.map((d: any) => d.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(all.body.disruptions.find((d: any) => d.id === first.id).withdrawnAt).not.toBeNull();

    const active = await send('GET', `${collectionUrl(READING)}?active=2026-12-08`);
    expect(active.body.disruptions.map((d: any) => d.id)).toEqual([second.id]);
    expect((await send('GET', `${collectionUrl(READING)}?active=2026-12-01`)).body.disruptions).toEqual([]);
    expect((await send('GET', `${collectionUrl(READING)}/${second.id}`)).body.disruption).toEqual(second);
    expect((await send('GET', `${collectionUrl(READING)}?active=soon`)).status).toBe(400);
    expect((await send('GET', collectionUrl(BRISTOL))).body.disruptions.map((d: any) => d.id)).not.toContain(second.id);
  });
});

describe('refusing writes', () => {
  it('refuses a missing token with 401 and a WWW-Authenticate header, writing nothing', async () => {
    const before = countAll();
    const response = await send('POST', collectionUrl(READING), snow);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer/) });
    expect(countAll()).toBe(before);
  });

  it('refuses an unknown or revoked token with 401, writing nothing', async () => {
    const before = countAll();
    const forged = `binfo_${READING}_${'A'.repeat(43)}`;
    const response = await send('POST', collectionUrl(READING), snow, forged);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');

    const revoked = running.tokens.issueToken(READING);
    running.tokens.revokeTokens(READING);
    expect((await send('POST', collectionUrl(READING), snow, revoked)).status).toBe(401);
    expect((await send('POST', collectionUrl(READING), snow, readingToken)).status).toBe(401); // revoked along with it
    readingToken = running.tokens.issueToken(READING);
    expect(countAll()).toBe(before);
    expect(JSON.stringify(logged)).not.toContain(forged);
  });

  it('refuses Bristol’s token on Reading with 403, for every kind of write, writing nothing', async () => {
    const reading = (await send('POST', collectionUrl(READING), snow, readingToken)).body.disruption;
    const before = running.store.list(READING);
    const post = await send('POST', collectionUrl(READING), snow, bristolToken);
    expect(post.status).toBe(403);
    expect(post.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(BRISTOL) });
    expect((await send('PATCH', `${collectionUrl(READING)}/${reading.id}`, { title: 'Hijacked' }, bristolToken)).status).toBe(403);
    expect((await send('DELETE', `${collectionUrl(READING)}/${reading.id}`, undefined, bristolToken)).status).toBe(403);
    expect(running.store.list(READING)).toEqual(before);
    expect(running.store.list(BRISTOL)).toEqual([]);
  });

  it('does not let one council reach another council’s disruption by id', async () => {
    const bristol = (await send('POST', collectionUrl(BRISTOL), { ...snow, area: 'council' }, bristolToken)).body.disruption;
    const patch = await send('PATCH', `${collectionUrl(READING)}/${bristol.id}`, { title: 'Hijacked' }, readingToken);
    expect(patch.status).toBe(404);
    expect(patch.body.error.code).toBe('NOT_FOUND');
    expect((await send('DELETE', `${collectionUrl(READING)}/${bristol.id}`, undefined, readingToken)).status).toBe(404);
    expect((await send('GET', `${collectionUrl(READING)}/${bristol.id}`)).status).toBe(404);
    expect(running.store.get(BRISTOL, bristol.id)).toEqual(expect.objectContaining({ title: snow.title, withdrawnAt: null }));
  });

  it('refuses a malformed body with 400, listing every problem by field', async () => {
    const before = countAll();
    const response = await send(
      'POST',
      collectionUrl(READING),
      { title: '', reason: 'SNOW', area: { postcodes: ['XX', 'RG1'] }, effect: { delayedDays: 0 }, startsOn: '2026-12-05', endsOn: '2026-12-01', serviceTypes: ['BINS'], colour: 'red' },
      readingToken,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('BAD_USER_INPUT');
    expect(response.body.error.problems).toEqual(
      expect.arrayContaining([
        'title: must not be empty',
        expect.stringMatching(/^reason: must be one of BANK_HOLIDAY, SEVERE_WEATHER/),
        'area.postcodes[0]: "XX" is not a postcode ("RG4 5AB"), outward code ("RG1") or sector ("RG2 6")',
        'effect.delayedDays: must be at least 1',
        expect.stringMatching(/^serviceTypes\[0\]: must be one of GENERAL_WASTE/),
        'body: unknown field "colour"',
        'endsOn 2026-12-01 is before startsOn 2026-12-05',
      ]),
    );
    expect(response.body.error.problems).toHaveLength(7);

    const missing = await send('POST', collectionUrl(READING), { title: 'Snow' }, readingToken);
    expect(missing.body.error.problems).toEqual([
      expect.stringMatching(/^reason: is required \(must be one of BANK_HOLIDAY/),
      expect.stringMatching(/^area: is required \(must be "council"/),
      expect.stringMatching(/^effect: is required \(must be "cancelled"/),
      'startsOn: is required',
    ]);
    const notJson = await send('POST', collectionUrl(READING), undefined, readingToken, '{"title": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.problems[0]).toMatch(/^body: is not valid JSON/);
    expect((await send('POST', collectionUrl(READING), [snow], readingToken)).body.error.problems).toEqual(['body: must be a JSON object']);
    const emptyPatch = await send('PATCH', `${collectionUrl(READING)}/anything`, {}, readingToken);
    expect(emptyPatch.status).toBe(400);
    expect(countAll()).toBe(before);
  });

  it('checks an edit against the stored disruption: an edit that puts the end before the start is refused', async () => {
    const posted = (await send('POST', collectionUrl(READING), snow, readingToken)).body.disruption;
    const response = await send('PATCH', `${collectionUrl(READING)}/${posted.id}`, { startsOn: '2026-12-05' }, readingToken);
    expect(response.status).toBe(400);
    expect(response.body.error.problems).toEqual(['endsOn 2026-12-02 is before startsOn 2026-12-05']);
    expect(running.store.get(READING, posted.id)).toEqual(expect.objectContaining({ startsOn: '2026-12-01', updatedAt: posted.updatedAt }));
  });

  it('refuses bodies over 64 KB with 413', async () => {
    const before = countAll();
    const response = await send('POST', collectionUrl(READING), { ...snow, message: 'x'.repeat(70_000) }, readingToken);
    expect(response.status).toBe(413);
    expect(countAll()).toBe(before);
  });

  it('answers 404 for a council this host does not serve and 405 for other methods', async () => {
    const elsewhere = await send('POST', collectionUrl('E06000001'), snow, readingToken);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('NOT_FOUND');
    expect((await send('GET', `${running.host.url}/councils/reading/disruptions`)).status).toBe(404);
    const put = await send('PUT', collectionUrl(READING), snow, readingToken);
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('leaves the GraphQL routes of the host working', async () => {
    expect((await readingCollections()).length).toBeGreaterThan(0);
    expect((await fetch(`${running.host.url}/health`)).status).toBe(200);
  });
});
