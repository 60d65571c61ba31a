// The gateway's full-response cache: the warm path. An identical operation with identical variables from an
// anonymous client (no Authorization, Cookie or X-API-Key) is answered with the bytes of an earlier answer,
// without GraphQL parsing, planning or any subgraph, for at most `ttlSeconds` (<= 10) and never longer than
// the council answers inside it stay fresh in the entity cache (see freshness.ts): so the 60-second freshness
// rule for disruptions holds however the two caches stack. Identical requests in flight at the same time
// share one execution. Only a query's complete 200 answer without errors, stale parts or uncacheable parts is
// kept; an answer is kept from the second time its request is seen (a one-off request never displaces a hot
// one), in a least-recently-used store bounded by entries and bytes. `BINFO_CACHE=off` turns it off.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';
import { graphqlErrorBody, RequestBodyTooLarge, sendJson } from '../../lib/http/apollo-handler.js';
import { stableJson } from '../cache/stable-json.js';
import { ResponseFreshness } from './freshness.js';
import { ResponseStore, type StoredResponse } from './response-store.js';

/** The freshness rule (a disruption shows within 60 s) leaves the response cache at most this much. */
export const MAX_RESPONSE_TTL_SECONDS = 10;
export const DEFAULT_RESPONSE_TTL_SECONDS = 5;

export interface ResponseCacheOptions {
  /** Longest an answer is reused, in seconds; at most 10. Default 5, or BINFO_RESPONSE_CACHE_TTL. */
  ttlSeconds?: number;
  /** Default 5,000 answers. */
  maxEntries?: number;
  /** Default 32 MiB of answer bytes. */
  maxBytes?: number;
  /** Requests with a longer body (query + variables) run as usual but are never cached. Default 16 KiB. */
  maxRequestBytes?: number;
}

export interface ResponseCacheDependencies {
  /** The endpoint a council has now; an answer from another endpoint is not served. */
  endpointUrl(councilCode: string): string | undefined;
  now?: () => number;
}

interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  shared: number;
  stored: number;
  entries: number;
  bytes: number;
}

/** Anything that could make an answer differ per client, or the request change state, keeps it out. */
const CREDENTIALS = ['authorization', 'cookie', 'x-api-key'] as const;
const NOT_A_QUERY = /\b(mutation|subscription)\b/;

export class ResponseCache {
  private readonly store: ResponseStore;
  private readonly inFlight = new Map<string, Promise<Captured>>();
  /** Hashes of request keys seen once, oldest first: the doorkeeper of the store. */
  private readonly seen = new Map<string, true>();
  private readonly ttlMs: number;
  private readonly maxRequestBytes: number;
  private readonly maxSeen: number;
  private readonly now: () => number;
  private readonly counts = { hits: 0, misses: 0, shared: 0, stored: 0 };

  constructor(
    options: ResponseCacheOptions,
    private readonly dependencies: ResponseCacheDependencies,
  ) {
    const ttl = options.ttlSeconds ?? (Number(process.env.BINFO_RESPONSE_CACHE_TTL) || DEFAULT_RESPONSE_TTL_SECONDS);
    if (!(ttl > 0) || ttl > MAX_RESPONSE_TTL_SECONDS) {
      throw new Error(`responseCache.ttlSeconds is ${ttl}: it must be above 0 and at most ${MAX_RESPONSE_TTL_SECONDS}, so disruptions show within a minute`);
    }
    this.ttlMs = ttl * 1000;
    const maxEntries = options.maxEntries ?? 5000;
    this.store = new ResponseStore({ maxEntries, maxBytes: options.maxBytes ?? 32 * 1024 * 1024 });
    this.maxSeen = maxEntries * 4;
    this.maxRequestBytes = options.maxRequestBytes ?? 16 * 1024;
    this.now = dependencies.now ?? Date.now;
  }

  stats(): ResponseCacheStats {
    return { ...this.counts, entries: this.store.size, bytes: this.store.sizeBytes };
  }

  /** Whether this request may take the cached path: a JSON POST from an anonymous client, answered whole. */
  accepts(req: IncomingMessage): boolean {
    if (req.method !== 'POST') return false;
    const headers = req.headers;
    for (const name of CREDENTIALS) if (headers[name] !== undefined) return false;
    if (!headers['content-type']?.includes('application/json')) return false;
    return !headers.accept?.includes('multipart');
  }

  /**
   * Answers one accepted request: from the store, from an identical request in flight, or by running it
   * through Apollo Server's own pipeline (CSRF prevention, limits, errors) with `context(freshness)`.
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    apollo: ApolloServer<BaseContext>,
    context: (freshness: ResponseFreshness) => ContextThunk<BaseContext>,
    options: { bodyLimitBytes: number },
  ): Promise<void> {
    let text: string;
    try {
      text = await readText(req, options.bodyLimitBytes);
    } catch (error) {
      if (error instanceof RequestBodyTooLarge) return sendJson(res, 413, graphqlErrorBody(error.message, 'PAYLOAD_TOO_LARGE'));
      throw error;
    }
    let body: unknown;
    try {
      body = text.length ? JSON.parse(text) : undefined;
    } catch {
      return sendJson(res, 400, graphqlErrorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
    }
    const key = text.length <= this.maxRequestBytes ? requestKey(body, req.headers.accept) : undefined;
    const run = () => this.execute(req, body, apollo, context);
    if (key === undefined) return send(res, await run().then((r) => r.captured), 'bypass');

    const now = this.now();
    const hit = this.store.get(key, now);
    if (hit && this.endpointsUnchanged(hit)) {
      this.counts.hits++;
      res.writeHead(200, hit.hitHeaders);
      return void res.end(hit.body);
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.counts.shared++;
      return send(res, await pending, 'shared');
    }
    this.counts.misses++;
    const execution = run();
    const captured = execution.then((r) => r.captured);
    captured.catch(() => {}); // a failure reaches the followers that wait on it, and this request below
    this.inFlight.set(key, captured);
    try {
      const { captured: answer, freshness } = await execution;
      this.maybeStore(key, answer, freshness);
      send(res, answer, 'miss');
    } finally {
      this.inFlight.delete(key);
    }
  }

  clear(): void {
    this.store.clear();
    this.seen.clear();
  }

  private async execute(
    req: IncomingMessage,
    body: unknown,
    apollo: ApolloServer<BaseContext>,
    context: (freshness: ResponseFreshness) => ContextThunk<BaseContext>,
  ): Promise<{ captured: Captured; freshness: ResponseFreshness }> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const freshness = new ResponseFreshness();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: url.search, body },
      context: context(freshness),
    });
    let text: string;
    if (response.body.kind === 'complete') text = response.body.string;
    else {
      text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
      freshness.forbid();
    }
    const out: Record<string, string> = {};
    for (const [name, value] of response.headers) out[name] = value;
    return { captured: { status: response.status ?? 200, headers: out, body: Buffer.from(text, 'utf8') }, freshness };
  }

  private maybeStore(key: string, answer: Captured, freshness: ResponseFreshness): void {
    if (answer.status !== 200 || freshness.uncacheable || freshness.operation !== 'query') return;
    const now = this.now();
    const expiresAt = Math.min(now + this.ttlMs, freshness.freshUntil);
    if (expiresAt <= now) return;
    // The doorkeeper: keep an answer only for a request seen before, so one-off requests pass through.
    const digest = createHash('sha1').update(key).digest('base64');
    if (!this.seen.has(digest)) {
      this.seen.set(digest, true);
      if (this.seen.size > this.maxSeen) this.seen.delete(this.seen.keys().next().value!);
      return;
    }
    const hitHeaders = { ...answer.headers, 'content-length': String(answer.body.length), 'x-binfo-response-cache': 'hit' };
    const entry: StoredResponse = { ...answer, expiresAt, councils: [...freshness.councils], hitHeaders };
    this.store.set(key, entry, now);
    this.counts.stored++;
  }

  private endpointsUnchanged(entry: StoredResponse): boolean {
    for (const [code, url] of entry.councils) if (this.dependencies.endpointUrl(code) !== url) return false;
    return true;
  }
}

/** The request body as text, with events rather than an async iterator (the hit path is mostly this). */
function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.resume(); // drain the rest, then answer 413
        reject(new RequestBodyTooLarge(`Request body is larger than ${limitBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Operation, variables and extensions (key order ignored), and the Accept header, which picks the content type. */
function requestKey(body: unknown, accept: string | undefined): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string' || NOT_A_QUERY.test(query)) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return `${accept ?? ''}\u0000${operationName ?? ''}\u0000${query}\u0000${stableJson(variables ?? null)}\u0000${stableJson(extensions ?? null)}`;
}

function send(res: ServerResponse, answer: Captured, outcome: 'hit' | 'miss' | 'shared' | 'bypass'): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length), 'x-binfo-response-cache': outcome });
  res.end(answer.body);
}
