// Per-address calendars (`adapter: ics` with `calendarUrl: …{uprn}…`), against a fake council web
// server on 127.0.0.1 that publishes one small hand-written calendar per UPRN: read through the kit,
// cached (bounded), fetched a few at a time, with a timeout, and stale-if-error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeedWarningReporter } from '../../subgraphs/council/adapters/shared/feed-warnings.js';
import { perAddressIcsCouncil, type PerAddressIcsOptions } from '../../subgraphs/council/adapters/ics/per-address-ics.js';
import { publish, RUSHCLIFFE, startFakeIcs, type FakeIcs } from './fake-ics.js';
import { FIXTURES, bankHolidays, kitQuery } from './support.js';

let ics: FakeIcs;
let clock: number;

beforeAll(async () => {
  ics = await startFakeIcs();
  publish(ics);
});
afterAll(async () => {
  await ics?.close();
});
beforeEach(() => {
  ics.behaviour.clear();
  ics.delayMs = 0;
  ics.maxInFlight = 0;
  clock = Date.parse('2026-12-01T09:00:00Z');
});

function rushcliffe(overrides: Partial<PerAddressIcsOptions> = {}) {
  return perAddressIcsCouncil({
    councilCode: RUSHCLIFFE,
    town: 'Rushcliffe',
    baseDir: `${FIXTURES}per-address`,
    calendarUrl: `${ics.url}/calendars/{uprn}.ics?postcode={postcode}`,
    addresses: 'addresses.csv',
    services: [
      { id: 'refuse', match: 'Refuse', type: 'GENERAL_WASTE', name: 'Grey bin (refuse)' },
      { id: 'recycling', match: 'Recycling', type: 'RECYCLING', name: 'Blue bin (recycling)' },
    ],
    changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
    rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
    bankHolidays,
    timeoutMs: 5_000,
    cacheMinutes: 60,
    concurrency: 4,
    fallbackUrl: 'https://www.rushcliffe.gov.uk/bins',
    now: () => clock,
    ...overrides,
  });
}

const POSTCODE_QUERY = `query($reps: [_Any!]!, $postcode: String!) {
  _entities(representations: $reps) {
    ... on Council {
      dataSource { kind stale warnings { code round } }
      properties(postcode: $postcode) {
        uprn
        services { name frequency { description } }
        collections(from: "2026-12-14", to: "2027-01-11") { date status originalDate changeReason service { type } }
        dataSource { stale warnings { code message round } }
      }
    }
  }
}`;
const council = [{ __typename: 'Council', code: RUSHCLIFFE }];
const row = (c: any) => [c.date, c.service.type, c.status, c.originalDate, c.changeReason].filter((v) => v !== null).join(' ');

describe('a council that publishes one calendar per address', () => {
  it('answers a postcode from each property\'s own calendar, fetched once, with the postcode filled into the URL', async () => {
    const wiring = rushcliffe();
    const { source } = await wiring.load();
    const before = ics.requests.length;
    const result = await kitQuery(source, POSTCODE_QUERY, { reps: council, postcode: 'ng2 7aa' });
    expect(result.errors).toBeUndefined();
    const [first, second] = result.data._entities[0].properties;
    expect(first.uprn).toBe('100032000001');
    expect(first.services).toEqual([
      { name: 'Grey bin (refuse)', frequency: { description: 'Every other Thursday' } },
      { name: 'Blue bin (recycling)', frequency: { description: 'Every other Thursday' } },
    ]);
    expect(first.collections.map(row)).toEqual([
      '2026-12-17 RECYCLING SCHEDULED',
      '2026-12-23 GENERAL_WASTE MOVED 2026-12-24 BANK_HOLIDAY',
      '2027-01-02 RECYCLING MOVED 2026-12-31 BANK_HOLIDAY', // one collection, not 31 December as well
      '2027-01-07 GENERAL_WASTE SCHEDULED',
    ]);
    expect(first.dataSource.warnings).toEqual([
      {
        code: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION',
        message:
          '"Recycling collection (Changed Collection)" on 2027-01-02 is a changed collection, but the regular 2026-12-31 of round "UPRN 100032000001" is not excluded (no EXDATE). ' +
          'Residents are shown 2027-01-02 only, moved from 2026-12-31; the regular 2026-12-31 is dropped.',
        round: 'UPRN 100032000001',
      },
    ]);
    expect(second.uprn).toBe('100032000002');
    expect(second.collections.map(row)).toEqual(['2026-12-14 GENERAL_WASTE SCHEDULED', '2027-01-02 GENERAL_WASTE MOVED 2026-12-28 BANK_HOLIDAY', '2027-01-11 GENERAL_WASTE SCHEDULED']);
    expect(second.dataSource.warnings).toEqual([]); // the other property's warning is not this one's
    expect(ics.requests.slice(before).map((r) => r.url).sort()).toEqual(['/calendars/100032000001.ics?postcode=NG27AA', '/calendars/100032000002.ics?postcode=NG27AA']);
    // The council's dataSource lists what its properties' calendars revealed (resolved before them in one query, so asked after).
    const councilInfo = await kitQuery(source, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Council { dataSource { kind stale warnings { code round } } } } }`, { reps: council });
    expect(councilInfo.data._entities[0].dataSource).toEqual({ kind: 'ICS', stale: false, warnings: [{ code: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION', round: 'UPRN 100032000001' }] });

    // Asked again within cacheMinutes: no new fetch. A refresh makes every calendar due again.
    const cachedCount = ics.requests.length;
    await kitQuery(source, POSTCODE_QUERY, { reps: council, postcode: 'NG2 7AA' });
    expect(ics.requests.length).toBe(cachedCount);
    await kitQuery((await wiring.load()).source, POSTCODE_QUERY, { reps: council, postcode: 'NG2 7AA' });
    expect(ics.requests.length).toBe(cachedCount + 2);
  });

  it('fetches at most `concurrency` calendars at once for the council', async () => {
    ics.delayMs = 80;
    const { source } = await rushcliffe({ concurrency: 2 }).load();
    const properties = await source.propertiesInPostcode('NG2 7AB');
    expect(properties.map((p) => p.serviceIds)).toEqual([['refuse'], ['refuse'], ['refuse']]);
    expect(ics.maxInFlight).toBe(2);
  });

  it('keeps a bounded number of calendars: the least recently used is fetched again', async () => {
    const { source } = await rushcliffe({ maxCachedProperties: 2 }).load();
    const hits = () => ['100032000003', '100032000004', '100032000005'].map((uprn) => ics.hits(uprn));
    const before = hits();
    await source.propertiesByUprn(['100032000003']);
    await source.propertiesByUprn(['100032000004']);
    await source.propertiesByUprn(['100032000005']); // drops ...003
    await source.propertiesByUprn(['100032000004', '100032000005', '100032000003']);
    expect(hits().map((n, i) => n - before[i])).toEqual([2, 1, 1]);
  });

  it('gives up on a calendar that does not come within the timeout: COUNCIL_UNAVAILABLE with the council\'s own page', async () => {
    ics.behaviour.set('100032000003', 'hang');
    const { source } = await rushcliffe({ timeoutMs: 200 }).load();
    const started = Date.now();
    const result = await kitQuery(source, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Property { collections { date } } } }`, {
      reps: [{ __typename: 'Property', councilCode: RUSHCLIFFE, uprn: '100032000003' }],
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.errors).toEqual([
      expect.objectContaining({
        // The reason, without the council's URL (it may carry a key): that stays in the log.
        message: "The council's calendar for this property could not be read and no earlier copy is kept (cannot be fetched: timed out).",
        extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: RUSHCLIFFE, fallbackUrl: 'https://www.rushcliffe.gov.uk/bins' },
      }),
    ]);
  });

  it('serves the last good calendar, stale, when the council\'s server fails, answers junk or empties a calendar', async () => {
    const reporter = new FeedWarningReporter();
    const wiring = rushcliffe({ onFeedWarnings: (warnings) => reporter.report(RUSHCLIFFE, warnings) });
    const { source } = await wiring.load();
    const reps = [{ __typename: 'Property', councilCode: RUSHCLIFFE, uprn: '100032000002' }];
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Property { collections(from: "2026-12-14", to: "2027-01-11") { date status } dataSource { stale warnings { code message } } } } }`;
    const good = await kitQuery(source, query, { reps });
    expect(good.data._entities[0].dataSource).toEqual({ stale: false, warnings: [] });

    for (const [behaviour, warning] of [
      ['fail', null],
      ['not-ics', { code: 'WRONG_SHAPE', message: expect.stringMatching(/^The calendar for UPRN 100032000002 cannot be read as iCalendar \(.+\)\. Residents are shown the last good calendar, marked stale\.$/) }],
      ['empty', { code: 'SCHEDULE_EMPTIED', message: 'The calendar for UPRN 100032000002 now has no collections, where it had some before. Residents are shown the last good calendar, marked stale.' }],
    ] as const) {
      clock += 61 * 60_000; // past cacheMinutes: due to be fetched again
      ics.behaviour.set('100032000002', behaviour);
      const answer = await kitQuery(source, query, { reps });
      expect(answer.errors).toBeUndefined();
      expect(answer.data._entities[0].collections).toEqual([
        { date: '2026-12-14', status: 'SCHEDULED' },
        { date: '2027-01-02', status: 'MOVED' },
        { date: '2027-01-11', status: 'SCHEDULED' },
      ]);
      expect(answer.data._entities[0].dataSource).toEqual({ stale: true, warnings: warning ? [warning] : [] });
    }
    expect(await reporter.count(RUSHCLIFFE, 'WRONG_SHAPE')).toBe(1);
    expect(await reporter.count(RUSHCLIFFE, 'SCHEDULE_EMPTIED')).toBe(1);

    ics.behaviour.delete('100032000002');
    clock += 61 * 60_000;
    expect((await kitQuery(source, query, { reps })).data._entities[0].dataSource).toEqual({ stale: false, warnings: [] });
  });
});
