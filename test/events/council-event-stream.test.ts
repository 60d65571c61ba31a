// The council host's live stream: replays the outbox after Last-Event-ID, then goes live; sees writes by
// another process (the CLI) through the poll; one council or all; bounded; heartbeats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { DisruptionStore, type DisruptionInput } from '../../subgraphs/council/disruptions/disruption-store.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { openStream, type TestStream } from './sse-client.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const snow = (title: string): DisruptionInput => ({ title, reason: 'SEVERE_WEATHER', area: { kind: 'postcodes', postcodes: ['RG1'] }, effect: { kind: 'cancelled' }, startsOn: '2026-12-01' });

let dir: string;
let running: CouncilHostWithDisruptions;
const streams: TestStream[] = [];
const open = async (path: string, headers: Record<string, string> = {}) => {
  const stream = await openStream(`${running.host.url}${path}`, headers);
  streams.push(stream);
  return stream;
};

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-host-events-'));
  const bankHolidays = loadShippedBankHolidays();
  running = await startCouncilHostWithDisruptions({
    sources: [
      new FixtureCouncilSource({ councilCode: READING, label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays }),
      new FixtureCouncilSource({ councilCode: BRISTOL, label: 'Bristol-fixture', postcode: 'BS1 5TR', bankHolidays }),
    ],
    dbPath: join(dir, 'disruptions.sqlite'),
    port: 0,
    webhooks: false,
    eventStreams: { maxStreams: 4, pollIntervalMs: 50, connection: { heartbeatMs: 100 } },
  });
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  // The host frees a stream's place when it sees the socket close, a moment after the client lets go; on a
  // busy machine that moment can outlast the next test's first request, which would then meet the bound.
  await until(() => running.eventStreams.openStreams() === 0);
});
afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the council host event stream', () => {
  it('replays the outbox after Last-Event-ID, then sends new events as they are written', async () => {
    const first = running.store.create(READING, snow('One'));
    running.store.create(BRISTOL, snow('Two'));
    const third = running.store.update(READING, first.id, { title: 'One, extended' });

    const stream = await open('/councils/events', { 'last-event-id': '1' });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const replayed = await stream.waitFor(2);
    expect(replayed.map((e) => [e.id, e.event])).toEqual([
      ['2', 'disruption.published'],
      ['3', 'disruption.changed'],
    ]);
    const body = JSON.parse(replayed[1].data);
    expect(body).toMatchObject({ type: 'disruption.changed', councilCode: READING, disruption: { id: third.id, title: 'One, extended', councilCode: READING } });
    expect(typeof body.id).toBe('string');

    running.store.withdraw(READING, first.id);
    const [, , live] = await stream.waitFor(3);
    expect([live.id, live.event]).toEqual(['4', 'disruption.withdrawn']);
    expect(JSON.parse(live.data).disruption.withdrawnAt).toEqual(expect.any(String));
  });

  it('serves one council alone at /councils/<GSS>/events, from ?after=', async () => {
    const stream = await open(`/councils/${BRISTOL}/events?after=0`);
    const [only] = await stream.waitFor(1);
    expect(JSON.parse(only.data)).toMatchObject({ councilCode: BRISTOL, disruption: { title: 'Two' } });
    running.store.create(READING, snow('Reading only'));
    running.store.create(BRISTOL, snow('Bristol again'));
    const events = await stream.waitFor(2);
    expect(JSON.parse(events[1].data).disruption.title).toBe('Bristol again');
    expect(events.every((e) => JSON.parse(e.data).councilCode === BRISTOL)).toBe(true);
  });

  it('without a resume point sends only new events, including those another process writes (the CLI)', async () => {
    const stream = await open('/councils/events');
    await stream.waitForRaw((raw) => raw.includes(': connected'));
    // A second connection to the same file, as `npm run disruption` has: no onCommit reaches this host.
    const cli = DisruptionStore.open(join(dir, 'disruptions.sqlite'));
    try {
      cli.create(READING, snow('From the CLI'));
    } finally {
      cli.close();
    }
    const [event] = await stream.waitFor(1);
    expect(JSON.parse(event.data).disruption.title).toBe('From the CLI');
    expect(stream.events).toHaveLength(1);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const stream = await open('/councils/events');
    await stream.waitForRaw((raw) => raw.includes(': heartbeat'));
  });

  it('refuses a bad resume point, an unknown council, other methods, and streams past its bound', async () => {
    const bad = await fetch(`${running.host.url}/councils/events`, { headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/whole-number id/) });
    expect((await fetch(`${running.host.url}/councils/E09000001/events`)).status).toBe(404);
    expect((await fetch(`${running.host.url}/councils/events`, { method: 'POST' })).status).toBe(405);

    // The earlier tests' streams are closed; the host notices as their sockets end.
    await until(() => running.eventStreams.openStreams() === 0);
    for (let i = 0; i < 4; i++) expect((await open('/councils/events')).status).toBe(200);
    const refused = await fetch(`${running.host.url}/councils/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    await refused.body?.cancel();
  });
});
