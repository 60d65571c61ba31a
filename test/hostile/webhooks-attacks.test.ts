// POST /webhooks and its siblings at a real gateway on 127.0.0.1, attacked: URLs with credentials, other
// schemes, 10 KB, control characters; councils lists of every shape; bodies that are not JSON objects, too
// big or deeply nested; keys missing, made up or in the wrong place; ids that are SQL-ish, malformed or
// another app's; every method. Each refusal is a 4xx JSON `{ error: { code, message } }` with a sentence,
// never a 5xx or a stack trace, and writes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../gateway/limits/api-keys.js';
import { createLogger } from '../../gateway/observability/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const STACK_TRACE = /at .+\(.*:\d+:\d+\)|node:internal|\.ts:\d+/;

let dir: string;
let gateway: RunningGateway;
let apiKeys: ApiKeyStore;
let appKey: string;
let otherKey: string;
let othersId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-hostile-webhooks-'));
  apiKeys = ApiKeyStore.open(':memory:');
  appKey = apiKeys.issue('hostile-app');
  otherKey = apiKeys.issue('other-app');
  gateway = await startGateway({
    supergraphSdl: (await loadSupergraph()).supergraphSdl,
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
    logger: createLogger('silent'),
    events: { dbPath: join(dir, 'national-events.sqlite'), relay: false },
    // Nothing is delivered here: the receivers named below are never asked.
    webhooks: { dbPath: join(dir, 'national-webhooks.sqlite'), deliverer: { timeoutMs: 500 } },
  });
  const created = await call('/webhooks', { method: 'POST', key: otherKey, body: { url: 'https://other.example/hook' } });
  othersId = created.body.subscription.id;
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  apiKeys?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, init: { method?: string; key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.key ? { 'x-api-key': init.key } : {}), 'content-type': 'application/json', ...init.headers },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { notJson: text };
  }
  return { status: response.status, headers: response.headers, text, body };
}

const rows = () => gateway.webhooks!.subscriptions.database.prepare("SELECT group_concat(id || COALESCE(removed_at, '') || COALESCE(paused_at, ''), '|') FROM webhook_subscriptions").pluck().get();

function refused(answer: Awaited<ReturnType<typeof call>>, status: number, code: string, why = ''): void {
  expect(answer.status, `${why} ${answer.text.slice(0, 300)}`).toBe(status);
  expect(answer.body?.error?.code, why).toBe(code);
  expect(answer.body.error.message, why).toMatch(/^\S.{10,}[.)]$/);
  expect(answer.text).not.toMatch(STACK_TRACE);
}

describe('POST /webhooks with URLs an app should not register', () => {
  it('refuses credentials, other schemes, 10 KB, and text that is not an address, with 400 BAD_USER_INPUT and nothing written', async () => {
    const before = rows();
    const urls: unknown[] = [
      'https://user:pass@app.example/hook',
      'https://user@app.example/hook',
      'https://:secret@app.example/hook',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://app.example/hook',
      'data:text/plain,hello',
      'ws://app.example/hook',
      'gopher://127.0.0.1:6379/_INFO',
      `https://app.example/${'a'.repeat(10 * 1024)}`,
      'not a url',
      '//app.example/hook',
      '/relative/hook',
      '',
      'https://',
      'http://[::1',
      'https://app.example:99999/hook',
      'https://app.example/ho\r\nok',
      'https://app.example/\thook',
      'https://app.example/\u001b[2J\u001b[31mhook',
      ' https://app.example/hook',
      'https://app.example/hook ',
      'https://app.example/\u0085hook',
      42,
      null,
      ['https://app.example/hook'],
      { href: 'https://app.example/hook' },
      true,
    ];
    for (const url of urls) refused(await call('/webhooks', { method: 'POST', key: appKey, body: { url } }), 400, 'BAD_USER_INPUT', JSON.stringify(url).slice(0, 80));
    expect(rows()).toEqual(before);
  });

  it('refuses councils lists that are not lists of known GSS codes, including 1,000 of them', async () => {
    const before = rows();
    const lists: unknown[] = [
      'E06000038',
      [READING, 'E99999999'],
      ["E06000038' OR 1=1--"],
      [42],
      [null],
      [{}],
      Array.from({ length: 1000 }, (_, i) => `E06${String(i).padStart(6, '0')}`),
      { 0: READING },
    ];
    for (const councils of lists) {
      const answer = await call('/webhooks', { method: 'POST', key: appKey, body: { url: 'https://app.example/hook', councils } });
      refused(answer, 400, 'BAD_USER_INPUT', JSON.stringify(councils).slice(0, 80));
      expect(answer.text.length).toBeLessThan(2000);
    }
    expect(rows()).toEqual(before);
  });

  it('refuses bodies that are not one JSON object, too big or deeply nested, with a sentence', async () => {
    const before = rows();
    for (const rawBody of ['', 'null', '[]', '"https://app.example/hook"', '{url:"x"}', '{"url":"https://app.example/hook"', '\u0000', `${'['.repeat(8000)}${']'.repeat(8000)}`]) {
      const answer = await call('/webhooks', { method: 'POST', key: appKey, rawBody });
      expect(answer.status, rawBody.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(answer.status, rawBody.slice(0, 40)).toBeLessThan(500);
      expect(answer.text).not.toMatch(STACK_TRACE);
      expect(answer.body.error.code).toMatch(/BAD_USER_INPUT|PAYLOAD_TOO_LARGE/);
    }
    refused(await call('/webhooks', { method: 'POST', key: appKey, rawBody: JSON.stringify({ url: 'https://app.example/hook', pad: 'x'.repeat(20_000) }) }), 413, 'PAYLOAD_TOO_LARGE');
    refused(await call('/webhooks', { method: 'POST', key: appKey, body: {} }), 400, 'BAD_USER_INPUT');
    expect(rows()).toEqual(before);
    // Fields it does not know are ignored, however deep; the subscription is made, and removed again here.
    const deep = await call('/webhooks', { method: 'POST', key: appKey, rawBody: `{"url":"https://app.example/deep","x":${'['.repeat(7000)}${']'.repeat(7000)}}` });
    expect(deep.status).toBe(201);
    expect((await call(`/webhooks/${deep.body.subscription.id}`, { method: 'DELETE', key: appKey })).status).toBe(204);
  });
});

describe('keys, ids and methods', () => {
  it('refuses a missing, made-up, revoked-looking or misplaced key with 401 UNAUTHENTICATED and a challenge', async () => {
    const before = rows();
    const attempts: Array<{ path: string; headers?: Record<string, string>; key?: string | null }> = [
      { path: '/webhooks' },
      { path: '/webhooks', key: 'made-up-key' },
      { path: '/webhooks', key: `${appKey}x` },
      { path: '/webhooks', key: ' ' },
      { path: '/webhooks', headers: { authorization: 'Basic ' + Buffer.from(`x:${appKey}`).toString('base64') } },
      { path: '/webhooks', headers: { authorization: 'Bearer' } },
      { path: `/webhooks?api_key=${encodeURIComponent(appKey)}` },
      { path: '/webhooks', headers: { cookie: `x-api-key=${appKey}` } },
    ];
    for (const { path, headers, key } of attempts) {
      for (const method of ['GET', 'POST']) {
        const answer = await call(path, { method, key, headers, body: method === 'POST' ? { url: 'https://app.example/hook' } : undefined });
        refused(answer, 401, 'UNAUTHENTICATED', `${method} ${JSON.stringify(headers ?? key ?? path)}`);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
    }
    // The key as a Bearer token is accepted, as documented.
    expect((await call('/webhooks', { headers: { authorization: `Bearer ${appKey}` } })).status).toBe(200);
    expect(rows()).toEqual(before);
  });

  it('answers another app’s id, and SQL-ish, malformed and very long ids, with 404 on every route, and changes nothing', async () => {
    const before = rows();
    const ids = [othersId, "whn_1' OR '1'='1", '%ZZ', '%00', 'x'.repeat(5000), '..%2F..%2Fwebhooks', encodeURIComponent(othersId + '/../')];
    for (const id of ids) {
      refused(await call(`/webhooks/${id}`, { key: appKey }), 404, 'NOT_FOUND', `GET ${id.slice(0, 40)}`);
      refused(await call(`/webhooks/${id}/deliveries`, { key: appKey }), 404, 'NOT_FOUND', `deliveries ${id.slice(0, 40)}`);
      refused(await call(`/webhooks/${id}/resume`, { method: 'POST', key: appKey }), 404, 'NOT_FOUND', `resume ${id.slice(0, 40)}`);
      refused(await call(`/webhooks/${id}`, { method: 'DELETE', key: appKey }), 404, 'NOT_FOUND', `DELETE ${id.slice(0, 40)}`);
    }
    expect(rows()).toEqual(before);
    expect(gateway.webhooks!.subscriptions.get('other-app', othersId)).not.toBeNull();
  });

  it('answers every other method with 405 METHOD_NOT_ALLOWED and Allow', async () => {
    const before = rows();
    const routes: Array<[string, string[]]> = [
      ['/webhooks', ['PUT', 'DELETE', 'PATCH']],
      [`/webhooks/${othersId}`, ['POST', 'PUT', 'PATCH']],
      [`/webhooks/${othersId}/deliveries`, ['POST', 'DELETE', 'PUT']],
      [`/webhooks/${othersId}/resume`, ['GET', 'DELETE', 'PUT']],
    ];
    for (const [path, methods] of routes) {
      for (const method of methods) {
        const answer = await call(path, { method, key: appKey, body: method === 'GET' ? undefined : {} });
        refused(answer, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
        expect(answer.headers.get('allow')).toBeTruthy();
      }
    }
    expect(rows()).toEqual(before);
  });

  it('stops an app at 20 subscriptions with 409 CONFLICT, and a removed one frees a place', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await call('/webhooks', { method: 'POST', key: appKey, body: { url: `https://app.example/hook/${i}`, councils: [READING, READING, 'e06000023'.toUpperCase()] } });
      expect(created.status).toBe(201);
      ids.push(created.body.subscription.id);
    }
    const before = rows();
    refused(await call('/webhooks', { method: 'POST', key: appKey, body: { url: 'https://app.example/hook/21' } }), 409, 'CONFLICT');
    expect(rows()).toEqual(before);
    expect((await call(`/webhooks/${ids[0]}`, { method: 'DELETE', key: appKey })).status).toBe(204);
    expect((await call('/webhooks', { method: 'POST', key: appKey, body: { url: 'https://app.example/hook/21' } })).status).toBe(201);
  });
});
