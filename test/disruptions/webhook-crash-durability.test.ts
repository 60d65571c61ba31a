// A webhook event survives the council host being killed outright between acknowledging a publish and
// delivering it: the event is in the outbox, committed with the disruption, and the restarted host sends
// it, signed, to a receiver that was down at the time. At-least-once: the receiver dedupes by event id.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CouncilTokens } from '../../subgraphs/council/disruptions/council-tokens.js';
import { verifyWebhookSignature } from '../../lib/webhooks/signing.js';
import { WebhookSubscriptions } from '../../subgraphs/council/disruptions/webhooks.js';
import { killAllHostChildren, killHard, startHostChild } from '../support/council-host-child.js';

const READING = 'E06000038';
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

let dir: string;
let dbPath: string;
let token: string;
let receiver: Server | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-webhook-crash-'));
  dbPath = join(dir, 'disruptions.sqlite');
  const tokens = CouncilTokens.open(dbPath);
  token = tokens.issueToken(READING);
  tokens.close();
});

afterAll(async () => {
  killAllHostChildren();
  if (receiver) await new Promise((resolve) => receiver!.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('a council host killed after acknowledging a publish, before delivering it', () => {
  it('delivers the event, exactly as signed, once it is back', async () => {
    // A port with nobody listening: the receiver is down while the first host runs.
    const probe = createServer();
    const port = await listen(probe, 0);
    await new Promise((resolve) => probe.close(resolve));
    const subscriptions = WebhookSubscriptions.open(dbPath);
    const { secret } = subscriptions.add(READING, `http://127.0.0.1:${port}/hook`);
    subscriptions.close();

    const first = await startHostChild(dbPath, ['--webhook-backoff-ms', '100']);
    const response = await fetch(`${first.url}/councils/${READING}/disruptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'Snow: collections cancelled', reason: 'SEVERE_WEATHER', area: 'council', effect: 'cancelled', startsOn: '2026-12-01' }),
    });
    expect(response.status).toBe(201);
    const posted = ((await response.json()) as any).disruption;
    expect(await killHard(first.child)).toBe('SIGKILL');

    // The dead host left the event in the outbox, queued and not delivered.
    const reader = WebhookSubscriptions.open(dbPath);
    const queued = reader.database
      .prepare("SELECT e.id, e.type, d.state FROM webhook_events e JOIN webhook_deliveries d ON d.event_seq = e.seq")
      .all() as Array<{ id: string; type: string; state: string }>;
    reader.close();
    expect(queued).toEqual([{ id: expect.any(String), type: 'disruption.published', state: 'pending' }]);

    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await listen(receiver, port);

    const second = await startHostChild(dbPath, ['--webhook-backoff-ms', '100']);
    try {
      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(received.length).toBeGreaterThan(0);
      // At-least-once: dedupe by event id, as a receiver should.
      const distinct = new Map(received.map((r) => [String(r.headers['binfo-event-id']), r]));
      expect([...distinct.keys()]).toEqual([queued[0].id]);
      const [delivery] = distinct.values();
      expect(
        verifyWebhookSignature({ secret, body: delivery.body, timestamp: String(delivery.headers['binfo-timestamp']), signature: String(delivery.headers['binfo-signature']) }),
      ).toBe(true);
      expect(JSON.parse(delivery.body)).toMatchObject({ id: queued[0].id, type: 'disruption.published', councilCode: READING, disruption: posted });
    } finally {
      await killHard(second.child);
    }
  });
});
