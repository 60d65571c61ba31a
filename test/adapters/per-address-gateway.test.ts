// End to end: a council configured with a per-address calendar URL template answers through the
// gateway for its properties, from a fake council web server on 127.0.0.1, with one collection per
// real collection and the feed's inconsistency said as a warning naming the round.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { loadCouncilHostConfig, type HostConfigResult } from '../../subgraphs/council/host-config/load-host-config.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { loadDirectoryData } from '../../subgraphs/directory/server.js';
import { gql } from '../support/graphql-client.js';
import { publish, RUSHCLIFFE, startFakeIcs, type FakeIcs } from './fake-ics.js';
import { FIXTURES } from './support.js';

let ics: FakeIcs;
let config: HostConfigResult;
let stack: LocalStack;

beforeAll(async () => {
  ics = await startFakeIcs();
  publish(ics);
  const dir = mkdtempSync(join(tmpdir(), 'binfo-per-address-gateway-'));
  const path = join(dir, 'council-host.yaml');
  writeFileSync(
    path,
    [
      'defaults: { sample: true }',
      'councils:',
      `  - code: ${RUSHCLIFFE}`,
      '    adapter: ics',
      `    calendarUrl: "${ics.url}/calendars/{uprn}.ics?postcode={postcode}"`,
      `    addresses: ${join(FIXTURES, 'per-address', 'addresses.csv')}`,
      '    timeoutMs: 5000',
      '    services:',
      '      - { id: refuse, match: Refuse, type: GENERAL_WASTE, name: Grey bin (refuse) }',
      '      - { id: recycling, match: Recycling, type: RECYCLING, name: Blue bin (recycling) }',
      '',
    ].join('\n'),
  );
  const data = loadDirectoryData();
  config = await loadCouncilHostConfig(path, { councils: data.councils.all(), postcodes: data.postcodes, bankHolidays: loadShippedBankHolidays(), env: {} });
  expect(config.errors).toEqual([]);
  const adapted = config.sources.filter((source) => source.councilCode === RUSHCLIFFE);
  stack = await startLocalStack({ port: 0, sources: (defaults) => [...defaults.filter((d) => d.councilCode !== RUSHCLIFFE), ...adapted] });
});

afterAll(async () => {
  await stack?.close();
  await config?.close();
  await ics?.close();
});

describe('a per-address calendar council in the national graph', () => {
  it('answers for its properties from their own calendars, one collection per real collection plus a warning naming the round', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{
      councils(codes: ["${RUSHCLIFFE}"]) {
        code
        properties(postcode: "NG2 7AA") {
          uprn
          address { singleLine }
          collections(from: "2026-12-14", to: "2027-01-11") { date status originalDate changeReason service { type } }
          dataSource { kind stale warnings { code message round } }
        }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const [first, second] = result.data.councils[0].properties;
    expect(first.address.singleLine).toBe('1 Calendar Close, West Bridgford, Rushcliffe, NG2 7AA');
    expect(first.collections).toEqual([
      { date: '2026-12-17', status: 'SCHEDULED', originalDate: null, changeReason: null, service: { type: 'RECYCLING' } },
      { date: '2026-12-23', status: 'MOVED', originalDate: '2026-12-24', changeReason: 'BANK_HOLIDAY', service: { type: 'GENERAL_WASTE' } },
      { date: '2027-01-02', status: 'MOVED', originalDate: '2026-12-31', changeReason: 'BANK_HOLIDAY', service: { type: 'RECYCLING' } },
      { date: '2027-01-07', status: 'SCHEDULED', originalDate: null, changeReason: null, service: { type: 'GENERAL_WASTE' } },
    ]);
    expect(first.dataSource).toEqual({
      kind: 'ICS',
      stale: false,
      warnings: [
        {
          code: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION',
          message:
            '"Recycling collection (Changed Collection)" on 2027-01-02 is a changed collection, but the regular 2026-12-31 of round "UPRN 100032000001" is not excluded (no EXDATE). ' +
            'Residents are shown 2027-01-02 only, moved from 2026-12-31; the regular 2026-12-31 is dropped.',
          round: 'UPRN 100032000001',
        },
      ],
    });
    expect(second.collections.map((c: any) => [c.date, c.status, c.originalDate, c.changeReason])).toEqual([
      ['2026-12-14', 'SCHEDULED', null, null],
      ['2027-01-02', 'MOVED', '2026-12-28', 'BANK_HOLIDAY'],
      ['2027-01-11', 'SCHEDULED', null, null],
    ]);
    expect(second.dataSource.warnings).toEqual([]);
  });

  it('is COUNCIL_UNAVAILABLE with the council\'s fallback link for a property whose calendar cannot be read', async () => {
    ics.behaviour.set('100032000005', 'fail');
    const result = await gql(stack.gateway.graphqlUrl, `{ property(councilCode: "${RUSHCLIFFE}", uprn: "100032000005") { uprn collections { date } } }`);
    ics.behaviour.delete('100032000005');
    // Never an empty list presented as fresh: no collections, and the reason with where residents can look instead.
    expect(result.data?.property?.collections ?? null).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'COUNCIL_UNAVAILABLE', councilCode: RUSHCLIFFE, fallbackUrl: expect.stringMatching(/^https:\/\/.*rushcliffe/) }) }),
    ]);
  });
});
