// BINFO_WEBHOOK_TARGETS=public: an app's URL must not make Binfo POST to its own loopback, a private network
// or a cloud metadata address, whether written as an address or as a name that resolves to one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWebhookTransport, isPublicAddress, WebhookTargetRefused } from '../../lib/webhooks/transport.js';

let receiver: Server;
let port: number;
let received = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received++;
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const send = (targets: 'any' | 'public', url: string) =>
  httpWebhookTransport({ targets })({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000 });

describe('webhook targets', () => {
  it.each([
    ['8.8.8.8', true],
    ['2a00:1450:4009:81f::200e', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['::ffff:7f00:1', false],
    ['0:0:0:0:0:ffff:a9fe:a9fe', false],
    ['not an address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('delivers to a receiver on 127.0.0.1 when any target is allowed (development)', async () => {
    const before = received;
    await expect(send('any', `http://127.0.0.1:${port}/hook`)).resolves.toEqual({ status: 204 });
    expect(received).toBe(before + 1);
  });

  it.each([
    ['an address in the URL', () => `http://127.0.0.1:${port}/hook`],
    ['an IPv6 loopback in the URL', () => `http://[::1]:${port}/hook`],
    ['loopback as an IPv4-mapped IPv6 address', () => `http://[::ffff:127.0.0.1]:${port}/hook`],
    ['a name that resolves to loopback', () => `http://localhost:${port}/hook`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s under public, without sending anything', async (_name, url) => {
    const before = received;
    const attempt = send('public', url());
    await expect(attempt).rejects.toSatisfy((error: unknown) => {
      // undici wraps a connect-time refusal as the cause of its "fetch failed".
      const cause = error instanceof WebhookTargetRefused ? error : (error as { cause?: unknown }).cause;
      return cause instanceof WebhookTargetRefused && /public internet addresses only/.test(cause.message);
    });
    expect(received).toBe(before);
  });
});
