// End to end: councils served by each adapter answer through the gateway in the same national
// query as the sample councils. One ICS council (Gedling), one CSV round plan (Bristol) and one Echo
// council (Bromley, backed by a fake Echo on 127.0.0.1), loaded from one host configuration file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import type { RefreshingSource } from '../../subgraphs/council/adapters/refresh/refreshing-source.js';
import { loadCouncilHostConfig, type HostConfigResult } from '../../subgraphs/council/host-config/load-host-config.js';
import { loadDirectoryData } from '../../subgraphs/directory/server.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';
import { startFakeEcho, type FakeEcho } from './fake-echo.js';
import { FIXTURES } from './support.js';

const GEDLING = 'E07000173';
const BRISTOL = 'E06000023';
const BROMLEY = 'E09000006';
const READING = 'E06000038'; // sample

let echo: FakeEcho;
let config: HostConfigResult;
let stack: LocalStack;

beforeAll(async () => {
  echo = await startFakeEcho();
  const data = loadDirectoryData();
  config = await loadCouncilHostConfig(`${FIXTURES}host-config/councils.yaml`, {
    councils: data.councils.all(),
    postcodes: data.postcodes,
    bankHolidays: loadShippedBankHolidays(),
    env: { ECHO_BASE_URL: echo.url, ECHO_API_KEY: 'test-key' },
  });
  expect(config.errors).toEqual([]);
  // The configuration's adapted councils replace those councils' sample sources; the rest stay samples.
  const adapted = config.sources.filter((source) => source.info().kind !== 'SAMPLE');
  const codes = new Set(adapted.map((source) => source.councilCode));
  stack = await startLocalStack({ port: 0, sources: (defaults) => [...defaults.filter((d) => !codes.has(d.councilCode)), ...adapted] });
});

afterAll(async () => {
  await stack?.close();
  await config?.close();
  await echo?.close();
});

const NATIONAL_QUERY = `{
  councils(codes: ["${GEDLING}", "${BRISTOL}", "${BROMLEY}", "${READING}"]) {
    code
    dataSource { kind stale updatedAt notice }
    services { id type }
    gedling: properties(postcode: "ng4 1aa") {
      uprn address { singleLine }
      collections(from: "2026-12-21", to: "2027-01-10") { date status originalDate changeReason service { type } }
    }
    bristol: properties(postcode: "BS1 5TR") {
      uprn
      collections(from: "2026-05-18", to: "2026-05-31") { date status originalDate changeReason service { type } }
    }
    bromley: properties(postcode: "BR1 1AA") {
      uprn
      services { id frequency { description } }
      collections(from: "2026-06-29", to: "2026-07-05") { date status originalDate changeReason service { type } }
      nextCollections { date }
    }
    reading: properties(postcode: "RG1 1AA") { uprn address { singleLine } }
  }
}`;

describe('adapted councils in the national graph', () => {
  it('answer one national query alongside the sample councils', async () => {
    const result = await gql(stack.gateway.graphqlUrl, NATIONAL_QUERY);
    expect(result.errors).toBeUndefined();
    const [gedling, bristol, bromley, reading] = result.data.councils;

    expect(gedling.code).toBe(GEDLING);
    expect(gedling.dataSource).toMatchObject({ kind: 'ICS', stale: false, updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect(gedling.services.map((s: any) => s.type)).toEqual(['GENERAL_WASTE', 'RECYCLING', 'GLASS', 'GARDEN_WASTE', 'CHRISTMAS_TREE']);
    expect(gedling.gedling.map((p: any) => p.uprn)).toEqual(['100031234001', '100031234002']);
    expect(gedling.gedling[1].address.singleLine).toBe('3 Fixture Road, Carlton, Nottingham, Gedling, NG4 1AA');
    expect(gedling.gedling[1].collections).toEqual([
      { date: '2026-12-21', status: 'SCHEDULED', originalDate: null, changeReason: null, service: { type: 'GENERAL_WASTE' } },
      { date: '2027-01-02', status: 'MOVED', originalDate: '2026-12-28', changeReason: 'BANK_HOLIDAY', service: { type: 'RECYCLING' } },
      { date: '2027-01-04', status: 'SCHEDULED', originalDate: null, changeReason: null, service: { type: 'GENERAL_WASTE' } },
    ]);
    expect(gedling.bristol).toEqual([]);

    expect(bristol.dataSource).toMatchObject({ kind: 'CSV', stale: false });
    expect(bristol.bristol.map((p: any) => p.uprn)).toEqual(['100121000001', '100121000002']);
    expect(bristol.bristol[0].collections.filter((c: any) => c.status === 'MOVED')).toEqual([
      { date: '2026-05-26', status: 'MOVED', originalDate: '2026-05-25', changeReason: 'BANK_HOLIDAY', service: { type: 'FOOD_WASTE' } },
      { date: '2026-05-26', status: 'MOVED', originalDate: '2026-05-25', changeReason: 'BANK_HOLIDAY', service: { type: 'GENERAL_WASTE' } },
      { date: '2026-05-26', status: 'MOVED', originalDate: '2026-05-25', changeReason: 'BANK_HOLIDAY', service: { type: 'RECYCLING' } },
    ]);

    expect(bromley.dataSource).toMatchObject({ kind: 'BACK_OFFICE', stale: false });
    expect(bromley.services.map((s: any) => s.id)).toEqual([`${BROMLEY}:refuse`, `${BROMLEY}:recycling`]);
    expect(bromley.bromley.map((p: any) => p.uprn)).toEqual(['100090000001', '100090000002']);
    // Echo stamps 2026-06-30T23:00:00Z: midnight BST, Wednesday 1 July.
    expect(bromley.bromley[0].collections).toEqual([{ date: '2026-07-01', status: 'SCHEDULED', originalDate: null, changeReason: null, service: { type: 'GENERAL_WASTE' } }]);
    expect(bromley.bromley[0].services[0].frequency.description).toBe('Every other Wednesday');
    expect(echo.requests.every((r) => r.headers['x-api-key'] === 'test-key')).toBe(true);

    expect(reading.dataSource.kind).toBe('SAMPLE');
    expect(reading.reading.length).toBeGreaterThan(0);
    expect(reading.reading[0].address.singleLine).toMatch(/\(sample\)/);
    expect(reading.gedling).toEqual([]);
  });

  it('reaches an adapted property by UPRN through the gateway', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `query($refs: [PropertyRef!]!) { properties(refs: $refs) { uprn councilCode address { town } } }`, {
      refs: [
        { councilCode: BROMLEY, uprn: '100090000002' },
        { councilCode: GEDLING, uprn: '100031234003' },
        { councilCode: BRISTOL, uprn: '100121000003' },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.properties).toEqual([
      { uprn: '100090000002', councilCode: BROMLEY, address: { town: 'Bromley' } },
      { uprn: '100031234003', councilCode: GEDLING, address: { town: 'Gedling' } },
      { uprn: '100121000003', councilCode: BRISTOL, address: { town: 'City of Bristol' } }, // no town in the list: the council's name
    ]);
  });

  it('says an Echo council is stale, but still answers, when Echo goes down after a refresh', async () => {
    const bromley = config.sources.find((s) => s.councilCode === BROMLEY) as RefreshingSource;
    echo.behaviour.set('100090000001', 'fail');
    await bromley.refresh();
    const answer = await gql(stack.gateway.graphqlUrl, `{
      councils(codes: ["${BROMLEY}"]) { properties(postcode: "BR1 1AA") { uprn collections(from: "2026-07-01", to: "2026-07-01") { date } } }
    }`);
    // dataSource is resolved before the properties in one query, so ask again for how fresh the data is.
    const freshness = await gql(stack.gateway.graphqlUrl, `{ councils(codes: ["${BROMLEY}"]) { dataSource { kind stale updatedAt } } }`);
    echo.behaviour.delete('100090000001');
    expect(answer.errors).toBeUndefined();
    expect(answer.data.councils[0].properties[0].collections).toEqual([{ date: '2026-07-01' }]);
    expect(freshness.data.councils[0].dataSource).toMatchObject({ kind: 'BACK_OFFICE', stale: true, updatedAt: expect.any(String) });
  });

  it('reports a back office answering in the wrong shape as COUNCIL_UNAVAILABLE with the fallback link, never as no collections', async () => {
    echo.behaviour.set('100090000003', 'no-service-units');
    const result = await gql(stack.gateway.graphqlUrl, `{ property(councilCode: "${BROMLEY}", uprn: "100090000003") { collections(from: "2026-07-01", to: "2026-07-31") { date } } }`);
    const freshness = await gql(stack.gateway.graphqlUrl, `{ councils(codes: ["${BROMLEY}"]) { dataSource { warnings { code round } } } }`);
    echo.behaviour.delete('100090000003');
    expect(result.data?.property?.collections ?? null).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'COUNCIL_UNAVAILABLE', councilCode: BROMLEY, fallbackUrl: expect.stringContaining('bromley.gov.uk') }) }),
    ]);
    expect(freshness.data.councils[0].dataSource.warnings).toContainEqual({ code: 'WRONG_SHAPE', round: null });
  });
});
