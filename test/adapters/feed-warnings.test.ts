// Feed problems are never silent: an ICS round that forgot an EXDATE, a changed collection with
// nothing to replace, an event no service matches, and a back office answering in the wrong shape or
// with nothing, each served as `dataSource.warnings` through the council kit, logged and counted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backOfficeCouncil } from '../../subgraphs/council/adapters/back-office/back-office-council.js';
import { echoMapping } from '../../subgraphs/council/adapters/back-office/echo/echo-mapping.js';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIcsCouncil, type IcsCouncilOptions } from '../../subgraphs/council/adapters/ics/ics-council.js';
import { FeedWarningReporter } from '../../subgraphs/council/adapters/shared/feed-warnings.js';
import { startFakeEcho, type FakeEcho } from './fake-echo.js';
import { FIXTURES, bankHolidays, kitQuery } from './support.js';

const GEDLING = 'E07000173';
const BROMLEY = 'E09000006';

async function thursdayW() {
  return loadIcsCouncil(await thursdayOptions());
}

async function thursdayOptions(): Promise<IcsCouncilOptions> {
  return {
    councilCode: GEDLING,
    town: 'Gedling',
    baseDir: `${FIXTURES}feed-warnings`,
    calendars: [{ round: 'Thursday W', url: 'thursday-w.ics' }],
    rounds: { csv: 'rounds.csv' },
    services: [
      { id: 'black', match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin' },
      { id: 'green', match: 'Green Bin', type: 'RECYCLING', name: 'Green bin' },
      { id: 'food', match: 'Food Waste', type: 'FOOD_WASTE', name: 'Food caddy' },
      { id: 'garden', match: 'Garden waste', type: 'GARDEN_WASTE', name: 'Garden waste' },
    ],
    changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
    rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
    bankHolidays,
  };
}

const COUNCIL_QUERY = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Council { dataSource { kind stale warnings { code message round } } }
    ... on Property {
      collections(from: "2026-12-01", to: "2027-01-15") { date status originalDate changeReason note service { type } }
      dataSource { stale warnings { code round } }
    }
  }
}`;

describe('an ICS round whose feed contradicts itself', () => {
  it('shows one collection per real collection, the changed date winning, and says so naming the round', async () => {
    const { source } = await thursdayW();
    const result = await kitQuery(source, COUNCIL_QUERY, {
      reps: [{ __typename: 'Council', code: GEDLING }, { __typename: 'Property', councilCode: GEDLING, uprn: '100031299001' }],
    });
    expect(result.errors).toBeUndefined();
    const [council, property] = result.data._entities;
    const row = (c: any) => [c.date, c.service.type, c.status, c.originalDate, c.changeReason, c.note].filter((v) => v !== null).join(' ');
    expect(property.collections.map(row)).toEqual([
      '2026-12-03 GENERAL_WASTE SCHEDULED',
      '2026-12-03 FOOD_WASTE SCHEDULED',
      // Sorted by date, then service id (black, food, garden, green).
      '2026-12-10 FOOD_WASTE SCHEDULED',
      '2026-12-10 GARDEN_WASTE SCHEDULED', // named only in DESCRIPTION
      '2026-12-10 RECYCLING SCHEDULED',
      '2026-12-17 GENERAL_WASTE SCHEDULED',
      '2026-12-17 FOOD_WASTE SCHEDULED',
      '2026-12-23 FOOD_WASTE MOVED 2026-12-24 BANK_HOLIDAY Because of Christmas Day (2026-12-25)', // named only in CATEGORIES
      '2026-12-23 RECYCLING MOVED 2026-12-24 BANK_HOLIDAY Because of Christmas Day (2026-12-25)',
      '2026-12-24 GARDEN_WASTE SCHEDULED',
      '2026-12-29 RECYCLING SCHEDULED', // a changed collection with nothing to replace: an extra, with a warning
      // Thursday 31 December is NOT also shown: the feed's changed collection replaces it.
      '2027-01-02 GENERAL_WASTE MOVED 2026-12-31 BANK_HOLIDAY Because of New Year’s Day (2027-01-01)',
      '2027-01-02 FOOD_WASTE MOVED 2026-12-31 BANK_HOLIDAY Because of New Year’s Day (2027-01-01)',
      '2027-01-07 FOOD_WASTE SCHEDULED',
      '2027-01-07 RECYCLING SCHEDULED',
      '2027-01-14 GENERAL_WASTE SCHEDULED',
      '2027-01-14 FOOD_WASTE SCHEDULED',
    ]);
    expect(council.dataSource).toEqual({
      kind: 'ICS',
      stale: false,
      warnings: [
        {
          code: 'UNKNOWN_SERVICE',
          message: 'Calendar event "Bulky Waste Amnesty" matches no configured service, so it is left out.',
          round: 'Thursday W',
        },
        {
          code: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION',
          message:
            '"Black Bin Day (Changed Collection)" on 2027-01-02 is a changed collection, but the regular 2026-12-31 of round "Thursday W" is not excluded (no EXDATE). ' +
            'Residents are shown 2027-01-02 only, moved from 2026-12-31; the regular 2026-12-31 is dropped.',
          round: 'Thursday W',
        },
        {
          code: 'UNPAIRED_CHANGED_COLLECTION',
          message:
            '"Green Bin Day (Changed Collection)" on 2026-12-29 is a changed collection, but round "Thursday W" has no regular date within 7 days that it could replace. ' +
            'Residents are shown 2026-12-29 as an extra collection.',
          round: 'Thursday W',
        },
      ],
    });
    // The property is on that round, so it sees the same warnings.
    expect(property.dataSource.warnings.map((w: any) => w.code)).toEqual(['UNKNOWN_SERVICE', 'CHANGED_COLLECTION_WITHOUT_EXCLUSION', 'UNPAIRED_CHANGED_COLLECTION']);
  });

  it('logs each warning once and counts it, however often the feed is read again', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const reporter = new FeedWarningReporter({ log: (entry) => logged.push(entry) });
    for (let read = 0; read < 3; read++) reporter.report(GEDLING, (await thursdayW()).source.info().warnings ?? []);
    expect(await reporter.count(GEDLING, 'CHANGED_COLLECTION_WITHOUT_EXCLUSION')).toBe(1);
    expect(await reporter.count(GEDLING, 'UNPAIRED_CHANGED_COLLECTION')).toBe(1);
    expect(await reporter.count(GEDLING, 'WRONG_SHAPE')).toBe(0);
    expect(logged.map((entry) => [entry.level, entry.msg, entry.council, entry.code, entry.round])).toEqual([
      ['warn', 'council feed warning', GEDLING, 'UNKNOWN_SERVICE', 'Thursday W'],
      ['warn', 'council feed warning', GEDLING, 'CHANGED_COLLECTION_WITHOUT_EXCLUSION', 'Thursday W'],
      ['warn', 'council feed warning', GEDLING, 'UNPAIRED_CHANGED_COLLECTION', 'Thursday W'],
    ]);
    const exposition = await reporter.registry.metrics();
    expect(exposition).toContain('binfo_council_feed_warnings_total{council="E07000173",code="CHANGED_COLLECTION_WITHOUT_EXCLUSION"} 1');
  });
});

describe('a round calendar that empties overnight', () => {
  it('keeps its earlier rounds, marked stale, with a SCHEDULE_EMPTIED warning naming the round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'binfo-emptied-'));
    copyFileSync(`${FIXTURES}feed-warnings/rounds.csv`, join(dir, 'rounds.csv'));
    copyFileSync(`${FIXTURES}feed-warnings/thursday-w.ics`, join(dir, 'thursday-w.ics'));
    const options = { ...(await thursdayOptions()), baseDir: dir };
    const first = await loadIcsCouncil(options);
    writeFileSync(join(dir, 'thursday-w.ics'), 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n');
    const second = await loadIcsCouncil(options, undefined, first.source);
    const [property] = await second.source.propertiesByUprn(['100031299001']);
    const range = { from: '2027-01-11', to: '2027-01-17' };
    expect(await second.source.collections(property!, range)).toEqual(await first.source.collections(property!, range));
    expect(second.source.info()).toMatchObject({
      stale: true,
      warnings: [
        {
          code: 'SCHEDULE_EMPTIED',
          message: 'The calendar of round "Thursday W" now has no collections, where it had some before. Residents are shown the last good calendar, marked stale.',
          round: 'Thursday W',
        },
      ],
    });
    // With no earlier read, an empty calendar is taken at its word.
    const fresh = await loadIcsCouncil(options);
    expect(fresh.source.info()).toMatchObject({ stale: false, warnings: [] });
    expect(await fresh.source.propertiesByUprn(['100031299001'])).toEqual([expect.objectContaining({ serviceIds: [] })]);
  });
});

describe('a back office answering in the wrong shape, through the kit', () => {
  let echo: FakeEcho;
  beforeAll(async () => {
    echo = await startFakeEcho();
  });
  afterAll(async () => {
    await echo?.close();
  });
  beforeEach(() => echo.behaviour.clear());

  function bromley(reporter?: FeedWarningReporter) {
    return backOfficeCouncil({
      councilCode: BROMLEY,
      town: 'Bromley',
      baseDir: `${FIXTURES}echo`,
      mapping: echoMapping({ baseUrl: echo.url }),
      addresses: 'addresses.csv',
      services: [
        { id: 'refuse', match: 'Refuse', type: 'GENERAL_WASTE', name: 'Non-recyclable refuse' },
        { id: 'recycling', match: '/^mixed recycling/', type: 'RECYCLING', name: 'Mixed recycling' },
      ],
      rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
      bankHolidays,
      timeoutMs: 5_000,
      cacheMinutes: 60,
      window: { daysBefore: 28, daysAfter: 120 },
      fallbackUrl: 'https://www.bromley.gov.uk/bins',
      onFeedWarnings: (warnings) => reporter?.report(BROMLEY, warnings),
    });
  }

  const PROPERTY_QUERY = `query($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Property {
        uprn
        collections(from: "2026-07-01", to: "2026-07-10") { date status service { type } }
        dataSource { stale warnings { code message round } }
      }
    }
  }`;
  const reps = [{ __typename: 'Property', councilCode: BROMLEY, uprn: '100090000001' }];

  it('is COUNCIL_UNAVAILABLE with the fallback link when there is no earlier answer: never an empty schedule', async () => {
    echo.behaviour.set('100090000001', 'no-service-units');
    const reporter = new FeedWarningReporter();
    const { source } = await bromley(reporter).load();
    const result = await kitQuery(source, PROPERTY_QUERY, { reps });
    expect(result.data?._entities).toEqual([null]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^The council's collection system could not answer for this property and no earlier answer is kept \(echo answered UPRN 100090000001 with an unexpected response: ServiceUnits: is missing/),
        path: ['_entities', 0],
        extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: BROMLEY, fallbackUrl: 'https://www.bromley.gov.uk/bins' },
      }),
    ]);
    const council = await kitQuery(source, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Council { dataSource { stale warnings { code message round } } } } }`, {
      reps: [{ __typename: 'Council', code: BROMLEY }],
    });
    expect(council.data._entities[0].dataSource).toEqual({
      stale: true,
      warnings: [
        {
          code: 'WRONG_SHAPE',
          message:
            'The echo back office answered for UPRN 100090000001 without the expected structure (ServiceUnits: is missing (expected a list of ServiceUnit)). ' +
            'Residents are told the council is unavailable, with its own bin-day page.',
          round: null,
        },
      ],
    });
    expect(await reporter.count(BROMLEY, 'WRONG_SHAPE')).toBe(1);
  });

  it('serves the last good answer marked stale, with a WRONG_SHAPE warning, once it has one', async () => {
    const wiring = bromley();
    const first = await kitQuery((await wiring.load()).source, PROPERTY_QUERY, { reps });
    expect(first.data._entities[0].dataSource).toEqual({ stale: false, warnings: [{ code: 'UNKNOWN_SERVICE', message: 'The echo service "Garden Waste Collection" matches no configured service, so it is left out.', round: 'echo-task-405' }] });

    echo.behaviour.set('100090000001', 'no-service-units');
    const again = await kitQuery((await wiring.load()).source, PROPERTY_QUERY, { reps });
    expect(again.errors).toBeUndefined();
    expect(again.data._entities[0].collections).toEqual([
      { date: '2026-07-01', status: 'SCHEDULED', service: { type: 'GENERAL_WASTE' } },
      { date: '2026-07-08', status: 'SCHEDULED', service: { type: 'RECYCLING' } },
    ]);
    expect(again.data._entities[0].dataSource.stale).toBe(true);
    expect(again.data._entities[0].dataSource.warnings.map((w: any) => [w.code, w.message])).toEqual([
      ['WRONG_SHAPE', expect.stringMatching(/without the expected structure \(ServiceUnits: is missing .*\)\. Residents are shown the last good answer, marked stale\.$/)],
    ]);
  });

  it('keeps the last good answer, stale, when a property that had collections suddenly has none', async () => {
    const wiring = bromley();
    await kitQuery((await wiring.load()).source, PROPERTY_QUERY, { reps });
    echo.behaviour.set('100090000001', 'no-services');
    const again = await kitQuery((await wiring.load()).source, PROPERTY_QUERY, { reps });
    expect(again.errors).toBeUndefined();
    expect(again.data._entities[0].collections.map((c: any) => c.date)).toEqual(['2026-07-01', '2026-07-08']);
    expect(again.data._entities[0].dataSource).toEqual({
      stale: true,
      warnings: [
        {
          code: 'SCHEDULE_EMPTIED',
          message: 'The echo back office now answers UPRN 100090000001 with no collections, where it had some before. Residents are shown the last good answer, marked stale.',
          round: null,
        },
      ],
    });
  });

  it('takes an empty answer at its word for a property that never had collections', async () => {
    const { source } = await bromley().load();
    // 100090000003 has no fixture: the fake Echo answers { ServiceUnits: [] }.
    const [property] = await source.propertiesByUprn(['100090000003']);
    expect(property?.serviceIds).toEqual([]);
    expect(source.info()).toMatchObject({ stale: false, warnings: [] });
  });
});
