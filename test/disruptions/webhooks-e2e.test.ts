// Webhooks end to end: an app registers over the council host's API, a receiver on 127.0.0.1 checks every
// signature with the verifier the README gives app developers, and disruptions posted over the API arrive.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { fetchTransport } from '../../lib/webhooks/transport.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

/** The README's verifier, word for word: what an app would paste. */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string): boolean {
  const timestamp = String(headers['binfo-timestamp']);
  const given = Buffer.from(String(headers['binfo-signature']));
  const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A receiver on 127.0.0.1; `status` decides the answer, so a test can make it fail for a while. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[]; status: { value: number } }> {
  const received: Received[] = [];
  const status = { value: 204 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status.value).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/binfo-webhook`, received, status };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let dir: string;
let running: CouncilHostWithDisruptions;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let readingToken: string;
let bristolToken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-webhooks-'));
  const bankHolidays = loadShippedBankHolidays();
  running = await startCouncilHostWithDisruptions({
    sources: [
      new FixtureCouncilSource({ councilCode: READING, label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays }),
      new FixtureCouncilSource({ councilCode: BRISTOL, label: 'Bristol-fixture', postcode: 'BS1 5TR', bankHolidays }),
    ],
    dbPath: join(dir, 'disruptions.sqlite'),
    port: 0,
    // Short delays so the retry test takes a moment; the schedule itself is unit-tested with fake timers.
    webhooks: { backoffBaseMs: 50, backoffCapMs: 200, timeoutMs: 2_000 },
  });
  readingToken = running.tokens.issueToken(READING);
  bristolToken = running.tokens.issueToken(BRISTOL);
  receiver = await startReceiver();
});

afterAll(async () => {
  await running?.close();
  await new Promise((resolve) => receiver?.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(`${running.host.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
}

const SNOW = { title: 'Snow: collections cancelled', reason: 'SEVERE_WEATHER', area: { postcodes: ['RG1'] }, effect: 'cancelled', startsOn: '2026-12-01' };

describe('webhook subscriptions API', () => {
  it('needs the council’s own token and an http(s) URL, and names the problem', async () => {
    expect((await call('POST', `/councils/${READING}/webhooks`, null, { url: receiver.url })).status).toBe(401);
    const wrongCouncil = await call('POST', `/councils/${READING}/webhooks`, bristolToken, { url: receiver.url });
    expect(wrongCouncil).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const badUrl = await call('POST', `/councils/${READING}/webhooks`, readingToken, { url: 'file:///etc/passwd' });
    expect(badUrl).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT', message: expect.stringMatching(/https:\/\//) } } });
    expect((await call('POST', `/councils/${READING}/webhooks`, readingToken, {})).status).toBe(400);
    expect((await call('GET', `/councils/${READING}/webhooks`, readingToken)).body.subscriptions).toEqual([]);
  });
});

describe('delivery to a receiver on 127.0.0.1', () => {
  it('delivers a signed disruption.published, .changed and .withdrawn that the README verifier accepts', async () => {
    const added = await call('POST', `/councils/${READING}/webhooks`, readingToken, { url: receiver.url });
    expect(added.status).toBe(201);
    const { subscription, secret } = added.body;
    expect(secret).toMatch(/^whsec_/);
    // The secret is never shown again.
    expect(JSON.stringify((await call('GET', `/councils/${READING}/webhooks`, readingToken)).body)).not.toContain(secret);

    const posted = await call('POST', `/councils/${READING}/disruptions`, readingToken, SNOW);
    expect(posted.status).toBe(201);
    const id = posted.body.disruption.id;
    expect((await call('PATCH', `/councils/${READING}/disruptions/${id}`, readingToken, { effect: { delayedDays: 1 } })).status).toBe(200);
    expect((await call('DELETE', `/councils/${READING}/disruptions/${id}`, readingToken)).status).toBe(200);

    await until('three deliveries', () => receiver.received.length >= 3);
    const events = receiver.received.map((r) => ({ ...r, event: JSON.parse(r.body) }));
    expect(events.every((r) => verify(secret, r.headers, r.body))).toBe(true);
    expect(events.some((r) => verify('whsec_someone-else', r.headers, r.body))).toBe(false);
    expect(events.map((r) => r.event.type)).toEqual(['disruption.published', 'disruption.changed', 'disruption.withdrawn']);
    expect(events[0].event.disruption).toEqual(posted.body.disruption);
    expect(events[1].event.disruption.effect).toEqual({ delayedDays: 1 });
    expect(events.map((r) => r.headers['binfo-event-id'])).toEqual(events.map((r) => r.event.id));
    expect(new Set(events.map((r) => r.event.id)).size).toBe(3);

    const detail = await call('GET', `/councils/${READING}/webhooks/${subscription.id}`, readingToken);
    expect(detail.body.deliveries).toHaveLength(3);
    expect(detail.body.deliveries.every((d: any) => d.status === 204 && d.error === null)).toBe(true);
    expect((await call('DELETE', `/councils/${READING}/webhooks/${subscription.id}`, readingToken)).status).toBe(204);
  });

  it('gets every event once a receiver that was failing is back', async () => {
    receiver.received.length = 0;
    receiver.status.value = 503;
    const { secret } = (await call('POST', `/councils/${READING}/webhooks`, readingToken, { url: receiver.url })).body;
    const ids: string[] = [];
    for (const title of ['Flood', 'Strike']) {
      ids.push((await call('POST', `/councils/${READING}/disruptions`, readingToken, { ...SNOW, title })).body.disruption.id);
    }
    await until('failed attempts', () => receiver.received.length >= 4);
    receiver.status.value = 200;
    await until('both delivered', () => {
      const ok = receiver.received.filter((r) => verify(secret, r.headers, r.body));
      const distinct = new Set(ok.map((r) => JSON.parse(r.body).disruption.id));
      return distinct.size === 2 && running.store.database.prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'").pluck().get() === 0;
    });
    const delivered = new Set(receiver.received.map((r) => JSON.parse(r.body).disruption.id));
    expect([...delivered].sort()).toEqual([...ids].sort());
  });
});

describe('fetchTransport', () => {
  it('gives up on a receiver that does not answer within the timeout, and does not follow redirects', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(307, { location: '/elsewhere' }).end();
      // '/hang' never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      await expect(fetchTransport({ url: `${base}/hang`, headers: {}, body: '{}', timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await fetchTransport({ url: `${base}/redirect`, headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ status: 307 });
      expect(hits).toEqual(['/hang', '/redirect']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
