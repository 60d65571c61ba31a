// The one data source behind the logical `councils` subgraph. Federation routes by field ownership, so
// every council-owned field plans to "councils"; this data source then routes by data: it splits each
// `_entities` batch by the GSS code in the entity keys and sends each part to that council's own endpoint,
// one request per council per fetch, and reassembles the answer in the gateway's order.
//
// For each council's part, in order:
//   1. entities fresh in the entity cache are served from it (no request);
//   2. the rest go to the council in one request, shared with any identical request already in flight,
//      under the endpoint's circuit breaker, with retries that fit inside the council's timeout;
//   3. the answer is checked against the standard (entity-selection.ts: isolation and every value's type)
//      and cut to what the gateway asked; the council's errors are mapped onto the standard's codes
//      (council-errors.ts); what is clean is cached;
//   4. if the council fails, each entity's last good answer is served and marked stale, or else the entity is
//      null with a COUNCIL_UNAVAILABLE error naming the council and the registry's link for residents.
//
// Failures are attributed to whoever caused them: only the council's own failures (timeout, connection,
// 5xx, an answer that is not valid) count toward its breaker; nothing a client writes can move it.
import { createHash } from 'node:crypto';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import { ErrorCode } from '../../schema/error-codes.js';
import { fanOutRefused } from '../limits/council-fan-out.js';
import { cachePolicyFrom, DEFAULT_FRESH_SECONDS, MAX_FRESH_SECONDS } from '../cache/cache-control.js';
import { entityCacheKeys, selectionVariables } from '../cache/entity-cache-key.js';
import type { CachedEntity, EntityCache, EntityCacheWrite } from '../cache/entity-cache.js';
import { InFlight } from '../cache/in-flight.js';
import { MemoryEntityCache } from '../cache/memory-entity-cache.js';
import { stableJson } from '../cache/stable-json.js';
import type { CouncilEndpoint } from '../council-registry.js';
import { systemClock, type Clock } from '../resilience/clock.js';
import { CouncilPolicies, type CircuitBreakerOptions, type CircuitStateName, type RetryOptions } from '../resilience/council-policies.js';
import { Deadline } from '../resilience/deadline.js';
import { forCouncil, type PerCouncil } from '../resilience/per-council.js';
import { mapCouncilErrors, type CouncilIdentity } from './council-errors.js';
import { CouncilFailure, httpCouncilTransport, publicReason, type CouncilAnswer, type CouncilFailureReason, type CouncilTransport } from './council-http.js';
import { checkEntity, EntityFetchPlans, type EntityCheck, type EntityFetchPlan } from './entity-selection.js';
import { HostBatches } from './host-batch.js';
import {
  cloneJson,
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
  /** Entries of the default in-memory store. */
  maxEntries?: number;
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
  /** What exactly went wrong, for the logs (it may quote the council): clients get a fixed sentence. */
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
  /** How councils are reached; HTTP over a keep-alive pool by default. The router closes it. */
  transport?: CouncilTransport;
  clock?: Clock;
  /** The standard's council schema answers are checked against; schema/council.graphql by default. */
  schema?: GraphQLSchema;
  /** Distinct gateway query texts kept planned. */
  maxPlans?: number;
  /** Circuit breakers kept (one per council endpoint). */
  maxBreakers?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_STALE_IF_ERROR_SECONDS = 24 * 60 * 60;

/** An `_entities` fetch across councils, as the national views ask for one. */
export interface EntityFetchRequest {
  /** An `_entities` query of the council standard, with `$representations`. */
  query: string;
  /** Its variables other than `representations`. */
  variables?: Record<string, unknown>;
  representations: Representation[];
  operationName?: string;
}

export interface EntityFetchResult {
  /** One slot per representation, in order: the entity, or null (unknown, or failed: see `errors`). */
  entities: unknown[];
  /** Coded errors with paths `["_entities", i, ...]`: COUNCIL_UNAVAILABLE with `councilCode` and `fallbackUrl`, and the like. */
  errors: GraphQLErrorShape[];
}

/** A council's answer after checking: one check per representation sent, errors already mapped. */
interface CheckedAnswer {
  checks: EntityCheck[];
  errors: GraphQLErrorShape[];
  /** The council reported an error about the whole answer: nothing of it is cached. */
  generalError: boolean;
  cacheControl: string | undefined;
  /** Set when some entity broke the standard or isolation: counted toward the breaker like a failure. */
  invalid?: { reason: CouncilFailureReason; detail: string };
}

/** What one council request came to; shared by every caller of an identical in-flight request. */
type FetchOutcome = { ok: true; answer: CheckedAnswer; freshUntil: number } | { ok: false; failure: CouncilFailure };

interface EntityFetch {
  plan: EntityFetchPlan;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  requestId: string | undefined;
  scope: RequestScope | undefined;
  /** The query and its variables as one text, made once per fetch for the in-flight keys of every council. */
  identity?: string;
  /** The requests of this fetch to councils that share a host, one per host (host-batch.ts). */
  hostBatches?: HostBatches;
}

interface ResolvedCache {
  store: EntityCache;
  ownsStore: boolean;
  defaultFreshSeconds: PerCouncil<number>;
  maxFreshSeconds: number;
  staleIfErrorSeconds: number;
}

export class CouncilRouterDataSource implements GraphQLDataSource {
  private readonly transport: CouncilTransport;
  private readonly clock: Clock;
  private readonly plans: EntityFetchPlans;
  private readonly inFlight = new InFlight<FetchOutcome>();
  private readonly policies: CouncilPolicies;
  private readonly cache: ResolvedCache | undefined;
  /**
   * When each council last said its data changed (a disruption event, gateway/events/), on this router's clock.
   * A cached entity stored at or before then is no longer fresh (it stays as the stale-if-error fallback), and
   * an answer fetched from before then is not cached. Per process, so it holds for a Redis store too: every
   * replica follows the events and judges the shared entries by its own record.
   */
  private readonly invalidatedAt = new Map<string, number>();

  constructor(
    private readonly councils: CouncilEndpointLookup,
    private readonly options: CouncilRouterOptions = {},
  ) {
    this.transport = options.transport ?? httpCouncilTransport();
    this.clock = options.clock ?? systemClock;
    this.plans = new EntityFetchPlans({ maxPlans: options.maxPlans, schema: options.schema });
    this.policies = new CouncilPolicies({
      retry: options.retry,
      circuitBreaker: options.circuitBreaker,
      maxBreakers: options.maxBreakers,
      onCircuitStateChange: options.onCircuitStateChange,
      onRetry: options.onRetry ? (code, attempt) => options.onRetry!(code, attempt) : undefined,
      isFailedAnswer: (answer) => (answer as CheckedAnswer).invalid !== undefined,
    });
    this.cache = resolveCache(options.cache, this.clock);
  }

  /** The circuit state of one council's current endpoint, for metrics and tests. */
  circuitState(councilCode: string): CircuitStateName {
    const endpoint = this.councils.endpoint(councilCode);
    return endpoint ? this.policies.state({ councilCode, endpointUrl: endpoint.url }) : 'closed';
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const representations = request.variables?.representations;
    if (!request.query || !Array.isArray(representations)) {
      // The standard has no council root fields, so only `_entities` fetches can reach here.
      return { errors: [{ message: 'The councils subgraph is reached only through entities.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] as never };
    }
    const result = await this.fetchEntities(
      { query: request.query, variables: selectionVariables(request.variables!), representations: representations as Representation[], operationName: request.operationName },
      options.context,
      headerOf(options, 'x-request-id'),
    );
    if ('refusal' in result) return result.refusal as never;
    return { data: { _entities: result.entities }, errors: result.errors.length ? (result.errors as never) : undefined };
  }

  /**
   * The fan-out itself, typed: the gateway's `_entities` fetches and the national views both come here.
   * `context` is the client request's context (its scope: request id, councils-per-operation cap, stale marks).
   */
  async fetchEntities(request: EntityFetchRequest, context?: unknown, requestIdHeader?: string): Promise<EntityFetchResult | { refusal: unknown }> {
    try {
      return await this.route(request, context, requestIdHeader);
    } catch (error) {
      // A bug here must not take the whole response down; the gateway masks this, and logs it.
      return { entities: request.representations.map(() => null), errors: [{ message: `The council router failed: ${String(error)}`, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] };
    }
  }

  /**
   * The council's data changed (a disruption was published, changed or withdrawn): what is cached of it is
   * not served as fresh any more, and requests already under way are not cached or joined by new ones.
   */
  invalidateCouncil(councilCode: string): void {
    this.invalidatedAt.set(councilCode, this.clock.now());
  }

  async close(): Promise<void> {
    await this.transport.close();
    if (this.cache?.ownsStore) await this.cache.store.close();
  }

  private async route(request: EntityFetchRequest, context: unknown, requestIdHeader: string | undefined): Promise<EntityFetchResult | { refusal: unknown }> {
    const plan = this.plans.planFor(request.query);
    if (!plan) return { refusal: { errors: [{ message: 'The councils subgraph is reached only through entities.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] } };
    const { representations } = request;
    const scope = requestScopeOf(context);
    const partition = partitionByCouncil(representations);
    if (scope) {
      const asked = partition.batches.map((b) => b.councilCode).filter((code) => this.councils.endpoint(code));
      const decision = scope.fanOut.admit(asked);
      if (!decision.ok) return { refusal: fanOutRefused(representations.length, decision) };
    }
    const fetch: EntityFetch = {
      plan,
      query: request.query,
      variables: request.variables ?? {},
      operationName: request.operationName,
      requestId: scope?.requestId ?? requestIdHeader,
      scope,
    };
    const results = await Promise.all(partition.batches.map((batch) => this.resolveBatch(batch, fetch)));
    const merged = mergeCouncilResults(representations.length, results);
    for (const index of partition.unroutable) {
      merged.errors.push({ message: 'An entity was requested without a council code in its key.', path: ['_entities', index], extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    }
    return merged;
  }

  private async resolveBatch(batch: CouncilBatch, fetch: EntityFetch): Promise<CouncilBatchResult> {
    const endpoint = this.councils.endpoint(batch.councilCode);
    // For the response cache: which endpoint answered, and how long what it answered stays fresh.
    const freshness = fetch.scope?.freshness;
    freshness?.council(batch.councilCode, endpoint?.url);
    if (!endpoint) return this.withoutEndpoint(batch);
    const code = endpoint.code;
    const council: CouncilIdentity = { code, name: endpoint.name, fallbackUrl: endpoint.fallbackUrl };
    const count = batch.representations.length;
    // Only a query's answer may be reused; a mutation (none in the standard today) is always sent.
    const cache = fetch.plan.isQuery ? this.cache : undefined;
    if (!cache) freshness?.note(0);
    const keys = cache ? entityCacheKeys({ councilCode: code, endpointUrl: endpoint.url, query: fetch.query, variables: fetch.variables }, batch.representations) : [];
    const cached: Array<CachedEntity | undefined> = cache ? await cache.store.get(keys) : [];
    const now = this.clock.now();
    const invalidatedAt = this.invalidatedAt.get(code) ?? -Infinity;
    const entities: unknown[] = new Array(count).fill(null);
    const errors: GraphQLErrorShape[] = [];
    const missing: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = cached[i];
      if (entry && entry.freshUntil > now && entry.storedAt > invalidatedAt) {
        entities[i] = entry.value;
        freshness?.note(entry.freshUntil);
      } else missing.push(i);
    }
    let staleServed = 0;
    /** Serves the entity's last good answer, marked stale, or else nulls it with an error naming the council. */
    const fail = (index: number, reason: CouncilFailureReason) => {
      freshness?.forbid();
      const entry = cached[index];
      if (entry) {
        entities[index] = entry.value;
        fetch.scope?.stale.mark(code, (now - entry.storedAt) / 1000);
        staleServed++;
      } else {
        errors.push(unavailable(council, reason, index));
      }
    };

    if (missing.length > 0) {
      const outcome = await this.fetchShared(
        endpoint,
        fetch,
        missing.map((i) => batch.representations[i]),
        missing.map((i) => keys[i]),
        missing.map((i) => batch.identities[i]),
      );
      if (outcome.ok) {
        const { answer } = outcome;
        freshness?.note(outcome.freshUntil);
        answer.checks.forEach((check, j) => {
          if (check.ok) entities[missing[j]] = check.entity;
          else fail(missing[j], check.wrongCouncil ? 'wrong_council' : 'invalid_answer');
        });
        for (const error of answer.errors) errors.push(renumbered(error, missing));
        if (answer.invalid) this.reportFailure(code, answer.invalid.reason, answer.invalid.detail, fetch, staleServed);
      } else {
        for (const index of missing) fail(index, outcome.failure.reason);
        this.reportFailure(code, outcome.failure.reason, outcome.failure.message, fetch, staleServed);
      }
    }
    if (cache) this.options.onCacheLookup?.({ councilCode: code, hits: count - missing.length, misses: missing.length, staleServed });
    return { ok: true, batch, entities, errors };
  }

  /** One request for identical concurrent queries; every caller after the first gets its own copy. */
  private async fetchShared(endpoint: CouncilEndpoint, fetch: EntityFetch, representations: Representation[], keys: string[], identities: string[]): Promise<FetchOutcome> {
    if (!fetch.plan.isQuery) return this.fetchFromCouncil(endpoint, fetch, representations, keys);
    // Hashed once per fetch: the query text is ~1 KB, and a national fetch makes 361 in-flight keys from it.
    fetch.identity ??= createHash('sha256').update(fetch.query).update('\n').update(stableJson(fetch.variables)).digest('base64url');
    // The council's last invalidation is part of it: a request after an event never joins one from before it.
    const identity = `${endpoint.code}\n${endpoint.url}\n${this.invalidatedAt.get(endpoint.code) ?? ''}\n${fetch.identity}\n${identities.join('\n')}`;
    const { value, shared } = await this.inFlight.run(identity, () => this.fetchFromCouncil(endpoint, fetch, representations, keys));
    // Only the checked entities are copied: the gateway merges into them. (A failure is shared as is.)
    return shared && value.ok ? { ...value, answer: { ...value.answer, checks: value.answer.checks.map((check) => (check.ok ? { ok: true, entity: cloneJson(check.entity) } : check)) } } : value;
  }

  private async fetchFromCouncil(endpoint: CouncilEndpoint, fetch: EntityFetch, representations: Representation[], keys: string[]): Promise<FetchOutcome> {
    const code = endpoint.code;
    const council: CouncilIdentity = { code, name: endpoint.name, fallbackUrl: endpoint.fallbackUrl };
    const deadline = new Deadline(endpoint.timeoutMs, this.clock);
    const maxResponseBytes = forCouncil(this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, code);
    const payload = { query: fetch.plan.councilQuery, operationName: fetch.operationName, variables: { ...fetch.variables, representations } };
    const startedAt = this.clock.now();
    try {
      const answer = await this.policies.run({ councilCode: code, endpointUrl: endpoint.url }, { deadline, idempotent: fetch.plan.isQuery }, async () => {
        const started = performance.now();
        try {
          const request = { payload, requestId: fetch.requestId, timeoutMs: endpoint.timeoutMs, maxResponseBytes };
          // A council still served by its registry host goes in that host's one request for this fetch.
          const batchUrl = fetch.plan.isQuery && endpoint.sharedHost?.councilUrl === endpoint.url ? endpoint.sharedHost.batchUrl : undefined;
          const response = batchUrl
            ? await (fetch.hostBatches ??= new HostBatches(this.transport, this.clock)).send(batchUrl, endpoint, request, deadline)
            : await this.transport.send(endpoint, { ...request, signal: deadline.signal });
          // Checked inside the breaker's run, so an answer that breaks the standard counts against the council.
          const checked = checkAnswer(fetch.plan, response, representations, council);
          this.options.onCouncilRequest?.({ councilCode: code, durationMs: performance.now() - started, ok: checked.invalid === undefined, reason: checked.invalid?.reason });
          return checked;
        } catch (error) {
          const reason = error instanceof CouncilFailure ? error.reason : 'network';
          this.options.onCouncilRequest?.({ councilCode: code, durationMs: performance.now() - started, ok: false, reason });
          throw error;
        }
      });
      // An event for the council while this request was under way: the answer may predate it, so it is used once and not kept.
      const freshUntil = (this.invalidatedAt.get(code) ?? -Infinity) >= startedAt ? 0 : await this.store(code, answer, keys);
      return { ok: true, answer, freshUntil };
    } catch (error) {
      return { ok: false, failure: error instanceof CouncilFailure ? error : new CouncilFailure('network', `the request failed (${String(error)})`, false) };
    } finally {
      deadline.done();
    }
  }

  /**
   * Caches each entity answered cleanly: not one an error points at, nor any when the council reported a
   * general error. Returns until when the answer is fresh (epoch ms; 0 when it is not to be reused).
   */
  private async store(code: string, answer: CheckedAnswer, keys: string[]): Promise<number> {
    if (!this.cache || keys.length === 0) return 0;
    const policy = cachePolicyFrom(answer.cacheControl, forCouncil(this.cache.defaultFreshSeconds, code), this.cache.maxFreshSeconds);
    if (!policy.store || answer.generalError) return 0;
    const withErrors = new Set(answer.errors.map(entityIndexOf));
    const now = this.clock.now();
    const writes: EntityCacheWrite[] = [];
    answer.checks.forEach((check, j) => {
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

function resolveCache(options: EntityCacheOptions | false | undefined, clock: Clock): ResolvedCache | undefined {
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
    store: options?.store ?? new MemoryEntityCache({ maxEntries: options?.maxEntries, now: () => clock.now() }),
    ownsStore: !options?.store,
    defaultFreshSeconds: defaultFresh,
    maxFreshSeconds,
    staleIfErrorSeconds: options?.staleIfErrorSeconds ?? DEFAULT_STALE_IF_ERROR_SECONDS,
  };
}

/**
 * Checks a council's whole answer: it must be a GraphQL response with one `_entities` item per
 * representation sent, well-formed errors, and entities valid for the standard and their council.
 * A broken whole (no list, wrong length, `data: null`, malformed errors) throws: the council failed.
 */
function checkAnswer(plan: EntityFetchPlan, response: CouncilAnswer, representations: Representation[], council: CouncilIdentity): CheckedAnswer {
  const { body } = response;
  const data = body.data;
  if (data === null) throw new CouncilFailure('invalid_answer', 'it answered "data": null', false);
  const entities = (data as { _entities?: unknown } | undefined)?._entities;
  if (!Array.isArray(entities)) throw new CouncilFailure('invalid_answer', 'its answer has no _entities list', false);
  if (entities.length !== representations.length) {
    throw new CouncilFailure('invalid_answer', `it returned ${entities.length} entities for ${representations.length} asked`, false);
  }
  const mapped = mapCouncilErrors(body.errors, representations.length, council);
  if (!mapped.ok) throw new CouncilFailure('invalid_answer', mapped.problem, false);
  const checks = entities.map((entity, j) => checkEntity(plan, entity, representations[j], council.code));
  const refused = checks.find((check): check is Extract<EntityCheck, { ok: false }> => !check.ok);
  return {
    checks,
    errors: mapped.errors,
    generalError: mapped.generalError,
    cacheControl: response.cacheControl,
    invalid: refused ? { reason: refused.wrongCouncil ? 'wrong_council' : 'invalid_answer', detail: refused.problem } : undefined,
  };
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

/** The error for an entity its council could not give: the council's name, a fixed reason, the registry's link. */
export function unavailable(council: CouncilIdentity, reason: CouncilFailureReason, index: number): GraphQLErrorShape {
  return {
    message: `${council.name}'s bin-collection service is unavailable: ${publicReason(reason)}. Check ${council.fallbackUrl}`,
    path: ['_entities', index],
    extensions: { code: ErrorCode.COUNCIL_UNAVAILABLE, councilCode: council.code, fallbackUrl: council.fallbackUrl },
  };
}

function headerOf(options: GraphQLDataSourceProcessOptions, name: string): string | undefined {
  if (!('incomingRequestContext' in options)) return undefined;
  return options.incomingRequestContext.request.http?.headers.get(name) ?? undefined;
}
