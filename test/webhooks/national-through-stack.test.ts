// End to end on the whole local stack: an app registers a national webhook at the gateway with its API key;
// a council publishes a disruption on the council host; the gateway's relay logs the event and the app's
// receiver on 127.0.0.1 gets it, signed, within 10 s, with the council's event id as the idempotency key.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInLondon } from '../../domain/dates.js';
import { ApiKeyStore } from '../../gateway/limits/api-keys.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';

const READING = 'E06000038';

/** The README's verifier, word for word. */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string): boolean {
  const timestamp = String(headers['binfo-timestamp']);
  const given = Buffer.from(String(headers['binfo-signature']));
  const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300; // refuse replays of old requests
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

let stack: LocalStack;
let apiKeys: ApiKeyStore;
let receiver: Server;
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];

beforeAll(async () => {
  apiKeys = ApiKeyStore.open(':memory:');
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
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { apiKeys } });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  apiKeys?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('a disruption a council publishes', () => {
  it('reaches an app subscribed nationally at the gateway within 10 s, signed', async () => {
    const key = apiKeys.issue('reading-my-area');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/binfo-webhook`;
    const response = await fetch(`${stack.gateway.url}/webhooks`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ url, councils: [READING] }),
    });
    expect(response.status).toBe(201);
    const { secret } = (await response.json()) as { secret: string };

    const started = Date.now();
    const posted = stack.disruptions.create(READING, {
      title: 'Snow: collections cancelled (national webhook test)',
      reason: 'SEVERE_WEATHER',
      area: { kind: 'council' },
      effect: { kind: 'cancelled' },
      startsOn: todayInLondon(new Date()),
    });
    const councilEventId = stack.disruptions.database.prepare('SELECT id FROM webhook_events ORDER BY seq DESC LIMIT 1').pluck().get();
    while (received.length === 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received, 'nothing arrived within 10 s').toHaveLength(1);
    const [delivery] = received;
    expect(verify(secret, delivery.headers, delivery.body)).toBe(true);
    expect(delivery.headers['binfo-event-id']).toBe(councilEventId);
    expect(JSON.parse(delivery.body)).toMatchObject({ id: councilEventId, type: 'disruption.published', councilCode: READING, disruption: { id: posted.id } });
    console.log(`national webhook: published → delivered in ${Date.now() - started} ms`);
  });
});
