// Reading a published file from a path or a URL, with a timeout; failures name the file or URL.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIcsCouncil } from '../../subgraphs/council/adapters/ics/ics-council.js';
import { DataFileError } from '../../subgraphs/council/adapters/shared/data-problem.js';
import { readResource, resolveLocation } from '../../subgraphs/council/adapters/shared/read-resource.js';
import { FIXTURES, bankHolidays, startFakeServer, type FakeServer } from './support.js';

let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer((req, res) => {
    if (req.url === '/monday-a.ics') {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(readFileSync(`${FIXTURES}ics-year/monday-a.ics`));
    } else if (req.url === '/slow.ics') {
      // never answers
    } else {
      res.writeHead(404);
      res.end('Not found');
    }
  });
});
afterAll(() => server?.close());

describe('reading a published file', () => {
  it.each([
    ['file:./x.ics', { kind: 'file', path: '/config/x.ics' }],
    ['./x.ics', { kind: 'file', path: '/config/x.ics' }],
    ['../data/x.ics', { kind: 'file', path: '/data/x.ics' }],
    ['/srv/x.ics', { kind: 'file', path: '/srv/x.ics' }],
    ['file:///srv/x.ics', { kind: 'file', path: '/srv/x.ics' }],
    ['https://example.invalid/x.ics', { kind: 'http', url: 'https://example.invalid/x.ics' }],
  ])('resolves %s', (location, resolved) => {
    expect(resolveLocation(location, '/config')).toEqual(resolved);
  });

  it('reads a council calendar from a URL', async () => {
    const { source } = await loadIcsCouncil({
      councilCode: 'E07000173',
      town: 'Gedling',
      baseDir: FIXTURES,
      calendars: [{ round: 'Monday A', url: `${server.url}/monday-a.ics` }],
      rounds: { byPostcode: new Map([['NG4 1AA', ['Monday A']]]) },
      services: [{ match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin' }],
      changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
      rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
      bankHolidays,
    });
    const [street] = await source.propertiesInPostcode('NG4 1AA');
    expect((await source.collections(street, { from: '2026-05-18', to: '2026-05-31' })).map((c) => [c.date, c.originalDate])).toEqual([['2026-05-23', '2026-05-25']]);
  });

  it('names the URL of an HTTP error', async () => {
    await expect(readResource(`${server.url}/gone.ics`, { baseDir: '/' })).rejects.toThrow(`${server.url}/gone.ics: answered HTTP 404`);
  });

  it('gives up on a server that does not answer', async () => {
    const error = await readResource(`${server.url}/slow.ics`, { baseDir: '/', timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toBe(`${server.url}/slow.ics: cannot be fetched: timed out`);
  });
});
