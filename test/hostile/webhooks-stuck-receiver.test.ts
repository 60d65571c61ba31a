// One app's receiver that never answers (a firewall dropping packets, or on purpose, with twenty
// subscriptions) must not hold up everyone else's deliveries: each of its attempts can take the whole timeout.
// Before the fix the deliverer attempted one delivery at a time, so an honest app heard of an event only after
// every stuck attempt queued ahead of it had timed out.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../lib/webhooks/deliverer.js';
import { READING, startHostileHost, type HostileHost } from './console-host.js';

// Long enough that an honest delivery on a busy CI machine comes well inside two thirds of it.
const TIMEOUT_MS = 3_000;
let host: HostileHost;
let blackhole: TcpServer;
const held: Socket[] = [];
let honest: Server;
let dir: string;
const heard: Array<{ event: string; at: number }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-hostile-stuck-'));
  // Accepts the connection and never says a word.
  blackhole = createTcpServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  honest = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      heard.push({ event: String(req.headers['binfo-event-id']), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => honest.listen(0, '127.0.0.1', resolve));
  // A small batch, so the stuck subscriptions' rows alone would fill it.
  host = await startHostileHost({ webhooks: { timeoutMs: TIMEOUT_MS, pollIntervalMs: 50, batchSize: 2 } });
  const stuckUrl = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}/hook`;
  // The stuck app's subscriptions come first, so they are first in every pass.
  for (let i = 0; i < 6; i++) host.running.subscriptions.add(READING, `${stuckUrl}/${i}`);
  host.running.subscriptions.add(READING, `http://127.0.0.1:${(honest.address() as AddressInfo).port}/hook`);
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await host?.close();
  await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  await new Promise<void>((resolve) => honest.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a receiver that never answers', () => {
  it('does not delay another app’s delivery by its timeouts, for the first event or the ones after it', async () => {
    const store = host.running.store;
    const input = (title: string) => ({ title, reason: 'SEVERE_WEATHER' as const, message: null, serviceTypes: null, area: { kind: 'council' as const }, effect: { kind: 'cancelled' as const }, startsOn: '2026-12-01', endsOn: '2026-12-01', url: null });
    for (let n = 1; n <= 3; n++) {
      const published = Date.now();
      store.create(READING, input(`Snow ${n}`), { kind: 'cli' });
      const deadline = published + TIMEOUT_MS;
      while (heard.length < n && Date.now() < deadline + 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(heard.length).toBe(n);
      // Well inside one stuck attempt's timeout: nothing waited for the stuck receiver.
      expect(heard[n - 1].at - published, `event ${n}`).toBeLessThan(TIMEOUT_MS * 0.66);
    }
  });

  it('does not let the stuck receiver’s backlog fill every batch: a burst of events reaches the other app at once', async () => {
    const store = host.running.store;
    const before = heard.length;
    const published = Date.now();
    for (let n = 1; n <= 5; n++) {
      store.create(READING, { title: `Burst ${n}`, reason: 'OPERATIONAL', message: null, serviceTypes: null, area: { kind: 'council' }, effect: { kind: 'leave-out' }, startsOn: '2026-12-02', endsOn: '2026-12-02', url: null }, { kind: 'cli' });
    }
    while (heard.length < before + 5 && Date.now() < published + 15_000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard.length - before).toBe(5);
    expect(heard[heard.length - 1].at - published).toBeLessThan(TIMEOUT_MS * 0.66);
  });
});

describe('many receivers that never answer', () => {
  it('are attempted at most `concurrency` at a time; the others wait their turn, then go', async () => {
    const quiet = await startHostileHost();
    const requests: Array<{ url: string; answer: (status: number) => void }> = [];
    const deliverer = new WebhookDeliverer({
      database: quiet.running.store.database,
      concurrency: 2,
      pollIntervalMs: 20,
      transport: ({ url }) => new Promise((resolve) => requests.push({ url, answer: (status) => resolve({ status }) })),
    });
    try {
      for (let i = 0; i < 5; i++) quiet.running.subscriptions.add(READING, `https://app${i}.example/hook`);
      quiet.running.store.create(READING, { title: 'Snow', reason: 'SEVERE_WEATHER', message: null, serviceTypes: null, area: { kind: 'council' }, effect: { kind: 'cancelled' }, startsOn: '2026-12-01', endsOn: '2026-12-01', url: null }, { kind: 'cli' });
      deliverer.start();
      const until = async (count: number) => {
        const deadline = Date.now() + 5_000;
        while (requests.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await until(2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(requests).toHaveLength(2);
      requests[0].answer(204);
      await until(3);
      expect(requests).toHaveLength(3);
      for (const r of requests) r.answer(204);
      await until(5);
      for (const r of requests) r.answer(204);
      expect(new Set(requests.map((r) => r.url)).size).toBe(5);
    } finally {
      await deliverer.stop();
      await quiet.close();
    }
  });
});
