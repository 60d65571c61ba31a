// A client that sends whatever it likes to a real gateway on 127.0.0.1, and a gateway that counts every
// request its council router makes, so a test can prove a refusal came before any council was asked.
import { pino } from 'pino';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../stack/local-stack.js';

export interface HostileAnswer {
  status: number;
  bytes: number;
  elapsedMs: number;
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

/** POSTs any JSON body (a hostile client need not send a well-formed GraphQL request). */
export async function send(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HostileAnswer> {
  return answer(() => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

/** The same as a GET with the operation in the query string. */
export async function sendGet(url: string, params: Record<string, string>): Promise<HostileAnswer> {
  return answer(() => fetch(`${url}?${new URLSearchParams(params)}`, { headers: { 'apollo-require-preflight': 'true' } }));
}

async function answer(request: () => Promise<Response>): Promise<HostileAnswer> {
  const started = performance.now();
  const response = await request();
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), elapsedMs: performance.now() - started, ...JSON.parse(text) };
}

export interface CountingStack {
  stack: LocalStack;
  url: string;
  /** Every council the router has asked since the last `reset()`. */
  councilsAsked: string[];
  reset(): void;
}

/**
 * The embedded national graph with no caches (a cached answer would hide a council call, or its absence),
 * no rate limit, and the router's per-council request hook counting.
 */
export async function startCountingStack(gateway: LocalStackOptions['gateway'] = {}): Promise<CountingStack> {
  const councilsAsked: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    gateway: {
      rateLimit: false,
      metrics: false,
      responseCache: false,
      logger: pino({ level: 'silent' }),
      ...gateway,
      router: { cache: false, ...gateway.router, onCouncilRequest: (event) => void councilsAsked.push(event.councilCode) },
    },
  });
  return { stack, url: stack.gateway.graphqlUrl, councilsAsked, reset: () => void councilsAsked.splice(0) };
}
