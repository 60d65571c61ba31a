// A host configuration with mistakes never stops the host: through the gateway, the councils that
// are right answer, and a council whose data is malformed is COUNCIL_UNAVAILABLE (with its website
// as the fallback) rather than served with invented sample days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { loadCouncilHostConfig, type HostConfigResult } from '../../subgraphs/council/host-config/load-host-config.js';
import { loadDirectoryData } from '../../subgraphs/directory/server.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';
import { FIXTURES } from './support.js';

let config: HostConfigResult;
let stack: LocalStack;

beforeAll(async () => {
  const data = loadDirectoryData();
  config = await loadCouncilHostConfig(`${FIXTURES}host-config/broken.yaml`, { councils: data.councils.all(), postcodes: data.postcodes, bankHolidays: loadShippedBankHolidays(), env: {} });
  stack = await startLocalStack({ port: 0, sources: () => config.sources });
});

afterAll(async () => {
  await stack?.close();
  await config?.close();
});

describe('a host started from a configuration with mistakes', () => {
  it('reported them, naming the file and line', () => {
    expect(config.errors.length).toBeGreaterThan(0);
    for (const error of config.errors) expect(error).toMatch(/broken\.yaml:\d+: council [EWSN]\d{8}/);
    expect(config.errors.some((e) => /bad-line\.ics:19: /.test(e))).toBe(true);
    expect(config.errors.some((e) => /round_plan\.csv:3: row 2, column uprn/.test(e))).toBe(true);
  });

  it('answers for the good councils and the samples, and COUNCIL_UNAVAILABLE for the broken one, in one query', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{
      councils(codes: ["E07000173", "E07000170", "E06000041"]) {
        code dataSource { kind } properties(postcode: "NG4 1AA") { uprn }
      }
    }`);
    const [gedling, ashfield, wokingham] = result.data.councils;
    expect(gedling).toEqual({ code: 'E07000173', dataSource: { kind: 'ICS' }, properties: [{ uprn: 'PC-NG41AA' }] });
    expect(wokingham).toMatchObject({ code: 'E06000041', dataSource: { kind: 'SAMPLE' } });
    // The directory still knows Ashfield; its council-owned fields are null, with the reason and where residents can look instead.
    expect(ashfield).toEqual({ code: 'E07000170', dataSource: null, properties: null });
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['councils', 1],
        extensions: expect.objectContaining({ code: 'COUNCIL_UNAVAILABLE', councilCode: 'E07000170', fallbackUrl: expect.stringMatching(/^https:\/\/www\.ashfield\.gov\.uk\//) }),
      }),
    ]);
  });
});
