// The host configuration: one YAML file lists the councils a host serves. A bad entry or bad data
// gives errors naming the file, the line, the council and the field (or the data file, line, row and
// column); it never stops the other councils.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshingSource } from '../../subgraphs/council/adapters/refresh/refreshing-source.js';
import type { CouncilDataSource } from '../../subgraphs/council/data-source.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { loadCouncilHostConfig, type HostConfigContext, type HostConfigResult } from '../../subgraphs/council/host-config/load-host-config.js';
import { FIXTURES, bankHolidays } from './support.js';

const councils = loadCouncilRegistry().all();
const wasteCouncils = councils.filter((c) => c.collectsWaste).length;
const context: HostConfigContext = { councils, postcodes: { lookup: () => undefined }, bankHolidays, env: { ECHO_BASE_URL: 'http://127.0.0.1:9/echo', ECHO_API_KEY: 'k' } };
const CONFIG = `${FIXTURES}host-config/`;

const byCode = (result: HostConfigResult, code: string): CouncilDataSource | undefined => result.sources.find((s) => s.councilCode === code);

describe('a good configuration', () => {
  let result: HostConfigResult;
  beforeAll(async () => {
    result = await loadCouncilHostConfig(`${CONFIG}councils.yaml`, context);
  });
  afterAll(() => result?.close());

  it('serves each configured council with its adapter, and the sample everywhere else', async () => {
    expect(result.errors).toEqual([]);
    expect(result.sources).toHaveLength(wasteCouncils);
    expect(byCode(result, 'E07000173')!.info().kind).toBe('ICS');
    expect(byCode(result, 'E06000023')!.info().kind).toBe('CSV');
    expect(byCode(result, 'E09000006')!.info().kind).toBe('BACK_OFFICE');
    expect(byCode(result, 'E06000038')!.info().kind).toBe('SAMPLE');
    expect(new Set(result.sources.map((s) => s.councilCode)).size).toBe(result.sources.length);
  });

  it('reports data warnings with the council and the data file', () => {
    expect(result.warnings).toEqual([
      expect.stringMatching(/councils\.yaml:30: council E06000023 \(csv\): .*round_plan\.csv: container_type "Assisted collection/),
      expect.stringMatching(/councils\.yaml:30: council E06000023 \(csv\): .*addresses\.csv: 1 UPRNs/),
    ]);
  });

  it('applies the configured services and options', async () => {
    const gedling = byCode(result, 'E07000173')!;
    const services = await gedling.services();
    expect(services.find((s) => s.id === 'glass')).toMatchObject({ type: 'GLASS', containers: [{ name: 'Glass box', colour: 'black', kind: 'BOX' }] });
    expect(services.find((s) => s.id === 'garden')?.subscription?.description).toMatch(/paid service/);
  });

  it('refreshes on the configured schedule with timers that can be stopped', async () => {
    const source = byCode(result, 'E06000023') as RefreshingSource;
    await source.refresh();
    expect(source.info().stale).toBe(false);
  });
});

describe('a configuration with mistakes', () => {
  let result: HostConfigResult;
  const file = resolve(`${CONFIG}broken.yaml`);
  beforeAll(async () => {
    result = await loadCouncilHostConfig(`${CONFIG}broken.yaml`, context);
  });
  afterAll(() => result?.close());

  it('names the file, line, council and field of every configuration mistake', () => {
    expect(result.errors.slice(0, 8)).toEqual([
      `${file}:34: council E06000038: services[0].type: Invalid option: expected one of "GENERAL_WASTE"|"RECYCLING"|"PAPER_CARD"|"GLASS"|"FOOD_WASTE"|"GARDEN_WASTE"|"BULKY_WASTE"|"CLINICAL_WASTE"|"HYGIENE_WASTE"|"TEXTILES"|"ELECTRICALS"|"CHRISTMAS_TREE"|"OTHER"`,
      `${file}:39: council E07000171: calendar: unknown field calendar`,
      `${file}:36: council E07000171: calendars: is required (one calendar per round), unless calendarUrl gives one per address`,
      `${file}:44: council E10000024: code: E10000024 (Nottinghamshire County Council) does not collect household waste`,
      `${file}:53: council E07000172: adapter: must be one of ics, csv, echo, got "pdf"`,
      `${file}:57: council E09000006: baseUrl: names environment variable NOT_SET_ANYWHERE, which is not set`,
      `${file}:66: council E07000174: services[0].match: is not a valid regular expression: Invalid regular expression: /([unclosed/i: Unterminated character class`,
      `${file}:68: council E07000173: code: E07000173 is configured twice`,
    ]);
  });

  it('names the data file and line of a malformed ICS or CSV, and does not serve that council', () => {
    const data = resolve(FIXTURES);
    expect(result.errors.slice(8)).toEqual([
      `${file}:11: council E07000170 (ics): not served: ${data}/broken/bad-line.ics:19: cannot be read: invalid line (no token ";" or ":") "SUMMARY Glass Box Day"`,
      `${file}:19: council E06000023 (csv): not served: ${data}/broken/round_plan.csv:3: row 2, column uprn: must be a UPRN (up to 12 digits), got "12345678901234"`,
      `${file}:19: council E06000023 (csv): not served: ${data}/broken/round_plan.csv:4: row 3, column round_plan: "TUE-REF" is not in ${data}/csv/rounds.csv`,
      expect.stringMatching(/^.*broken\.yaml:19: council E06000023 \(csv\): not served: .*round_plan\.csv:5: row 4, column schedule: /),
      expect.stringMatching(/^.*broken\.yaml:19: council E06000023 \(csv\): not served: .*round_plan\.csv:8: row 6, column schedule: /),
    ]);
    expect(byCode(result, 'E07000170')).toBeUndefined();
    expect(byCode(result, 'E06000023')).toBeUndefined();
  });

  it('keeps serving the councils that are right', async () => {
    expect(result.sources.filter((s) => s.info().kind !== 'SAMPLE').map((s) => s.councilCode)).toEqual(['E07000173']);
    // Every council named in the file, even a broken one, is left out of the samples: no invented bin days for them.
    for (const code of ['E07000170', 'E06000023', 'E06000038', 'E07000171', 'E07000172', 'E09000006', 'E07000174']) expect(byCode(result, code)).toBeUndefined();
    expect(byCode(result, 'E06000041')?.info().kind).toBe('SAMPLE');
    const gedling = byCode(result, 'E07000173')!;
    const [street] = await gedling.propertiesInPostcode('NG4 1AA');
    expect(street).toMatchObject({ uprn: 'PC-NG41AA', address: { lines: ['All addresses in NG4 1AA'], postcode: 'NG4 1AA' } });
    expect((await gedling.collections(street, { from: '2026-05-18', to: '2026-05-31' })).map((c) => [c.date, c.status])).toEqual([['2026-05-23', 'MOVED']]);
  });
});

describe('a configuration file that cannot be read', () => {
  it.each([
    ['a YAML syntax error', `${CONFIG}not-yaml.yaml`, /not-yaml\.yaml:6: Flow sequence in block collection must be sufficiently indented and end with a \]$/],
    ['a missing file', `${CONFIG}missing.yaml`, /missing\.yaml: cannot be read: ENOENT/],
  ])('reports %s with the file and line, and serves the sample for every council', async (_name, path, error) => {
    const result = await loadCouncilHostConfig(path, context);
    expect(result.errors).toEqual([expect.stringMatching(error)]);
    expect(result.sources).toHaveLength(wasteCouncils);
    expect(result.sources.every((s) => s.info().kind === 'SAMPLE')).toBe(true);
  });

  it('reports an unknown top-level field with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'binfo-config-'));
    writeFileSync(join(dir, 'host.yaml'), 'defaults:\n  sample: true\n  refreshMinutes: 5\ncouncils: []\n');
    const result = await loadCouncilHostConfig(join(dir, 'host.yaml'), context);
    expect(result.errors).toEqual([`${join(dir, 'host.yaml')}:3: defaults.refreshMinutes: unknown field refreshMinutes`]);
  });

  it('accepts an empty file as "no councils configured"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'binfo-config-'));
    writeFileSync(join(dir, 'host.yaml'), '# nothing yet\n');
    const result = await loadCouncilHostConfig(join(dir, 'host.yaml'), context);
    expect(result.errors).toEqual([]);
    expect(result.sources).toHaveLength(wasteCouncils);
  });
});

describe('per-address calendars in the configuration', () => {
  it('refuses a calendarUrl without {uprn}, per-round fields beside it, and a missing address list, naming each field', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'binfo-per-address-')), 'council-host.yaml');
    writeFileSync(
      path,
      [
        'defaults: { sample: false }',
        'councils:',
        '  - code: E07000176',
        '    adapter: ics',
        '    calendarUrl: https://bins.example.invalid/calendar.ics',
        '    calendars: [{ round: A, url: a.ics }]',
        '    services: [{ match: Refuse, type: GENERAL_WASTE, name: Refuse }]',
        '',
      ].join('\n'),
    );
    const loaded = await loadCouncilHostConfig(path, context);
    expect(loaded.errors).toEqual([
      `${path}:5: council E07000176: calendarUrl: must contain {uprn} (or {postcode}): it is the calendar of one property`,
      `${path}:6: council E07000176: calendars: is for per-round calendars; a council with calendarUrl (per address) has no rounds to list`,
      `${path}:3: council E07000176: addresses: is required with calendarUrl: the address list (uprn,postcode,address) says which properties to fetch calendars for`,
    ]);
    expect(loaded.sources).toEqual([]);
  });
});
