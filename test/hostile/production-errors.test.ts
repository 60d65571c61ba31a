// A hostile client probing a production gateway for a map of its internals: typos to harvest "Did you
// mean …?" suggestions, introspection, and failures (a council that resets the connection, a council whose
// error names its stack, an unreachable subgraph) to read socket errors, error classes, subgraph names and
// addresses from the messages. In production none of these reveal anything; every error keeps its code.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { councilDirectoryOf } from '../../gateway/council-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { maskError, revealsInternals } from '../../gateway/plugins/mask-errors.js';
import { send, startCountingStack, type CountingStack } from './hostile-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const INTERNALS = /Did you mean|ECONN|EPIPE|ETIMEDOUT|[A-Z][a-z]+Error\b|subgraph|127\.0\.0\.1|localhost|\.js\b|\.ts\b|node_modules|Apollo|_binfo_/;

let production: CountingStack;
let development: RunningGateway;
let calendarDown: RunningGateway;
let resetting: Server;
let leaky: HttpServer;

const listenOnLoopback = async (server: Server | HttpServer) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
};

beforeAll(async () => {
  // Accepts, then resets every connection: the gateway sees ECONNRESET.
  resetting = createServer((socket) => socket.resetAndDestroy());
  // A council whose own error names its internals.
  leaky = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: null, errors: [{ message: 'RangeError: Invalid time value at /srv/council/schedule.js:10:5 (ECONNRESET from 127.0.0.1:5432)' }] }));
  });
  const [resettingUrl, leakyUrl] = await Promise.all([listenOnLoopback(resetting), listenOnLoopback(leaky)]);

  production = await startCountingStack({ production: true, router: { circuitBreaker: false } });
  const { stack } = production;
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: resettingUrl });
  stack.endpoints.set(BRISTOL, { ...stack.endpoints.get(BRISTOL)!, url: leakyUrl });

  const shared = {
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    councilEndpoints: stack.endpoints,
    councilDirectory: councilDirectoryOf(stack.data.councils.all()),
    port: 0,
    host: '127.0.0.1',
    rateLimit: false as const,
    metrics: false as const,
    responseCache: false as const,
    logger: pino({ level: 'silent' }),
  };
  development = await startGateway({ ...shared, subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: stack.calendar.graphqlUrl } });
  calendarDown = await startGateway({ ...shared, production: true, subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: resettingUrl } });
});

afterAll(async () => {
  await Promise.all([production?.stack.close(), development?.close(), calendarDown?.close()]);
  resetting?.close();
  leaky?.close();
});

describe('a production gateway gives no suggestions', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a misspelt field', { query: '{ councl(code: "E06000038") { code } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a misspelt argument', { query: '{ council(cod: "E06000038") { code } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a misspelt enum value', { query: '{ councils(nation: ENGLND) { code } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a misspelt input field', { query: '{ properties(refs: [{ councilCod: "E06000038", uprn: "1" }]) { uprn } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a misspelt enum value in a variable', { query: 'query($n: Nation) { councils(nation: $n) { code } }', variables: { n: 'ENGLND' } }, 'BAD_USER_INPUT'],
  ])('for %s, where a development gateway would', async (_probe, body, code) => {
    const revealing = await send(development.graphqlUrl, body);
    expect(revealing.errors!.some((error) => /Did you mean/.test(error.message))).toBe(true);

    const answer = await send(production.url, body);
    expect(answer.status).toBe(400);
    for (const error of answer.errors!) {
      expect(error.extensions?.code).toBe(code);
      expect(error.message).not.toMatch(/Did you mean/);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it('answers introspection with a plain refusal that does not name the server software', async () => {
    const answer = await send(production.url, { query: '{ __schema { types { name } } }' });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]).toMatchObject({ message: 'Introspection is off on this server: the schema is published with the Binfo standard.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});

describe('a production gateway names no internals when something breaks', () => {
  it('a council that resets the connection: COUNCIL_UNAVAILABLE with its link, and no socket error', async () => {
    const answer = await send(production.url, { query: `{ council(code: "${READING}") { name services { name } } }` });
    expect(answer.status).toBe(200);
    expect(answer.data.council).toEqual({ name: 'Reading Borough Council', services: null });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: expect.stringMatching(/^https:\/\//) });
    expect(answer.errors![0].message).not.toMatch(INTERNALS);
  });

  it('a council whose error names its stack, error class and database: none of it reaches the client', async () => {
    const answer = await send(production.url, { query: `{ council(code: "${BRISTOL}") { name services { name } } }` });
    expect(answer.data.council.name).toBe('Bristol City Council');
    expect(answer.errors!.length).toBeGreaterThan(0);
    for (const error of answer.errors!) {
      expect(typeof error.extensions?.code).toBe('string');
      expect(error.message).not.toMatch(INTERNALS);
      expect(JSON.stringify(error.extensions)).not.toMatch(INTERNALS);
    }
  });

  it('an unreachable subgraph: a plain internal error, no stack, no subgraph name', async () => {
    const answer = await send(calendarDown.graphqlUrl, { query: '{ bankHolidays(division: SCOTLAND) { date } }' });
    expect(answer.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });
});

describe('masking one error', () => {
  it.each([
    ['a socket error', "Reading Borough Council's service is unavailable: read ECONNRESET"],
    ['an error class', 'RangeError: Invalid time value'],
    ['a subgraph', 'Error while fetching subgraph "directory"'],
    ['a loopback address', 'connect refused 127.0.0.1:4001'],
    ['a stack frame', 'failed at file:///srv/app/schedule.js:10:5'],
    ['the router’s own names', 'Cannot query field "_binfo_typename" on type "Council"'],
  ])('withholds a message that names %s, keeping the code and the fallback link', (_what, message) => {
    expect(revealsInternals(message)).toBe(true);
    const masked = maskError({ message, extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/', stacktrace: ['x'] } }, { production: true });
    expect(masked).toEqual({
      message: "This council's bin-collection service is unavailable. Check https://www.reading.gov.uk/bin-calendar/",
      extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: 'https://www.reading.gov.uk/bin-calendar/' },
    });
  });

  it.each([
    "Reading Borough Council's bin-collection service did not answer in time. Check https://www.reading.gov.uk/bin-calendar/",
    'Argument "activeOn" of disruptions: "2026-02-30" is not a date: February 2026 has 28 days.',
    'Value "ENGLND" does not exist in "Nation" enum.',
  ])('keeps a message a person can act on: %s', (message) => {
    expect(revealsInternals(message)).toBe(false);
    expect(maskError({ message, extensions: { code: 'BAD_USER_INPUT' } }, { production: true }).message).toBe(message);
  });

  it('keeps messages whole outside production, and turns an uncoded error into a plain internal error everywhere', () => {
    expect(maskError({ message: 'RangeError: x', extensions: { code: 'BAD_USER_INPUT' } }).message).toBe('RangeError: x');
    expect(maskError({ message: 'TypeError: cannot read properties of undefined', extensions: { serviceName: 'directory' } }, { production: true })).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
