// The gateway's full-response cache: the warm path. An identical operation with identical variables from an
// anonymous client (no Authorization, Cookie or X-API-Key) is answered with the bytes of an earlier answer,
// without GraphQL parsing, planning or any subgraph, for at most `ttlSeconds` (<= 10) and never longer than
// the council answers inside it stay fresh in the entity cache (see freshness.ts): so the 60-second freshness
// rule for disruptions holds however the two caches stack. Identical requests in flight at the same time
// share one execution. Only a query's complete 200 answer without errors, stale parts or uncacheable parts is
// kept; an answer is kept from the second time its request is seen (a one-off request never displaces a hot
// one), in a least-recently-used store bounded by entries and bytes. `BINFO_CACHE=off` turns it off.
// Queries sent as GET (urql's default, CDNs) take the same path as JSON POSTs, keyed the same way.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer, BaseContext, ContextThunk } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import { collectResponse, executeGraphQL, headerMapOf, readJsonBody, sendRefusal, type CollectedResponse } from '../../lib/http/apollo-handler.js';
import { stableJson } from '../cache/stable-json.js';
import { ResponseFreshness } from './freshness.js';
import { ResponseStore, type StoredResponse } from './response-store.js';

/** The freshness rule (a disruption shows within 60 s) leaves the response cache at most this much. */
export const MAX_RESPONSE_TTL_SECONDS = 10;
export const DEFAULT_RESPONSE_TTL_SECONDS = 5;

export interface ResponseCacheOptions {
  /** Longest an answer is reused, in seconds; at most 10. Default 5 (npm start passes BINFO_RESPONSE_CACHE_TTL). */
  ttlSeconds?: number;
  /** Default 5,000 answers. */
  maxEntries?: number;
  /** Default 32 MiB of answer bytes. */
  maxBytes?: number;
  /** Requests with a longer body (query + variables) run as usual but are never cached. Default 16 KiB. */
  maxRequestBytes?: number;
  /** Requests remembered as seen once (the doorkeeper); default four times `maxEntries`. */
  maxSeen?: number;
}

export interface ResponseCacheDependencies {
  /** The endpoint a council has now; an answer from another endpoint is not served. */
  endpointUrl(councilCode: string): string | undefined;
  now?: () => number;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  shared: number;
  stored: number;
  entries: number;
  bytes: number;
}

export interface ResponseCacheHandleOptions {
  bodyLimitBytes: number;
  /** See EdgeOptions.specStatusForJson (lib/http/apollo-handler.ts). */
  specStatusForJson?: boolean;
}

/** Anything that could make an answer differ per client, or the request change state, keeps it out. */
const CREDENTIALS = ['authorization', 'cookie', 'x-api-key'] as const;
const NOT_A_QUERY = /\b(mutation|subscription)\b/;

export class ResponseCache {
  private readonly store: ResponseStore;
  private readonly inFlight = new Map<string, { captured: Promise<CollectedResponse>; startedAt: number }>();
  /** When each council last said its data changed (gateway/events/): answers begun before then are not served. */
  private readonly invalidatedAt = new Map<string, number>();
  private lastInvalidation = -Infinity;
  /** Hashes of request keys seen once, least recently seen evicted first: the doorkeeper of the store. */
  private readonly seen: LRUCache<string, true>;
  private readonly ttlMs: number;
  private readonly maxRequestBytes: number;
  private readonly now: () => number;
  private readonly counts = { hits: 0, misses: 0, shared: 0, stored: 0 };

  constructor(
    options: ResponseCacheOptions,
    private readonly dependencies: ResponseCacheDependencies,
  ) {
    const ttl = options.ttlSeconds ?? DEFAULT_RESPONSE_TTL_SECONDS;
    if (!(ttl > 0) || ttl > MAX_RESPONSE_TTL_SECONDS) {
      throw new Error(`responseCache.ttlSeconds is ${ttl}: it must be above 0 and at most ${MAX_RESPONSE_TTL_SECONDS}, so disruptions show within a minute`);
    }
    this.ttlMs = ttl * 1000;
    const maxEntries = options.maxEntries ?? 5000;
    this.store = new ResponseStore({ maxEntries, maxBytes: options.maxBytes ?? 32 * 1024 * 1024 });
    this.seen = new LRUCache({ max: options.maxSeen ?? maxEntries * 4 });
    this.maxRequestBytes = options.maxRequestBytes ?? 16 * 1024;
    this.now = dependencies.now ?? Date.now;
  }

  stats(): ResponseCacheStats {
    return { ...this.counts, entries: this.store.size, bytes: this.store.sizeBytes };
  }

  /** Whether this request may take the cached path: a JSON POST or a GET from an anonymous client, answered whole. */
  accepts(req: IncomingMessage): boolean {
    const headers = req.headers;
    if (req.method === 'POST') {
      if (!headers['content-type']?.includes('application/json')) return false;
    } else if (req.method !== 'GET') return false;
    for (const name of CREDENTIALS) if (headers[name] !== undefined) return false;
    return !headers.accept?.includes('multipart');
  }

  /**
   * Answers one accepted request: from the store, from an identical request in flight, or by running it
   * through Apollo Server's own pipeline (limits, errors) with `context(freshness)`.
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    apollo: ApolloServer<BaseContext>,
    context: (freshness: ResponseFreshness) => ContextThunk<BaseContext>,
    options: ResponseCacheHandleOptions,
  ): Promise<void> {
    const method = req.method === 'GET' ? 'GET' : 'POST';
    let body: unknown;
    let key: string | undefined;
    if (method === 'POST') {
      const read = await readJsonBody(req, options.bodyLimitBytes);
      if ('refusal' in read) return sendRefusal(res, read.refusal);
      body = read.body;
      key = read.text.length <= this.maxRequestBytes ? requestKey(body, req.headers.accept) : undefined;
    } else {
      const search = searchOf(req.url);
      key = search.length <= this.maxRequestBytes ? requestKey(searchParamsRequest(search), req.headers.accept) : undefined;
    }
    const run = () => this.execute(req, method, body, apollo, context, options);
    if (key === undefined) return send(res, await run().then((r) => r.captured), 'bypass');

    const now = this.now();
    const hit = this.store.get(key, now);
    if (hit && this.endpointsUnchanged(hit) && !this.invalidatedSince(hit.councils, hit.startedAt ?? -Infinity)) {
      this.counts.hits++;
      res.writeHead(200, { ...hit.hitHeaders, ...sharedCacheHeaders(hit.expiresAt - now, res) });
      return void res.end(hit.body);
    }
    const pending = this.inFlight.get(key);
    // One begun before a council's data changed may answer with the old data: not joined.
    if (pending && pending.startedAt > this.lastInvalidation) {
      this.counts.shared++;
      return send(res, await pending.captured, 'shared');
    }
    this.counts.misses++;
    const startedAt = now;
    const execution = run();
    const captured = execution.then((r) => r.captured);
    captured.catch(() => {}); // a failure reaches the followers that wait on it, and this request below
    const flight = { captured, startedAt };
    this.inFlight.set(key, flight);
    try {
      const { captured: answer, freshness } = await execution;
      const reusableUntil = this.invalidatedSince(freshness.councils, startedAt) ? undefined : this.reusableUntil(answer, freshness);
      if (reusableUntil !== undefined) this.maybeStore(key, answer, freshness, reusableUntil, startedAt);
      send(res, answer, 'miss', reusableUntil === undefined ? undefined : reusableUntil - this.now());
    } finally {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    }
  }

  /**
   * The council's data changed (a disruption event): answers that include it and began before now are no
   * longer served, and none under way is kept or joined.
   */
  invalidateCouncil(councilCode: string): void {
    const now = this.now();
    this.invalidatedAt.set(councilCode, now);
    this.lastInvalidation = now;
  }

  clear(): void {
    this.store.clear();
    this.seen.clear();
  }

  private async execute(
    req: IncomingMessage,
    method: 'GET' | 'POST',
    body: unknown,
    apollo: ApolloServer<BaseContext>,
    context: (freshness: ResponseFreshness) => ContextThunk<BaseContext>,
    options: ResponseCacheHandleOptions,
  ): Promise<{ captured: CollectedResponse; freshness: ResponseFreshness }> {
    const freshness = new ResponseFreshness();
    const response = await executeGraphQL(apollo, { method, headers: headerMapOf(req), search: searchOf(req.url), body }, context(freshness), options);
    const captured = await collectResponse(response);
    if (captured.streamed) freshness.forbid();
    return { captured, freshness };
  }

  /** Until when an answer may be reused, here or by a shared cache (a CDN): undefined when it may not. */
  private reusableUntil(answer: CollectedResponse, freshness: ResponseFreshness): number | undefined {
    if (answer.status !== 200 || freshness.uncacheable || freshness.operation !== 'query') return undefined;
    const now = this.now();
    const expiresAt = Math.min(now + this.ttlMs, freshness.freshUntil);
    return expiresAt > now ? expiresAt : undefined;
  }

  private maybeStore(key: string, answer: CollectedResponse, freshness: ResponseFreshness, expiresAt: number, startedAt: number): void {
    // The doorkeeper: keep an answer only for a request seen before, so one-off requests pass through.
    const digest = createHash('sha1').update(key).digest('base64');
    if (!this.seen.has(digest)) {
      this.seen.set(digest, true);
      return;
    }
    const hitHeaders = { ...answer.headers, 'content-length': String(answer.body.length), 'x-binfo-response-cache': 'hit' };
    const entry: StoredResponse = { status: answer.status, headers: answer.headers, body: answer.body, expiresAt, startedAt, councils: [...freshness.councils], hitHeaders };
    this.store.set(key, entry);
    this.counts.stored++;
  }

  /** Whether any of these councils' data changed at or after `since`; one comparison when nothing changed since. */
  private invalidatedSince(councils: Iterable<readonly [string, unknown]>, since: number): boolean {
    if (this.lastInvalidation < since) return false;
    for (const [code] of councils) if ((this.invalidatedAt.get(code) ?? -Infinity) >= since) return true;
    return false;
  }

  private endpointsUnchanged(entry: StoredResponse): boolean {
    for (const [code, url] of entry.councils) if (this.dependencies.endpointUrl(code) !== url) return false;
    return true;
  }
}

function searchOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 ? '' : url!.slice(at);
}

/** A GET's parameters in the shape of a POST body; undefined when a JSON parameter is not JSON (Apollo says so). */
function searchParamsRequest(search: string): unknown {
  const params = new URLSearchParams(search);
  const json = (name: string) => {
    const text = params.get(name);
    return text === null ? undefined : JSON.parse(text);
  };
  try {
    return { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, variables: json('variables'), extensions: json('extensions') };
  } catch {
    return undefined;
  }
}

/** Operation, variables and extensions (key order ignored), and the Accept header, which picks the content type and status. */
function requestKey(body: unknown, accept: string | undefined): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  // A hash-only persisted query has no text to test here; only a query's answer is ever stored (the plugin notes the type).
  const persisted = query === undefined && typeof (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash === 'string';
  if (!persisted && (typeof query !== 'string' || NOT_A_QUERY.test(query))) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return `${accept ?? ''}\u0000${operationName ?? ''}\u0000${query ?? ''}\u0000${stableJson(variables ?? null)}\u0000${stableJson(extensions ?? null)}`;
}

function send(res: ServerResponse, answer: CollectedResponse, outcome: 'hit' | 'miss' | 'shared' | 'bypass', reusableForMs?: number): void {
  const shared = reusableForMs === undefined ? {} : sharedCacheHeaders(reusableForMs, res);
  res.writeHead(answer.status, { ...answer.headers, ...shared, 'content-length': String(answer.body.length), 'x-binfo-response-cache': outcome });
  res.end(answer.body);
}

/**
 * What a CDN or browser may do with an answer this cache would reuse: the same, for the time left (an
 * anonymous query's whole answer, no errors, no stale parts, at most 10 s, so the freshness rule for
 * disruptions holds through any cache in front). The key includes the Accept header, so caches must too.
 */
function sharedCacheHeaders(ms: number, res: ServerResponse): Record<string, string> {
  const seconds = Math.floor(ms / 1000);
  if (seconds <= 0) return {};
  // Keep what the edge already varies by (Origin, for a list of CORS origins).
  const vary = [String(res.getHeader('vary') ?? ''), 'Accept'].filter(Boolean).join(', ');
  return { 'cache-control': `public, max-age=${seconds}`, vary };
}
