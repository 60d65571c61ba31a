// What a webhook receiver answers is its own: an endless or huge body, or one that trickles, must not fill the
// sender's memory (the gateway's or a council host's) or hold a delivery past its timeout. Before the fix the
// transport buffered the whole answer: ~290 MB in 2 s from a receiver on loopback.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWebhookTransport, MAX_DISCARDED_ANSWER_BYTES } from '../../lib/webhooks/transport.js';

let server: Server;
let base: string;
let written = 0;

const answers: Record<string, (res: ServerResponse) => void> = {
  endless: (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(1024 * 1024, 120);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  huge: (res) => {
    const body = Buffer.alloc(50 * 1024 * 1024, 120);
    res.writeHead(500, { 'content-length': String(body.length) });
    res.end(body);
  },
  trickle: (res) => {
    res.writeHead(202, { 'content-type': 'text/plain' }).flushHeaders();
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 50);
  },
  small: (res) => void res.writeHead(204).end(),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    answers[req.url!.slice(1)](res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = (path: string, timeoutMs = 5_000) =>
  httpWebhookTransport({ targets: 'any' })({ url: `${base}/${path}`, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs });

describe('a receiver’s answer', () => {
  it('endless: its status is taken and the rest cut off, without reading more than a little of it', async () => {
    written = 0;
    const started = performance.now();
    expect(await send('endless')).toEqual({ status: 200 });
    expect(performance.now() - started).toBeLessThan(2_000);
    // What the receiver got into its socket buffers, not what we kept: a few MB at most, not hundreds.
    expect(written).toBeLessThan(32 * 1024 * 1024);
    expect(MAX_DISCARDED_ANSWER_BYTES).toBeLessThanOrEqual(1024 * 1024);
  });

  it('huge with a length: its status (a failure) is what counts', async () => {
    expect(await send('huge')).toEqual({ status: 500 });
  });

  it('trickling: done by the timeout, with its status', async () => {
    const started = performance.now();
    // 1.5 s: long enough for the headers to come on a busy CI machine (500 ms once was not), far below the body's endlessness.
    expect(await send('trickle', 1_500)).toEqual({ status: 202 });
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('empty: as before', async () => {
    expect(await send('small')).toEqual({ status: 204 });
    expect(await send('small')).toEqual({ status: 204 });
  });
});
