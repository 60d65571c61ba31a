// The gateway's relay of council event streams: it logs each event once however often a stream replays it,
// resumes with Last-Event-ID, drops what a stream may not say (another council's events, bad data, oversize
// events), and backs off between reconnects (fake timers).
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CouncilEndpoint } from '../../gateway/council-registry.js';
import { CouncilEventRelay, eventSourcesOf, reconnectDelayMs } from '../../gateway/events/council-event-relay.js';
import { NationalEventLog } from '../../gateway/events/national-event-log.js';
import { disruptionJsonFixture } from '../support/disruption-json.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const WOKINGHAM = 'E06000041';

interface SourceEvent {
  seq: number;
  councilCode: string;
  type?: string;
  id?: string;
  disruptionCouncil?: string;
  data?: string;
}

const eventData = (e: SourceEvent) =>
  e.data ??
  JSON.stringify({
    id: e.id ?? `evt-${e.seq}`,
    type: e.type ?? 'disruption.published',
    councilCode: e.councilCode,
    createdAt: '2026-12-01T08:00:00.000Z',
    disruption: disruptionJsonFixture(`d-${e.seq}`, e.disruptionCouncil ?? e.councilCode),
  });

/** A council host's stream we control: it replays from Last-Event-ID, records what each connection asked, and ends each connection after sending. */
async function fakeSource() {
  const events: SourceEvent[] = [];
  const asked: Array<string | undefined> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const after = Number(req.headers['last-event-id'] ?? '0');
    asked.push(req.headers['last-event-id'] as string | undefined);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events) {
      // Replays from 0 whatever it is asked, to prove the log de-duplicates.
      if (e.seq > after || source.replayEverything) res.write(`id: ${e.seq}\nevent: ${e.type ?? 'disruption.published'}\ndata: ${eventData(e)}\n\n`);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const source = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/councils/events`,
    events,
    asked,
    replayEverything: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return source;
}

function endpointsFor(url: string, codes: string[]): Map<string, CouncilEndpoint> {
  return new Map(
    codes.map((code) => [code, { code, name: code, url: `http://127.0.0.1:1/councils/${code}/graphql`, fallbackUrl: 'https://example.invalid/', timeoutMs: 1000, eventsUrl: url }]),
  );
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayOver(source: Awaited<ReturnType<typeof fakeSource>>, codes: string[]) {
  const log = NationalEventLog.open(':memory:');
  const invalidated: string[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const relay = new CouncilEventRelay({
    endpoints: endpointsFor(source.url, codes),
    log,
    invalidate: (code) => invalidated.push(code),
    logger: (entry) => logged.push(entry),
    backoff: { baseMs: 20, capMs: 40 },
  });
  relay.start();
  cleanups.push(() => log.close(), () => relay.stop(), () => source.close());
  return { log, invalidated, logged, relay };
}

describe('the council event relay', () => {
  it('logs each event once though the stream replays it, and resumes with Last-Event-ID', async () => {
    const source = await fakeSource();
    source.events.push({ seq: 1, councilCode: READING }, { seq: 2, councilCode: BRISTOL, type: 'disruption.changed' });
    source.replayEverything = true;
    const { log, invalidated } = await relayOver(source, [READING, BRISTOL]);

    // The source ends each connection, so the relay reconnects again and again, each time replaying everything.
    await until(() => source.asked.length >= 3);
    expect(log.readAfter(0, 100).map((e) => [e.seq, e.id, e.councilCode, e.type])).toEqual([
      [1, 'evt-1', READING, 'disruption.published'],
      [2, 'evt-2', BRISTOL, 'disruption.changed'],
    ]);
    expect(source.asked[0]).toBe('0');
    expect(source.asked.slice(1).every((id) => id === '2')).toBe(true);
    expect(invalidated.slice(0, 2)).toEqual([READING, BRISTOL]);

    source.events.push({ seq: 3, councilCode: READING, type: 'disruption.withdrawn' });
    await until(() => log.latestSeq() === 3);
    expect(JSON.parse(log.readAfter(2, 10)[0].payload)).toMatchObject({ id: 'd-3', councilCode: READING });
    expect(log.sourceCursor(source.url)).toBe(3);
  });

  it('passes on the standard disruption only: fields a council adds are dropped, and a disruption breaking the standard drops the event', async () => {
    const source = await fakeSource();
    const event = (seq: number, disruption: Record<string, unknown>) =>
      JSON.stringify({ id: `evt-${seq}`, type: 'disruption.published', councilCode: READING, createdAt: '2026-12-01T08:00:00.000Z', disruption, tracking: 'https://evil.example/' });
    source.events.push(
      { seq: 1, councilCode: READING, data: event(1, { ...disruptionJsonFixture('d-1', READING), html: '<script>', internalNotes: 'not for apps' }) },
      { seq: 2, councilCode: READING, data: event(2, disruptionJsonFixture('d-2', READING, { url: 'javascript:alert(1)' })) },
      { seq: 3, councilCode: READING, data: event(3, disruptionJsonFixture('d-3', READING, { effect: { delayedDays: 400 } })) },
      { seq: 4, councilCode: READING, data: event(4, disruptionJsonFixture('d-4', READING, { reason: 'ALIENS' })) },
      { seq: 5, councilCode: READING, data: event(5, disruptionJsonFixture('d-5', READING, { title: 'x'.repeat(201) })) },
      { seq: 6, councilCode: READING },
    );
    const { log, logged } = await relayOver(source, [READING]);
    await until(() => log.latestSeq() === 2);
    const relayed = log.readAfter(0, 10).map((e) => JSON.parse(e.payload));
    expect(relayed.map((d) => d.id)).toEqual(['d-1', 'd-6']);
    expect(Object.keys(relayed[0]).sort()).toEqual(Object.keys(disruptionJsonFixture('d-1', READING)).sort());
    expect(logged.filter((entry) => entry.msg === 'council event dropped: not a disruption event')).toHaveLength(4);
  });

  it('resumes after a restart from the cursor kept in the log file', async () => {
    const source = await fakeSource();
    source.events.push({ seq: 1, councilCode: READING }, { seq: 2, councilCode: READING });
    const path = join(mkdtempSync(join(tmpdir(), 'binfo-relay-')), 'national-events.sqlite');
    const run = async () => {
      const log = NationalEventLog.open(path);
      const relay = new CouncilEventRelay({ endpoints: endpointsFor(source.url, [READING]), log, invalidate: () => {}, backoff: { baseMs: 20, capMs: 40 } });
      relay.start();
      return { log, relay };
    };
    const first = await run();
    await until(() => first.log.latestSeq() === 2);
    await first.relay.stop();
    first.log.close();
    source.asked.length = 0;
    source.events.push({ seq: 3, councilCode: READING });

    const second = await run();
    cleanups.push(() => second.log.close(), () => second.relay.stop(), () => source.close());
    await until(() => second.log.latestSeq() === 3);
    expect(source.asked[0]).toBe('2');
    expect(second.log.readAfter(0, 10).map((e) => e.id)).toEqual(['evt-1', 'evt-2', 'evt-3']);
  });

  it('drops an event naming a council that the registry does not serve from that stream, and logs it', async () => {
    const source = await fakeSource();
    source.events.push(
      { seq: 1, councilCode: WOKINGHAM },
      { seq: 2, councilCode: READING, disruptionCouncil: WOKINGHAM },
      { seq: 3, councilCode: READING, data: '{"not":"an event"}' },
      { seq: 4, councilCode: READING, data: 'not json' },
      { seq: 5, councilCode: READING },
    );
    const { log, invalidated, logged } = await relayOver(source, [READING]);
    await until(() => log.latestSeq() === 1);
    expect(log.readAfter(0, 10).map((e) => e.id)).toEqual(['evt-5']);
    expect(invalidated.every((code) => code === READING)).toBe(true);
    const dropped = logged.filter((entry) => String(entry.msg).startsWith('council event dropped'));
    expect(dropped.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining([
        `council event dropped: council ${WOKINGHAM} is not served by this stream according to the registry`,
        'council event dropped: not a disruption event',
        'council event dropped: its data is not JSON',
      ]),
    );
    expect(dropped.find((entry) => entry.seq === 2)).toBeDefined();
  });

  it('cuts off a stream that sends an event over the size cap', async () => {
    const source = await fakeSource();
    source.events.push({ seq: 1, councilCode: READING, data: JSON.stringify({ padding: 'x'.repeat(400 * 1024) }) }, { seq: 2, councilCode: READING });
    const { log, logged } = await relayOver(source, [READING]);
    await until(() => logged.some((entry) => String(entry.msg).includes('broke the format')));
    expect(log.latestSeq()).toBe(0);
  });

  it('follows one stream per distinct events URL, for the councils the registry gives it', () => {
    const endpoints = new Map<string, CouncilEndpoint>([
      ...endpointsFor('http://host.invalid/councils/events', [READING, BRISTOL]),
      ...endpointsFor('https://own.invalid/events', [WOKINGHAM]),
    ]);
    // A council moved off its shared host no longer belongs to the host's stream.
    endpoints.set('E06000039', {
      code: 'E06000039', name: 'Slough', url: 'https://slough.invalid/graphql', fallbackUrl: 'https://example.invalid/', timeoutMs: 1000,
      sharedHost: { batchUrl: 'http://host.invalid/councils/graphql', councilUrl: 'http://host.invalid/councils/E06000039/graphql' },
      eventsUrl: 'http://host.invalid/councils/events',
    });
    expect(eventSourcesOf(endpoints)).toEqual(
      new Map([
        ['http://host.invalid/councils/events', new Set([READING, BRISTOL])],
        ['https://own.invalid/events', new Set([WOKINGHAM])],
      ]),
    );
  });
});

describe('stopping', () => {
  it('stops at once while connected to a quiet stream, without waiting for its next heartbeat', async () => {
    let open: ServerResponse | null = null;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': connected\n\n');
      open = res; // then nothing: the next heartbeat would be 15 s away
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/councils/events`;
    const log = NationalEventLog.open(':memory:');
    const relay = new CouncilEventRelay({ endpoints: endpointsFor(url, [READING]), log, invalidate: () => {} });
    cleanups.push(() => log.close(), () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    relay.start();
    await until(() => relay.status().some((source) => source.connected));
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(open).not.toBeNull();
  });
});

describe('reconnecting', () => {
  it('doubles the delay up to the cap, with jitter between half and all of it', () => {
    const options = { baseMs: 1000, capMs: 8000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, options, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect([1, 2, 3, 4].map((n) => reconnectDelayMs(n, options, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('waits the backoff between failed connections, and starts again from the bottom after one that delivered', async () => {
    vi.useFakeTimers();
    const log = NationalEventLog.open(':memory:');
    cleanups.push(() => log.close());
    const calls: number[] = [];
    let deliver = false;
    const start = Date.now();
    const fakeFetch = (async () => {
      calls.push(Date.now() - start);
      if (!deliver) throw new TypeError('fetch failed');
      deliver = false;
      const body = `id: 1\nevent: disruption.published\ndata: ${eventData({ seq: 1, councilCode: READING })}\n\n`;
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }) as typeof fetch;
    const relay = new CouncilEventRelay({
      endpoints: endpointsFor('http://source.invalid/events', [READING]),
      log,
      invalidate: () => {},
      fetch: fakeFetch,
      random: () => 0.999999,
      backoff: { baseMs: 1000, capMs: 8000 },
    });
    relay.start();
    cleanups.push(() => relay.stop());
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(2000 + 4000 + 8000 + 8000);
    expect(calls).toEqual([0, 1000, 3000, 7000, 15000, 23000]);

    // The next attempt delivers an event: the one after it comes after the shortest delay again.
    deliver = true;
    await vi.advanceTimersByTimeAsync(8000);
    expect(calls.at(-1)).toBe(31000);
    expect(log.latestSeq()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.at(-1)).toBe(32000);
  });
});
