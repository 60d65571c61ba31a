// The live event streams attacked: GET /events at a real gateway on 127.0.0.1 with odd Last-Event-IDs,
// ?council= lists of every size and shape, other methods and too many connections; the council host's
// /councils/events likewise; and the gateway's relay fed garbage by a council stream. Refusals are 4xx JSON
// with a `code` and a sentence; garbage never reaches the national log, and the relay keeps going.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, get as httpGet, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CouncilEndpoint } from '../../gateway/council-registry.js';
import { CouncilEventRelay } from '../../gateway/events/council-event-relay.js';
import { NationalEventLog } from '../../gateway/events/national-event-log.js';
import { createLogger } from '../../gateway/observability/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { openStream, type TestStream } from '../events/sse-client.js';
import { rawBytes, READING, startHostileHost, type HostileHost } from './console-host.js';
import { disruptionJsonFixture } from '../support/disruption-json.js';

const BRISTOL = 'E06000023';
const STACK_TRACE = /at .+\(.*:\d+:\d+\)|node:internal|\.ts:\d+/;

let dir: string;
let gateway: RunningGateway;
const opened: TestStream[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-hostile-events-'));
  gateway = await startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    subgraphUrls: { directory: 'http://directory.invalid/graphql', calendar: 'http://calendar.invalid/graphql' },
    councilEndpoints: new Map(),
    councilDirectory: new Map([
      [READING, { name: 'Reading', fallbackUrl: 'https://www.reading.gov.uk/bins', collectsWaste: true }],
      [BRISTOL, { name: 'Bristol', fallbackUrl: 'https://www.bristol.gov.uk/bins', collectsWaste: true }],
    ]),
    port: 0,
    host: '127.0.0.1',
    rateLimit: false,
    metrics: false,
    logger: createLogger('silent'),
    events: { dbPath: join(dir, 'national-events.sqlite'), relay: false },
  });
  for (let i = 1; i <= 3; i++) {
    gateway.events!.log.append({ id: `evt-${i}`, councilCode: READING, type: 'disruption.published', disruption: { id: `d-${i}`, councilCode: READING, title: `<script>alert(${i})</script>` }, occurredAt: new Date().toISOString() });
  }
}, 60_000);

afterAll(async () => {
  for (const s of opened.splice(0)) s.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null };
}

function expectJsonRefusal(answer: Awaited<ReturnType<typeof refusal>>, status: number, code: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body.errors[0].extensions.code).toBe(code);
  expect(answer.body.errors[0].message).toMatch(/^\S.{10,}[.)]$/);
  expect(answer.text).not.toMatch(STACK_TRACE);
}

describe('GET /events at the gateway', () => {
  it('refuses Last-Event-ID and ?after= that are not a whole number of at most 15 digits, with 400 BAD_USER_INPUT', async () => {
    for (const id of ['abc', '-1', '1e3', '1.5', '0x10', '1, 2', '9'.repeat(16), '9'.repeat(5000), '١٢', 'NaN', 'Infinity']) {
      // (A header carries Latin-1 only; the Arabic-Indic digits go in ?after= alone.)
      if (/^[\x20-\xff]*$/.test(id)) expectJsonRefusal(await refusal('/events', { headers: { 'last-event-id': id } }), 400, 'BAD_USER_INPUT');
      expectJsonRefusal(await refusal(`/events?after=${encodeURIComponent(id)}`), 400, 'BAD_USER_INPUT');
    }
  });

  it('replays the whole log to a Last-Event-ID beyond its end (another log), and from the id onwards to one within it', async () => {
    const beyond = await openStream(`${gateway.url}/events`, { 'last-event-id': '999999999999999' });
    opened.push(beyond);
    expect(beyond.status).toBe(200);
    expect((await beyond.waitFor(3)).map((e) => e.id)).toEqual(['1', '2', '3']);
    const within = await openStream(`${gateway.url}/events`, { 'last-event-id': ' 2 ' });
    opened.push(within);
    expect((await within.waitFor(1)).map((e) => e.id)).toEqual(['3']);
    // Markup in a council's data travels as JSON text: the stream is not HTML, and it is sent nosniff.
    expect(within.headers.get('x-content-type-options')).toBe('nosniff');
    expect(JSON.parse(within.events[0].data).disruption.title).toBe('<script>alert(3)</script>');
    beyond.close();
    within.close();
  });

  it('refuses ?council= lists that are too long, malformed or unknown with 400 and a sentence; a URL too long for any server is a 4xx', async () => {
    expectJsonRefusal(await refusal(`/events?${Array.from({ length: 401 }, () => `council=${READING}`).join('&')}`), 400, 'BAD_USER_INPUT');
    for (const code of ["E06000038' OR 1=1--", 'x'.repeat(10_000), 'E0600003', 'E99999999', '', '%00', 'e06000038x']) {
      const answer = await refusal(`/events?council=${encodeURIComponent(code)}`);
      if (code === '') {
        expect(answer.status).toBe(400);
        continue;
      }
      expectJsonRefusal(answer, 400, 'BAD_USER_INPUT');
      expect(answer.text.length).toBeLessThan(1000);
    }
    // 1,000 values do not fit in the 16 KiB request head Node accepts: it answers 431 itself, before any route.
    const thousand = await rawBytes(gateway.url, Buffer.from(`GET /events?${Array.from({ length: 1000 }, () => `council=${READING}`).join('&')} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    expect(thousand.status).toBe(431);
    // Repeats of one council are one council: the stream opens.
    const repeated = await openStream(`${gateway.url}/events?${Array.from({ length: 400 }, () => `council=${READING}`).join('&')}`, { 'last-event-id': '0' });
    opened.push(repeated);
    expect(repeated.status).toBe(200);
    expect((await repeated.waitFor(3)).length).toBe(3);
    repeated.close();
  });

  it('answers POST, PUT, DELETE and PATCH with 405, Allow and a code', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await refusal('/events', { method, body: method === 'DELETE' ? undefined : '{}' });
      expectJsonRefusal(answer, 405, 'BAD_REQUEST');
      expect(answer.headers.get('allow')).toContain('GET');
    }
    const head = await fetch(`${gateway.url}/events`, { method: 'HEAD' });
    expect(head.status).toBeLessThan(500);
  });

  it('bounds the streams one client holds open: the 11th is refused 429 with Retry-After, and a closed one frees a place', async () => {
    const streams: TestStream[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await openStream(`${gateway.url}/events`);
      opened.push(s);
      streams.push(s);
      expect(s.status).toBe(200);
    }
    const eleventh = await refusal('/events');
    expectJsonRefusal(eleventh, 429, 'RATE_LIMITED');
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    // An API key that is not a real key does not make a new client.
    expectJsonRefusal(await refusal('/events', { headers: { 'x-api-key': 'made-up-key' } }), 429, 'RATE_LIMITED');
    streams[0].close();
    const deadline = Date.now() + 5_000;
    let again = await fetch(`${gateway.url}/events`);
    while (again.status === 429 && Date.now() < deadline) {
      await again.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await fetch(`${gateway.url}/events`);
    }
    expect(again.status).toBe(200);
    await again.body?.cancel();
    for (const s of streams) s.close();
  });
});

describe('/councils/events at the council host', () => {
  let host: HostileHost;
  beforeAll(async () => {
    host = await startHostileHost();
  });
  afterAll(async () => {
    await host?.close();
  });

  /** A stream held open from `localAddress` (127.0.0.2 is another client on the same machine); its status. */
  function holdStream(localAddress: string): Promise<{ status: number; body: string; close: () => void }> {
    const url = new URL(host.base);
    return new Promise((resolve, reject) => {
      const req = httpGet({ host: url.hostname, port: url.port, path: '/councils/events', localAddress, headers: { accept: 'text/event-stream' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (res.statusCode !== 200 || body.includes(': connected')) resolve({ status: res.statusCode!, body, close: () => req.destroy() });
        });
        res.on('end', () => resolve({ status: res.statusCode!, body, close: () => req.destroy() }));
      });
      req.on('error', reject);
    });
  }

  it('bounds the streams one address holds, so an outsider cannot take every place and shut the gateway’s relay out', async () => {
    const held = [];
    for (let i = 0; i < 20; i++) held.push(await holdStream('127.0.0.1'));
    expect(held.every((s) => s.status === 200)).toBe(true);
    const refused = await holdStream('127.0.0.1');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.message).toMatch(/^You already have 20 event streams open on this host/);
    // Another client (the gateway) still gets its stream.
    const gatewaysStream = await holdStream('127.0.0.2');
    expect(gatewaysStream.status).toBe(200);
    for (const s of [...held, gatewaysStream]) s.close();
    // Closed streams free their places.
    const deadline = Date.now() + 5_000;
    while (host.running.eventStreams.openStreams() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await holdStream('127.0.0.1');
    expect(again.status).toBe(200);
    again.close();
  });

  it('refuses odd resume points, unknown councils and other methods with a 4xx and a sentence', async () => {
    for (const id of ['abc', '-1', '9'.repeat(16)]) {
      const answer = await fetch(`${host.base}/councils/events`, { headers: { 'last-event-id': id } });
      expect(answer.status).toBe(400);
      expect((await answer.json()).error.message).toMatch(/whole-number id/);
    }
    for (const path of ['/councils/E99999999/events', '/councils/S12000033/events']) {
      const answer = await fetch(`${host.base}${path}`);
      expect(answer.status).toBe(404);
      expect((await answer.json()).error.message).toMatch(/is served by this host/);
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await fetch(`${host.base}/councils/events`, { method });
      expect(answer.status).toBe(405);
      expect((await answer.text())).not.toMatch(STACK_TRACE);
    }
  });
});

describe('a council stream sending garbage to the gateway’s relay', () => {
  const good = (seq: number, councilCode = READING) =>
    `id: ${seq}\nevent: disruption.published\ndata: ${JSON.stringify({ id: `good-${seq}`, type: 'disruption.published', councilCode, createdAt: '2026-12-01T08:00:00.000Z', disruption: disruptionJsonFixture(`d-${seq}`, councilCode) })}\n\n`;

  async function garbageSource(send: (res: ServerResponse, connection: number) => void) {
    let connections = 0;
    const server: Server = createServer((_req, res) => send(res, ++connections));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/councils/events`;
    return { url, connections: () => connections, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
  }

  async function relayTo(url: string, options: Partial<ConstructorParameters<typeof CouncilEventRelay>[0]> = {}) {
    const log = NationalEventLog.open(':memory:');
    const endpoints = new Map<string, CouncilEndpoint>([[READING, { code: READING, name: 'Reading', url: 'http://127.0.0.1:1/councils/E06000038/graphql', fallbackUrl: 'https://example.invalid/', timeoutMs: 1000, eventsUrl: url }]]);
    const warnings: string[] = [];
    const relay = new CouncilEventRelay({ endpoints, log, invalidate: () => {}, backoff: { baseMs: 10, capMs: 50 }, logger: (entry) => void warnings.push(String(entry.msg)), ...options });
    relay.start();
    return { log, relay, warnings };
  }

  async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('logs only the well-formed events of its own council among binary noise, bad ids, bad JSON, wrong types and another council’s', async () => {
    const source = await garbageSource((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a, 0x0a]));
      res.write('id: abc\ndata: {}\n\n');
      res.write('id: 1e20\n' + good(1).split('\n').slice(1).join('\n'));
      res.write('id: -5\n' + good(2).split('\n').slice(1).join('\n'));
      res.write('id: 3\ndata: {not json\n\n');
      res.write('id: 4\ndata: null\n\n');
      // Well-formed, with "__proto__" keys at the top and in the disruption (written as text: an object literal would not keep them).
      const polluting = JSON.stringify({ id: 'x', type: 'disruption.published', councilCode: READING, createdAt: '2026-12-01T08:00:00Z', disruption: disruptionJsonFixture('d', READING) })
        .replace(/^\{/, '{"__proto__":{"polluted":true},')
        .replace('"disruption":{', '"disruption":{"__proto__":{"polluted":true},');
      res.write(`id: 5\ndata: ${polluting}\n\n`);
      res.write(good(6, BRISTOL));
      res.write(`id: 7\nevent: disruption.withdrawn\ndata: ${JSON.stringify({ id: 'mismatch', type: 'disruption.published', councilCode: READING, createdAt: '2026-12-01T08:00:00Z', disruption: { id: 'd', councilCode: READING } })}\n\n`);
      res.write(`id: 8\ndata: ${JSON.stringify({ id: 'x'.repeat(201), type: 'disruption.published', councilCode: READING, createdAt: 'yesterday', disruption: {} })}\n\n`);
      res.write('retry: -1\nevent: \u0000\n:comment\nunknown-field: 1\n\n');
      res.write(good(9));
      res.end();
    });
    const { log, relay, warnings } = await relayTo(source.url);
    try {
      await until(() => log.latestSeq() >= 2, 'the good events');
      await until(() => source.connections() >= 2, 'a reconnect after the stream ended');
      const logged = log.readAfter(0, 100);
      expect(logged.map((e) => e.id)).toEqual(['x', 'good-9']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(warnings.filter((w) => w.startsWith('council event dropped')).length).toBeGreaterThanOrEqual(7);
    } finally {
      await relay.stop();
      log.close();
      await source.close();
    }
  });

  it('cuts off a stream that never ends a line, one that sends nothing, and one that answers HTML, and keeps retrying each', async () => {
    const endless = await garbageSource((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const silent = await garbageSource((res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders());
    const html = await garbageSource((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>'));
    const relays = await Promise.all([relayTo(endless.url), relayTo(silent.url, { idleTimeoutMs: 200 }), relayTo(html.url)]);
    try {
      for (const source of [endless, silent, html]) await until(() => source.connections() >= 2, `a retry of ${source.url}`, 10_000);
      for (const { log } of relays) expect(log.latestSeq()).toBe(0);
      expect(relays[0].warnings.some((w) => /broke the format: a line is longer than/.test(w))).toBe(true);
      expect(relays[1].warnings.some((w) => /nothing for 200 ms/.test(w))).toBe(true);
      expect(relays[2].warnings.some((w) => /HTTP 200 text\/html/.test(w))).toBe(true);
    } finally {
      for (const { relay, log } of relays) {
        await relay.stop();
        log.close();
      }
      await Promise.all([endless.close(), silent.close(), html.close()]);
    }
  });
});
