// The one data source behind the logical `councils` subgraph. Federation routes by field ownership, so
// every council-owned field plans to "councils"; this data source then routes by data: it splits each
// `_entities` batch by the GSS code in the entity keys and sends each part to that council's own endpoint,
// one request per council per fetch, and reassembles the answer in the gateway's order.
//
// For each council's part, in order:
//   1. entities fresh in the entity cache are served from it (no request);
//   2. the rest go to the council in one request, shared with any identical request already in flight,
//      under the council's circuit breaker, with retries that fit inside the council's timeout;
//   3. the answer is checked (isolation: entity-selection.ts) and cut to what the gateway asked, then cached;
//   4. if the council fails, each entity's last good answer is served and marked stale, or else the entity is
//      null with a COUNCIL_UNAVAILABLE error naming the council and where residents can look instead.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Agent } from 'undici';
import { ErrorCode } from '../../schema/error-codes.js';
import { fanOutRefused } from '../limits/council-fan-out.js';
import { cachePolicyFrom, DEFAULT_FRESH_SECONDS, MAX_FRESH_SECONDS } from '../cache/cache-control.js';
import { entityCacheKeys, selectionVariables } from '../cache/entity-cache-key.js';
import type { CachedEntity, EntityCache, EntityCacheWrite } from '../cache/entity-cache.js';
import { InFlight } from '../cache/in-flight.js';
import { MemoryEntityCache } from '../cache/memory-entity-cache.js';
import { stableJson } from '../cache/stable-json.js';
import type { CouncilEndpoint } from '../council-registry.js';
import { CouncilPolicies, type CircuitBreakerOptions, type CircuitStateName, type RetryOptions } from '../resilience/council-policies.js';
import { Deadline } from '../resilience/deadline.js';
import { forCouncil, type PerCouncil } from '../resilience/per-council.js';
import { CouncilFailure, postToCouncil, type CouncilFailureReason } from './council-http.js';
import { checkEntity, EntityFetchPlans, type EntityCheck, type EntityFetchPlan } from './entity-selection.js';
import {
  mergeCouncilResults,
  partitionByCouncil,
  type CouncilBatch,
  type CouncilBatchResult,
  type GraphQLErrorShape,
  type Representation,
} from './partition.js';
import { requestScopeOf, type RequestScope } from './request-scope.js';

export interface CouncilEndpointLookup {
  endpoint(code: string): CouncilEndpoint | undefined;
  /** Name and fallback link of a council that has no endpoint (so the error can still help the resident). */
  describe(code: string): { name: string; fallbackUrl: string; collectsWaste: boolean } | undefined;
}

export interface EntityCacheOptions {
  /** Where entries live; an in-memory LRU when not given (pass a RedisEntityCache to share between replicas). */
  store?: EntityCache;
  /** Fresh time when a council's answer carries no `max-age`. Capped by the freshness rule (cache-control.ts). */
  defaultFreshSeconds?: PerCouncil<number>;
  /** Longest fresh time, whatever a council says; at most 60 (the freshness rule). */
  maxFreshSeconds?: number;
  /** How long the last good answer is kept, past its freshness, to be served (marked stale) while its council fails. */
  staleIfErrorSeconds?: number;
}

export interface CouncilRequestEvent {
  councilCode: string;
  durationMs: number;
  ok: boolean;
  reason?: CouncilFailureReason;
}

export interface CouncilFailureEvent {
  councilCode: string;
  reason: CouncilFailureReason;
  message: string;
  requestId: string | undefined;
  /** How many entities of this fetch were served stale instead of failing. */
  servedStale: number;
}

export interface CouncilRouterOptions {
  /** Largest council response accepted; a bigger one is refused with an error naming the council. */
  maxResponseBytes?: PerCouncil<number>;
  /** Called once per HTTP request to a council (each retry is one), for metrics and tests. */
  onCouncilRequest?: (event: CouncilRequestEvent) => void;
  /** Called once per council fetch that failed (after retries) or whose answer was partly refused. */
  onCouncilFailure?: (event: CouncilFailureEvent) => void;
  onCacheLookup?: (event: { councilCode: string; hits: number; misses: number; staleServed: number }) => void;
  onCircuitStateChange?: (councilCode: string, state: CircuitStateName) => void;
  onRetry?: (councilCode: string, attempt: number) => void;
  /** Retries of failed council queries (never of mutations); `false` turns them off. */
  retry?: PerCouncil<Partial<RetryOptions> | false>;
  circuitBreaker?: PerCouncil<Partial<CircuitBreakerOptions> | false>;
  /** The entity cache; `false` turns caching (and stale-if-error) off. */
  cache?: EntityCacheOptions | false;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_STALE_IF_ERROR_SECONDS = 24 * 60 * 60;

/** What one council request came to; shared by every caller of an identical in-flight request. */
type FetchOutcome = { ok: true; entities: EntityCheck[]; errors: GraphQLErrorShape[]; freshUntil: number } | { ok: false; failure: CouncilFailure };

interface EntityFetch {
  plan: EntityFetchPlan;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  requestId: string | undefined;
  scope: RequestScope | undefined;
  /** The query and its variables as one text, made once per fetch for the in-flight keys of every council. */
  identity?: string;
}

interface ResolvedCache {
  store: EntityCache;
  ownsStore: boolean;
  defaultFreshSeconds: PerCouncil<number>;
  maxFreshSeconds: number;
  staleIfErrorSeconds: number;
}

export class CouncilRouterDataSource implements GraphQLDataSource {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 32, pipelining: 1 });
  private readonly plans = new EntityFetchPlans();
  private readonly inFlight = new InFlight<FetchOutcome>();
  private readonly policies: CouncilPolicies;
  private readonly cache: ResolvedCache | undefined;

  constructor(
    private readonly councils: CouncilEndpointLookup,
    private readonly options: CouncilRouterOptions = {},
  ) {
    this.policies = new CouncilPolicies({
      retry: options.retry,
      circuitBreaker: options.circuitBreaker,
      onCircuitStateChange: options.onCircuitStateChange,
      onRetry: options.onRetry ? (code, attempt) => options.onRetry!(code, attempt) : undefined,
    });
    this.cache = resolveCache(options.cache);
  }

  /** The circuit state of one council, for metrics and tests. */
  circuitState(councilCode: string): CircuitStateName {
    return this.policies.state(councilCode);
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    try {
      return await this.route(options);
    } catch (error) {
      // A bug here must not take the whole response down: the gateway would turn a throw into an opaque error.
      return { errors: [{ message: `The council router failed: ${String(error)}`, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] as never };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
    if (this.cache?.ownsStore) await this.cache.store.close();
  }

  private async route(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const representations = request.variables?.representations;
    const plan = request.query ? this.plans.planFor(request.query) : undefined;
    if (!Array.isArray(representations) || !plan) {
      // The standard has no council root fields, so only `_entities` fetches can reach here.
      return { errors: [{ message: 'The councils subgraph is reached only through entities.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] as never };
    }
    const scope = requestScopeOf(options.context);
    const partition = partitionByCouncil(representations as Representation[]);
    if (scope) {
      const asked = partition.batches.map((b) => b.councilCode).filter((code) => this.councils.endpoint(code));
      const decision = scope.fanOut.admit(asked);
      if (!decision.ok) return fanOutRefused(representations.length, decision) as never;
    }
    const fetch: EntityFetch = {
      plan,
      query: request.query!,
      variables: selectionVariables(request.variables!),
      operationName: request.operationName,
      requestId: scope?.requestId ?? headerOf(options, 'x-request-id'),
      scope,
    };
    const results = await Promise.all(partition.batches.map((batch) => this.resolveBatch(batch, fetch)));
    const merged = mergeCouncilResults(representations.length, results);
    for (const index of partition.unroutable) {
      merged.errors.push({ message: 'An entity was requested without a council code in its key.', path: ['_entities', index], extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    }
    return { data: { _entities: merged.entities }, errors: merged.errors.length ? (merged.errors as never) : undefined };
  }

  private async resolveBatch(batch: CouncilBatch, fetch: EntityFetch): Promise<CouncilBatchResult> {
    const endpoint = this.councils.endpoint(batch.councilCode);
    // For the response cache: which endpoint answered, and how long what it answered stays fresh.
    const freshness = fetch.scope?.freshness;
    freshness?.council(batch.councilCode, endpoint?.url);
    if (!endpoint) return this.withoutEndpoint(batch);
    const code = endpoint.code;
    const count = batch.representations.length;
    // Only a query's answer may be reused; a mutation (none in the standard today) is always sent.
    const cache = fetch.plan.isQuery ? this.cache : undefined;
    if (!cache) freshness?.note(0);
    const keys = cache ? entityCacheKeys({ councilCode: code, endpointUrl: endpoint.url, query: fetch.query, variables: fetch.variables }, batch.representations) : [];
    const cached: Array<CachedEntity | undefined> = cache ? await cache.store.get(keys) : [];
    const now = Date.now();
    const entities: unknown[] = new Array(count).fill(null);
    const errors: GraphQLErrorShape[] = [];
    const missing: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = cached[i];
      if (entry && entry.freshUntil > now) {
        entities[i] = entry.value;
        freshness?.note(entry.freshUntil);
      } else missing.push(i);
    }
    let staleServed = 0;
    /** Serves the entity's last good answer, marked stale, or else nulls it with an error naming the council. */
    const fail = (index: number, reason: string) => {
      freshness?.forbid();
      const entry = cached[index];
      if (entry) {
        entities[index] = entry.value;
        fetch.scope?.stale.mark(code, (now - entry.storedAt) / 1000);
        staleServed++;
      } else {
        errors.push(unavailable(code, endpoint.name, endpoint.fallbackUrl, reason, index));
      }
    };

    if (missing.length > 0) {
      const outcome = await this.fetchShared(
        endpoint,
        fetch,
        missing.map((i) => batch.representations[i]),
        missing.map((i) => keys[i]),
      );
      if (outcome.ok) {
        freshness?.note(outcome.freshUntil);
        const dropped: string[] = [];
        outcome.entities.forEach((check, j) => {
          if (check.ok) entities[missing[j]] = check.entity;
          else {
            dropped.push(check.problem);
            fail(missing[j], check.problem);
          }
        });
        for (const error of outcome.errors) errors.push(renumbered(error, missing));
        if (dropped.length) this.reportFailure(code, 'wrong_council', dropped[0], fetch, staleServed);
      } else {
        for (const index of missing) fail(index, outcome.failure.message);
        this.reportFailure(code, outcome.failure.reason, outcome.failure.message, fetch, staleServed);
      }
    }
    if (cache) this.options.onCacheLookup?.({ councilCode: code, hits: count - missing.length, misses: missing.length, staleServed });
    return { ok: true, batch, entities, errors };
  }

  /** One request for identical concurrent queries; every caller after the first gets its own copy. */
  private async fetchShared(endpoint: CouncilEndpoint, fetch: EntityFetch, representations: Representation[], keys: string[]): Promise<FetchOutcome> {
    if (!fetch.plan.isQuery) return this.fetchFromCouncil(endpoint, fetch, representations, keys);
    fetch.identity ??= `${fetch.query}\n${stableJson(fetch.variables)}`;
    const identity = `${endpoint.code}\n${endpoint.url}\n${fetch.identity}\n${stableJson(representations)}`;
    const { value, shared } = await this.inFlight.run(identity, () => this.fetchFromCouncil(endpoint, fetch, representations, keys));
    // Only the entities are copied: the gateway merges into them. (A failure is shared as is: structuredClone
    // would turn a CouncilFailure into a plain Error and lose its reason.)
    return shared && value.ok ? { ...value, entities: structuredClone(value.entities) } : value;
  }

  private async fetchFromCouncil(endpoint: CouncilEndpoint, fetch: EntityFetch, representations: Representation[], keys: string[]): Promise<FetchOutcome> {
    const code = endpoint.code;
    const deadline = new Deadline(endpoint.timeoutMs);
    const maxResponseBytes = forCouncil(this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, code);
    const payload = { query: fetch.plan.councilQuery, operationName: fetch.operationName, variables: { ...fetch.variables, representations } };
    try {
      const answer = await this.policies.run(code, { deadline, idempotent: fetch.plan.isQuery }, async () => {
        const started = performance.now();
        try {
          const response = await postToCouncil(this.agent, endpoint, {
            payload,
            requestId: fetch.requestId,
            signal: deadline.signal,
            timeoutMs: endpoint.timeoutMs,
            maxResponseBytes,
          });
          const entities = entitiesOf(response.body, representations.length);
          this.options.onCouncilRequest?.({ councilCode: code, durationMs: performance.now() - started, ok: true });
          return { ...response, entities };
        } catch (error) {
          const reason = error instanceof CouncilFailure ? error.reason : 'network';
          this.options.onCouncilRequest?.({ councilCode: code, durationMs: performance.now() - started, ok: false, reason });
          throw error;
        }
      });
      const checks = answer.entities.map((entity, j) => checkEntity(fetch.plan, entity, representations[j], code));
      const errors = Array.isArray(answer.body.errors) ? (answer.body.errors as GraphQLErrorShape[]) : [];
      const freshUntil = await this.store(code, answer.cacheControl, checks, errors, keys);
      return { ok: true, entities: checks, errors, freshUntil };
    } catch (error) {
      return { ok: false, failure: error instanceof CouncilFailure ? error : new CouncilFailure('network', `the request failed (${String(error)})`, false) };
    }
  }

  /**
   * Caches each entity answered cleanly: not one an error points at, nor any when the council reported a
   * general error. Returns until when the answer is fresh (epoch ms; 0 when it is not to be reused).
   */
  private async store(code: string, cacheControl: string | undefined, checks: EntityCheck[], errors: GraphQLErrorShape[], keys: string[]): Promise<number> {
    if (!this.cache || keys.length === 0) return 0;
    const policy = cachePolicyFrom(cacheControl, forCouncil(this.cache.defaultFreshSeconds, code), this.cache.maxFreshSeconds);
    if (!policy.store || errors.some((e) => entityIndexOf(e) === undefined)) return 0;
    const withErrors = new Set(errors.map(entityIndexOf));
    const now = Date.now();
    const writes: EntityCacheWrite[] = [];
    checks.forEach((check, j) => {
      if (check.ok && !withErrors.has(j)) writes.push({ key: keys[j], entry: { value: check.entity, storedAt: now, freshUntil: now + policy.freshSeconds * 1000 } });
    });
    await this.cache.store.set(writes, policy.freshSeconds + this.cache.staleIfErrorSeconds);
    return now + policy.freshSeconds * 1000;
  }

  private reportFailure(councilCode: string, reason: CouncilFailureReason, message: string, fetch: EntityFetch, servedStale: number): void {
    this.options.onCouncilFailure?.({ councilCode, reason, message, requestId: fetch.requestId, servedStale });
  }

  private withoutEndpoint(batch: CouncilBatch): CouncilBatchResult {
    const council = this.councils.describe(batch.councilCode);
    // Counties and unknown codes own no bin data: their council fields are simply null.
    if (!council?.collectsWaste) return { ok: true, batch, entities: batch.representations.map(() => null), errors: [] };
    return {
      ok: false,
      batch,
      error: (index) => ({
        message: `${council.name} has not connected its bin-collection data to Binfo yet. Check ${council.fallbackUrl}`,
        path: ['_entities', index],
        extensions: { code: ErrorCode.COUNCIL_NOT_CONNECTED, councilCode: batch.councilCode, fallbackUrl: council.fallbackUrl },
      }),
    };
  }
}

function resolveCache(options: EntityCacheOptions | false | undefined): ResolvedCache | undefined {
  if (options === false) return undefined;
  const maxFreshSeconds = options?.maxFreshSeconds ?? MAX_FRESH_SECONDS;
  if (maxFreshSeconds > MAX_FRESH_SECONDS) {
    throw new Error(`router.cache.maxFreshSeconds is ${maxFreshSeconds}: at most ${MAX_FRESH_SECONDS}, so disruptions show within a minute`);
  }
  const defaultFresh = options?.defaultFreshSeconds ?? DEFAULT_FRESH_SECONDS;
  if (typeof defaultFresh === 'number' && defaultFresh > maxFreshSeconds) {
    throw new Error(`router.cache.defaultFreshSeconds is ${defaultFresh}: at most maxFreshSeconds (${maxFreshSeconds})`);
  }
  return {
    store: options?.store ?? new MemoryEntityCache(),
    ownsStore: !options?.store,
    defaultFreshSeconds: defaultFresh,
    maxFreshSeconds,
    staleIfErrorSeconds: options?.staleIfErrorSeconds ?? DEFAULT_STALE_IF_ERROR_SECONDS,
  };
}

/** The `_entities` list of a council's answer, one slot per representation sent, or a failure saying what is wrong. */
function entitiesOf(body: Record<string, unknown>, expected: number): unknown[] {
  const data = body.data as { _entities?: unknown } | null;
  if (data === null && Array.isArray(body.errors)) {
    // A council may refuse the whole batch (e.g. a bad Date argument); keep its errors, null its entities.
    return new Array(expected).fill(null);
  }
  const entities = data?._entities;
  if (!Array.isArray(entities)) throw new CouncilFailure('malformed', 'its answer has no _entities list', false);
  if (entities.length !== expected) throw new CouncilFailure('malformed', `it returned ${entities.length} entities for ${expected} asked`, false);
  return entities;
}

function entityIndexOf(error: GraphQLErrorShape): number | undefined {
  return error.path?.[0] === '_entities' && typeof error.path[1] === 'number' ? error.path[1] : undefined;
}

/** A council's error points into the request it was sent (the missing entities); re-point it into the council's batch. */
function renumbered(error: GraphQLErrorShape, missing: readonly number[]): GraphQLErrorShape {
  const sent = entityIndexOf(error);
  if (sent === undefined || missing[sent] === undefined) return { ...error, path: undefined };
  return { ...error, path: ['_entities', missing[sent], ...error.path!.slice(2)] };
}

export function unavailable(councilCode: string, name: string, fallbackUrl: string, reason: string, index: number): GraphQLErrorShape {
  return {
    message: `${name}'s bin-collection service is unavailable: ${reason}. Check ${fallbackUrl}`,
    path: ['_entities', index],
    extensions: { code: ErrorCode.COUNCIL_UNAVAILABLE, councilCode, fallbackUrl },
  };
}

function headerOf(options: GraphQLDataSourceProcessOptions, name: string): string | undefined {
  if (!('incomingRequestContext' in options)) return undefined;
  return options.incomingRequestContext.request.http?.headers.get(name) ?? undefined;
}
