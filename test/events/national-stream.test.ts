// GET /events, the national live stream: a reconnect with Last-Event-ID misses nothing; a council filter;
// bad input named; CORS for EventSource on other sites; hostile clients bounded (too many, too slow).
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NationalEventLog, type NationalEventInput } from '../../gateway/events/national-event-log.js';
import { nationalStream, type NationalStream } from '../../gateway/events/national-stream.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { openStream, type TestStream } from './sse-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
let counter = 0;
const event = (councilCode: string, extra: Partial<NationalEventInput> = {}): NationalEventInput => ({
  id: `evt-${++counter}`,
  councilCode,
  type: 'disruption.published',
  disruption: { id: `d-${counter}`, councilCode, title: `Disruption ${counter}` },
  occurredAt: '2026-12-01T08:00:00.000Z',
  ...extra,
});

let log: NationalEventLog;
let stream: NationalStream;
let server: RunningServer;
const opened: TestStream[] = [];
const open = async (query = '', headers: Record<string, string> = {}) => {
  const s = await openStream(`${server.url}/events${query}`, headers);
  opened.push(s);
  return s;
};

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function start(options: Partial<Parameters<typeof nationalStream>[0]> = {}, path = ':memory:') {
  log = NationalEventLog.open(path);
  stream = nationalStream({
    log,
    cors: { origins: '*' },
    isCouncil: (code) => code === READING || code === BRISTOL,
    clientOf: (req) => String(req.headers['x-test-client'] ?? req.socket.remoteAddress),
    ...options,
  });
  server = await listen((req, res) => stream.handle(req, res, new URL(req.url ?? '/', 'http://localhost')));
}

afterEach(async () => {
  for (const s of opened.splice(0)) s.close();
  stream?.close();
  await server?.close();
  log?.close();
});

describe('the national live stream', () => {
  beforeEach(() => start());

  it('misses nothing across a reconnect with Last-Event-ID: publish 3, read 1, disconnect, publish 2, reconnect, get 4', async () => {
    for (let i = 0; i < 3; i++) log.append(event(READING));
    const first = await open('?after=0');
    const [one] = await first.waitFor(1);
    expect(one.id).toBe('1');
    first.close();
    log.append(event(BRISTOL));
    log.append(event(READING, { type: 'disruption.withdrawn' }));

    const again = await open('', { 'last-event-id': one.id! });
    const events = await again.waitFor(4);
    expect(events.map((e) => e.id)).toEqual(['2', '3', '4', '5']);
    expect(events.map((e) => e.event)).toEqual(['disruption.published', 'disruption.published', 'disruption.published', 'disruption.withdrawn']);
    expect(JSON.parse(events[2].data)).toEqual({
      id: 'evt-4',
      type: 'disruption.published',
      councilCode: BRISTOL,
      createdAt: '2026-12-01T08:00:00.000Z',
      disruption: { id: 'd-4', councilCode: BRISTOL, title: 'Disruption 4' },
    });
    // Then live.
    log.append(event(READING));
    expect((await again.waitFor(5))[4].id).toBe('6');
  });

  it('sends only new events without a resume point, and what there is after a seq the log no longer has', async () => {
    log.append(event(READING));
    const live = await open();
    await live.waitForRaw((raw) => raw.includes(': connected'));
    log.append(event(READING));
    expect((await live.waitFor(1)).map((e) => e.id)).toEqual(['2']);

    const fromTheFuture = await open('', { 'last-event-id': '999' });
    expect((await fromTheFuture.waitFor(2)).map((e) => e.id)).toEqual(['1', '2']);
  });

  it('follows only the councils asked for, and names a bad council code', async () => {
    log.append(event(READING));
    log.append(event(BRISTOL));
    const bristol = await open(`?council=${BRISTOL}&after=0`);
    log.append(event(READING));
    log.append(event(BRISTOL));
    const events = await bristol.waitFor(2);
    expect(events.map((e) => [e.id, JSON.parse(e.data).councilCode])).toEqual([
      ['2', BRISTOL],
      ['4', BRISTOL],
    ]);

    for (const [query, message] of [
      ['?council=RG1', /"RG1" is not a council code: use a GSS code such as E06000038/],
      ['?council=E09999999', /E09999999 is not a UK council that Binfo knows/],
      ['?after=yesterday', /whole-number id/],
    ] as const) {
      const response = await fetch(`${server.url}/events${query}`);
      expect(response.status, query).toBe(400);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(message);
    }
  });

  it('lets a page on another site read it (CORS, preflight included)', async () => {
    const s = await open('', { origin: 'https://dashboard.example' });
    expect(s.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${server.url}/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/last-event-id/);
  });
});

describe('several gateway processes on one log', () => {
  it('sends what another process appends to the shared file (polled, as no in-process hook sees it)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'binfo-national-')), 'national-events.sqlite');
    await start({ pollIntervalMs: 50 }, path);
    const other = NationalEventLog.open(path);
    try {
      const s = await open();
      await s.waitForRaw((raw) => raw.includes(': connected'));
      other.append(event(BRISTOL));
      const [e] = await s.waitFor(1);
      expect(JSON.parse(e.data).councilCode).toBe(BRISTOL);
    } finally {
      other.close();
    }
  });
});

describe('hostile clients', () => {
  it('bounds streams per client (429) and in total (503), with Retry-After', async () => {
    await start({ maxStreams: 3, maxStreamsPerClient: 2 });
    expect((await open('', { 'x-test-client': 'a' })).status).toBe(200);
    expect((await open('', { 'x-test-client': 'a' })).status).toBe(200);
    const tooMany = await fetch(`${server.url}/events`, { headers: { 'x-test-client': 'a' } });
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('30');
    expect((await tooMany.json()).errors[0].message).toMatch(/already have 2 live streams open/);
    expect((await open('', { 'x-test-client': 'b' })).status).toBe(200);
    const full = await fetch(`${server.url}/events`, { headers: { 'x-test-client': 'c' } });
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    await full.body?.cancel();

    // A closed stream frees its place.
    opened[0].close();
    await until(() => stream.openStreams() === 2);
    expect((await open('', { 'x-test-client': 'a' })).status).toBe(200);
  });

  it('cuts off a reader that stops reading, instead of holding what it has not read', async () => {
    await start({ connection: { drainTimeoutMs: 300, heartbeatMs: 60_000 } });
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) log.append(event(READING, { disruption: { id: `d-${i}`, councilCode: READING, title: big } }));
    // A client that sends its request and then never reads a byte: 12.8 MB is far more than socket buffers hold.
    const socket = connect(server.port, '127.0.0.1');
    socket.pause();
    socket.write(`GET /events?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    await until(() => stream.openStreams() === 1);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await until(() => stream.openStreams() === 0, 10_000);
    socket.resume();
    await closed;
  });
});

afterAll(() => undefined);
