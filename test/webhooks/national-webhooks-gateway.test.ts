// National webhooks through the gateway's HTTP API: an app registers with its API key, an event appended to
// the national log reaches a receiver on 127.0.0.1 that checks the signature with the README's few lines,
// each app sees only its own subscriptions, and every mistake is a 4xx with a code and a sentence.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../gateway/limits/api-keys.js';
import { createLogger } from '../../gateway/observability/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

/** The README's verifier, word for word: what an app would paste. */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string): boolean {
  const timestamp = String(headers['binfo-timestamp']);
  const given = Buffer.from(String(headers['binfo-signature']));
  const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300; // refuse replays of old requests
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
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
let gateway: RunningGateway;
let apiKeys: ApiKeyStore;
let readingApp: string;
let bristolApp: string;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-gateway-webhooks-'));
  apiKeys = ApiKeyStore.open(':memory:');
  readingApp = apiKeys.issue('reading-my-area');
  bristolApp = apiKeys.issue('bristol-bins');
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/binfo-webhook`;
  gateway = await startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
    // Nothing here asks a subgraph or a council: .invalid so nothing could reach the network.
    subgraphUrls: { directory: 'http://directory.invalid/graphql', calendar: 'http://calendar.invalid/graphql' },
    councilEndpoints: new Map(),
    councilDirectory: new Map([
      [READING, { name: 'Reading', fallbackUrl: 'https://www.reading.gov.uk/bins', collectsWaste: true }],
      [BRISTOL, { name: 'Bristol', fallbackUrl: 'https://www.bristol.gov.uk/bins', collectsWaste: true }],
    ]),
    port: 0,
    host: '127.0.0.1',
    apiKeys,
    rateLimit: false,
    metrics: false,
    logger: createLogger('warn'),
    events: { dbPath: join(dir, 'national-events.sqlite'), relay: false },
    webhooks: { dbPath: join(dir, 'national-webhooks.sqlite'), deliverer: { timeoutMs: 2_000 } },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  apiKeys?.close();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, init: { method?: string; key?: string; body?: unknown; rawBody?: string } = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.key ? { 'x-api-key': init.key } : {}), 'content-type': 'application/json' },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('national webhooks at the gateway', () => {
  it('deliver an event from the national log, signed, to an app registered with its API key', async () => {
    const created = await call('/webhooks', { method: 'POST', key: readingApp, body: { url: receiverUrl, councils: [READING] } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.subscription).toMatchObject({ url: receiverUrl, councils: [READING], pausedAt: null });
    expect(created.headers.get('location')).toBe(`/webhooks/${created.body.subscription.id}`);

    const log = gateway.events!.log;
    const disruption = { id: 'd-snow', title: 'Snow: collections cancelled', area: 'council', effect: 'cancelled' };
    log.append({ id: 'evt-bristol', councilCode: BRISTOL, type: 'disruption.published', disruption: { ...disruption, id: 'd-other' }, occurredAt: new Date().toISOString() });
    log.append({ id: 'evt-reading', councilCode: READING, type: 'disruption.published', disruption, occurredAt: new Date().toISOString() });

    const arrived = await until('the signed event', () => received.find((r) => r.headers['binfo-event-id'] === 'evt-reading'));
    expect(verify(created.body.secret, arrived.headers, arrived.body)).toBe(true);
    expect(verify('whsec_not-the-secret', arrived.headers, arrived.body)).toBe(false);
    expect(JSON.parse(arrived.body)).toMatchObject({ id: 'evt-reading', type: 'disruption.published', councilCode: READING, disruption });
    // Filtered to Reading: Bristol's event, appended first, never came.
    expect(received.map((r) => r.headers['binfo-event-id'])).toEqual(['evt-reading']);

    // The attempt is logged once the receiver has answered.
    const subscriptionId = created.body.subscription.id;
    await until('the logged attempt', () => gateway.webhooks!.subscriptions.log('reading-my-area', subscriptionId).length > 0);
    const logged = await call(`/webhooks/${subscriptionId}/deliveries`, { key: readingApp });
    expect(logged.status).toBe(200);
    expect(logged.body.deliveries).toMatchObject([{ eventId: 'evt-reading', attempt: 1, status: 204, error: null }]);
  });

  it('let an app see and delete only its own subscriptions, and show the secret only once', async () => {
    const mine = (await call('/webhooks', { method: 'POST', key: bristolApp, body: { url: 'https://bristol-bins.example/hook' } })).body.subscription;
    const listed = await call('/webhooks', { key: bristolApp });
    expect(listed.status).toBe(200);
    expect(listed.body.subscriptions).toEqual([mine]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect(listed.headers.get('cache-control')).toBe('no-store');

    const readingsOwn = (await call('/webhooks', { key: readingApp })).body.subscriptions;
    expect(readingsOwn.map((s: { id: string }) => s.id)).not.toContain(mine.id);
    for (const [method, path] of [
      ['GET', `/webhooks/${mine.id}`],
      ['GET', `/webhooks/${mine.id}/deliveries`],
      ['POST', `/webhooks/${mine.id}/resume`],
      ['DELETE', `/webhooks/${mine.id}`],
    ]) {
      const refused = await call(path, { method, key: readingApp });
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(refused.body.error).toEqual({ code: 'NOT_FOUND', message: `You have no national webhook subscription ${mine.id}.` });
    }
    expect((await call(`/webhooks/${mine.id}`, { key: bristolApp })).status).toBe(200);
    // Paused after failing (as the deliverer would), then resumed by its own app.
    gateway.webhooks!.subscriptions.database.prepare('UPDATE webhook_subscriptions SET paused_at = ?, consecutive_failures = 50 WHERE id = ?').run(new Date().toISOString(), mine.id);
    const resumed = await call(`/webhooks/${mine.id}/resume`, { method: 'POST', key: bristolApp });
    expect([resumed.status, resumed.body.subscription.pausedAt, resumed.body.subscription.consecutiveFailures]).toEqual([200, null, 0]);
    expect((await call(`/webhooks/${mine.id}`, { method: 'DELETE', key: bristolApp })).status).toBe(204);
    expect((await call('/webhooks', { key: bristolApp })).body.subscriptions).toEqual([]);
  });

  it.each([
    ['an ftp URL', { url: 'ftp://app.example/hook' }, /https:\/\/ or http:\/\//],
    ['credentials in the URL', { url: 'https://me:secret@app.example/hook' }, /user name or password/],
    ['a URL too long', { url: `https://app.example/${'x'.repeat(2000)}` }, /at most 2000 characters/],
    ['no URL', { councils: [READING] }, /url is required/],
    ['a council that is not a GSS code', { url: 'https://app.example/hook', councils: ['Reading'] }, /"Reading" is not a GSS council code/],
    ['a council Binfo does not know', { url: 'https://app.example/hook', councils: ['E06000999'] }, /E06000999 is not a council Binfo knows/],
  ])('refuse %s with 400 BAD_USER_INPUT and a sentence', async (_, body, message) => {
    const refused = await call('/webhooks', { method: 'POST', key: readingApp, body });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BAD_USER_INPUT');
    expect(refused.body.error.message).toMatch(message);
  });

  it('refuse a body that is not JSON, a missing or unknown key, and a wrong method, each with its code', async () => {
    const notJson = await call('/webhooks', { method: 'POST', key: readingApp, rawBody: 'url=https://app.example' });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'BAD_USER_INPUT']);
    const noKey = await call('/webhooks', { method: 'POST', body: { url: receiverUrl } });
    expect([noKey.status, noKey.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(noKey.body.error.message).toMatch(/npm run api-key/);
    const badKey = await call('/webhooks', { key: `binfo_key_${'A'.repeat(43)}` });
    expect([badKey.status, badKey.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const put = await call('/webhooks', { method: 'PUT', key: readingApp, body: {} });
    expect([put.status, put.body.error.code, put.headers.get('allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, POST']);
  });
});
