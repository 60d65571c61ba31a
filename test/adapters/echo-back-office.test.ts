// The back-office adapter with the Echo mapping, against a fake Echo on 127.0.0.1: UTC timestamps
// that mean midnight UK time, moved tasks, the SOAP-to-JSON list quirks, caching, timeouts and
// serving the last good answer when Echo fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backOfficeCouncil, type BackOfficeCouncilOptions } from '../../subgraphs/council/adapters/back-office/back-office-council.js';
import { echoMapping, ukDay } from '../../subgraphs/council/adapters/back-office/echo/echo-mapping.js';
import { ResponseCache } from '../../subgraphs/council/adapters/back-office/response-cache.js';
import { startFakeEcho, type FakeEcho } from './fake-echo.js';
import { FIXTURES, bankHolidays, describeCollection, lines } from './support.js';

let echo: FakeEcho;
let warnings: string[];

beforeAll(async () => {
  echo = await startFakeEcho();
});
afterAll(async () => {
  await echo?.close();
});
beforeEach(() => {
  echo.behaviour.clear();
  warnings = [];
});

function council(overrides: Partial<BackOfficeCouncilOptions> = {}) {
  return backOfficeCouncil({
    councilCode: 'E09000006',
    town: 'Bromley',
    baseDir: `${FIXTURES}echo`,
    mapping: echoMapping({ baseUrl: `${echo.url}/`, headers: { 'x-api-key': 'test-key' } }),
    addresses: 'addresses.csv',
    services: [
      { id: 'refuse', match: 'Refuse', type: 'GENERAL_WASTE', name: 'Non-recyclable refuse', colour: 'green' },
      { id: 'recycling', match: '/^mixed recycling/', type: 'RECYCLING', name: 'Mixed recycling', colour: 'blue' },
    ],
    rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
    bankHolidays,
    // Generous: a loaded CI machine can take a while to answer even on loopback; the timeout test sets its own.
    timeoutMs: 5_000,
    cacheMinutes: 60,
    window: { daysBefore: 28, daysAfter: 120 },
    onWarning: (message) => warnings.push(message),
    ...overrides,
  });
}

describe('Echo task dates', () => {
  it.each([
    ['midnight BST written in UTC', '2026-06-30T23:00:00Z', '2026-07-01'],
    ['midnight GMT', '2026-12-30T00:00:00Z', '2026-12-30'],
    ['an explicit offset', '2026-07-01T00:00:00+01:00', '2026-07-01'],
    ['wall-clock time with no zone', '2026-07-01T00:00:00', '2026-07-01'],
    ['nonsense', 'soon', null],
  ])('reads %s as the UK day', (_name, timestamp, day) => {
    expect(ukDay(timestamp)).toBe(day);
  });
});

describe('an Echo council', () => {
  it('reads a summer of collections on the right UK days, with a bank-holiday-week move', async () => {
    const { source } = await council().load();
    const [property] = await source.propertiesByUprn(['100090000001']);
    const collections = await source.collections(property!, { from: '2026-06-15', to: '2026-09-20' });
    expect(collections.map(describeCollection)).toEqual(lines(`
      2026-06-17 refuse
      2026-06-24 recycling
      2026-07-01 refuse       # stamped 2026-06-30T23:00:00Z
      2026-07-08 recycling
      2026-07-15 refuse
      2026-07-22 recycling
      2026-07-29 refuse
      2026-08-05 recycling
      2026-08-12 refuse
      2026-08-19 recycling
      2026-08-26 refuse
      2026-09-03 recycling from 2026-09-02   # Summer bank holiday week
      2026-09-09 refuse
      2026-09-16 recycling
    `));
    expect(collections.find((c) => c.status === 'MOVED')).toMatchObject({ changeReason: 'BANK_HOLIDAY', note: 'Because of Summer bank holiday (2026-08-31)' });
  });

  it('forecasts nothing beyond the last instance Echo gave', async () => {
    const { source } = await council().load();
    const [property] = await source.propertiesByUprn(['100090000001']);
    expect(await source.collections(property!, { from: '2026-09-17', to: '2026-12-31' })).toEqual([]);
  });

  it('moves a collection across the year boundary', async () => {
    const { source } = await council().load();
    const [property] = await source.propertiesByUprn(['100090000002']);
    const collections = await source.collections(property!, { from: '2026-12-14', to: '2027-01-31' });
    expect(collections.map(describeCollection)).toEqual(lines(`
      2026-12-16 refuse
      2026-12-23 recycling
      2027-01-02 refuse from 2026-12-30
      2027-01-06 recycling
      2027-01-13 refuse
      2027-01-20 recycling
      2027-01-27 refuse
    `));
  });

  it('answers a postcode from the address list, with each property\'s services and Echo\'s frequency wording', async () => {
    const { source } = await council().load();
    const properties = await source.propertiesInPostcode('BR1 1AA');
    expect(properties.map((p) => p.uprn)).toEqual(['100090000001', '100090000002']);
    expect(properties[0]).toMatchObject({
      address: { lines: ['1 Echo Lane'], town: 'Bromley', postcode: 'BR1 1AA' },
      serviceIds: ['refuse', 'recycling'],
      roundIds: { refuse: 'echo-task-401', recycling: 'echo-task-402' },
      frequencies: { refuse: { description: 'Every other Wednesday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE' } },
    });
    expect(warnings).toEqual(['echo service "Garden Waste Collection" matches no configured service, so it is left out']);
    expect(await source.propertiesByUprn(['999999999999'])).toEqual([null]);
  });

  it('asks for one property with its UPRN, a window of dates and the configured headers', async () => {
    const before = echo.requests.length;
    const { source } = await council().load();
    await source.propertiesByUprn(['100090000002']);
    const request = echo.requests.slice(before).find((r) => r.url.includes('100090000002'))!;
    expect(request.url).toMatch(/^\/api\/properties\/100090000002\/service-units\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    expect(request.headers['x-api-key']).toBe('test-key');
  });

  it('caches answers: one Echo request however often a property is asked for, until a refresh', async () => {
    const wiring = council();
    const { source } = await wiring.load();
    const before = echo.hits('100090000001');
    const [property] = await Promise.all([source.propertiesByUprn(['100090000001']), source.propertiesByUprn(['100090000001'])]);
    await source.collections(property[0]!, { from: '2026-07-01', to: '2026-07-31' });
    expect(echo.hits('100090000001') - before).toBe(1);
    const { source: refreshed } = await wiring.load();
    await refreshed.propertiesByUprn(['100090000001']);
    expect(echo.hits('100090000001') - before).toBe(2);
  });

  it('keeps serving the last good answer when Echo fails, and says it is stale and how old', async () => {
    const wiring = council();
    const { source } = await wiring.load();
    const [property] = await source.propertiesByUprn(['100090000001']);
    const good = source.info();
    expect(good).toMatchObject({ kind: 'BACK_OFFICE', stale: false });

    echo.behaviour.set('100090000001', 'fail');
    const { source: refreshed } = await wiring.load();
    const collections = await refreshed.collections(property!, { from: '2026-07-01', to: '2026-07-31' });
    expect(collections.map(describeCollection)).toEqual(['2026-07-01 refuse', '2026-07-08 recycling', '2026-07-15 refuse', '2026-07-22 recycling', '2026-07-29 refuse']);
    expect(refreshed.info().stale).toBe(true);
    expect(refreshed.info().updatedAt!.getTime()).toBeGreaterThanOrEqual(good.updatedAt!.getTime());
    expect(String(wiring.health.lastError)).toMatch(/answered HTTP 503/);

    echo.behaviour.set('100090000001', 'ok');
    const { source: recovered } = await wiring.load();
    await recovered.propertiesByUprn(['100090000001']);
    expect(recovered.info().stale).toBe(false);
  });

  it('gives up on a back office that does not answer within the timeout', async () => {
    echo.behaviour.set('100090000003', 'hang');
    const { source } = await council({ timeoutMs: 150 }).load();
    const started = Date.now();
    await expect(source.propertiesInPostcode('BR1 2BB')).rejects.toThrow(/no answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(source.info().stale).toBe(true);
  });

  it('refuses an answer of the wrong shape, naming the field', async () => {
    echo.behaviour.set('100090000003', 'wrong-shape');
    const { source } = await council().load();
    await expect(source.propertiesByUprn(['100090000003'])).rejects.toThrow(/echo answered UPRN 100090000003 with an unexpected response: ServiceUnits\.0\.ServiceName: Invalid input: expected string/);
  });
});

describe('the response cache', () => {
  it('re-reads after the time to live, and falls back to the expired value when the read fails', async () => {
    let now = 0;
    const cache = new ResponseCache<string>({ ttlMs: 1000, now: () => now });
    let calls = 0;
    const load = async () => `v${++calls}`;
    expect((await cache.get('k', load)).value).toBe('v1');
    now = 999;
    expect((await cache.get('k', load)).value).toBe('v1');
    now = 1000;
    expect(await cache.get('k', load)).toEqual({ value: 'v2', fetchedAt: 1000, stale: false });
    now = 5000;
    expect(await cache.get('k', async () => Promise.reject(new Error('down')))).toEqual({ value: 'v2', fetchedAt: 1000, stale: true, error: new Error('down') });
    await expect(cache.get('other', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  it('shares one read between concurrent asks and drops the oldest entries beyond its size', async () => {
    const cache = new ResponseCache<number>({ ttlMs: 1000, maxEntries: 2 });
    let calls = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
    const [a, b] = await Promise.all([cache.get('a', slow), cache.get('a', slow)]);
    expect([a.value, b.value, calls]).toEqual([1, 1, 1]);
    await cache.get('b', slow);
    await cache.get('c', slow);
    expect(cache.size).toBe(2);
  });
});
