// What operators see: GET /metrics for Prometheus with the council, circuit, cache and HTTP series (to
// operators only: with their token, or on a listener of its own), and structured JSON logs carrying one
// request id from the client through to the council.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { captureLogs } from './support/capture-logs.js';
import { startFaultCouncil, type FaultCouncil } from './support/fault-council.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const QUERY = `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { name } } }`;
/** Another selection, hence not in the entity cache: the council is really asked. */
const UNCACHED = `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { id } } }`;

const OPERATOR_TOKEN = 'operator-token-for-tests';
const asOperator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
let stack: LocalStack;
let fault: FaultCouncil;
const logs = captureLogs('info');

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { rateLimit: false, logger: logs.logger, router: { circuitBreaker: false }, metrics: { bearerToken: OPERATOR_TOKEN, port: 0 } } });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: 500 });
});
afterAll(async () => {
  await stack?.close();
  await fault?.close();
});

describe('request ids', () => {
  it('passes the client’s x-request-id to the council, echoes it, and logs it', async () => {
    fault.mode = 'ok';
    const result = await ask(stack.gateway.graphqlUrl, QUERY, {}, { 'x-request-id': 'resident-42' });
    expect(result.headers.get('x-request-id')).toBe('resident-42');
    expect(fault.received.at(-1)!.headers['x-request-id']).toBe('resident-42');
    const line = logs.lines.find((l) => l.requestId === 'resident-42' && l.msg === 'graphql request');
    expect(line).toMatchObject({ level: 30, status: 200, method: 'POST', path: '/graphql', client: '127.0.0.1' });
    expect(line!.durationMs).toEqual(expect.any(Number));
  });

  it('makes one up when the client sends none (or an unusable one), and uses it throughout', async () => {
    fault.mode = 'error500';
    const result = await ask(stack.gateway.graphqlUrl, UNCACHED, {}, { 'x-request-id': 'bad id\twith spaces' });
    const id = result.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fault.received.at(-1)!.headers['x-request-id']).toBe(id);
    const warning = logs.lines.find((l) => l.requestId === id && l.councilCode === READING);
    expect(warning).toMatchObject({ level: 40, reason: 'http_status' });
    expect(warning!.msg).toMatch(/council E06000038 failed: it answered HTTP 500/);
    fault.mode = 'ok';
  });
});

describe('GET /metrics', () => {
  it('exposes council latency, errors by reason, circuit state, cache hits and misses, and requests in flight', async () => {
    await ask(stack.gateway.graphqlUrl, QUERY);
    await ask(stack.gateway.graphqlUrl, QUERY); // the second is served from the cache
    const response = await fetch(`${stack.gateway.url}/metrics`, { headers: asOperator });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(new RegExp(`^binfo_council_request_duration_seconds_bucket\\{le="0.5",council="${READING}",outcome="ok"\\} [1-9]`, 'm'));
    expect(text).toMatch(new RegExp(`^binfo_council_request_duration_seconds_count\\{council="${BRISTOL}",outcome="ok"\\} [1-9]`, 'm'));
    expect(text).toMatch(new RegExp(`^binfo_council_errors_total\\{council="${READING}",reason="http_status"\\} [1-9]`, 'm'));
    expect(text).toMatch(/^# TYPE binfo_council_circuit_state gauge$/m);
    expect(text).toMatch(/^binfo_entity_cache_hits_total\{council="E06000023"\} [1-9]/m);
    expect(text).toMatch(/^binfo_entity_cache_misses_total\{council="E06000023"\} [1-9]/m);
    expect(text).toMatch(/^binfo_http_requests_in_flight 0$/m);
    expect(text).toMatch(/^binfo_http_requests_total\{status="200"\} [1-9]/m);
    expect(text).toMatch(/^binfo_gateway_process_resident_memory_bytes \d+/m);
  });
});

describe('who may read /metrics', () => {
  it('refuses anyone without the operators’ token with 401 and a code', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer guessed' }, { authorization: OPERATOR_TOKEN }];
    for (const headers of attempts) {
      const response = await fetch(`${stack.gateway.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toMatch(/binfo_/);
    }
  });

  it('serves the operators’ own listener, on loopback, with the token too when one is set', async () => {
    expect(stack.gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(stack.gateway.metricsUrl!)).status).toBe(401);
    const response = await fetch(stack.gateway.metricsUrl!, { headers: asOperator });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^binfo_http_requests_total\{status="200"\} [1-9]/m);
  });
});
