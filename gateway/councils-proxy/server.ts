// The councils proxy subgraph: the council router as a standalone service, so that any federation router
// (Apollo Router, Hive Router, Cosmo, or this project's gateway) can serve the national graph unchanged, with
// the `councils` subgraph's routing_url pointing here. It serves the standard council SDL
// (schema/council.graphql) at one URL; each `_entities` request is routed by council code to the councils'
// own endpoints by CouncilRouterDataSource.process, exactly as inside the gateway (one request per council,
// timeouts, retries, circuit breakers, isolation checks, the entity cache, COUNCIL_UNAVAILABLE with the
// council's fallback link). Anything else (`_service { sdl }`, `__typename`, introspection) is answered from
// the standard schema.
//
// It also serves the `national` subgraph (the `disruptions` root field, which the gateway answers in-process)
// at /national/graphql, fanning out through the same router, so an external router has every subgraph of
// supergraph.yaml at a URL.
//
// What a router cannot see is said in HTTP and GraphQL terms: `Cache-Control: max-age=N` says how long the
// answer's council data stays fresh (`no-store` when it has errors or stale parts), and answers served stale
// because their council failed are listed in `extensions.binfo.stale` (as the gateway does for clients).
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { graphqlErrorBody, handleGraphQLRequest, readJsonBody, sendJson, sendRefusal } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startSubgraphServer } from '../../lib/http/serve-schema.js';
import { projectPath } from '../../lib/project-path.js';
import { DEFAULT_FRESH_SECONDS, MAX_FRESH_SECONDS } from '../cache/cache-control.js';
import { StaleAnswers } from '../cache/stale-answers.js';
import type { CouncilEndpoint } from '../council-registry.js';
import { buildCouncilRouter, type CouncilDescription } from '../council-router/build-router.js';
import type { CouncilRouterDataSource, CouncilRouterOptions } from '../council-router/council-router-data-source.js';
import type { Representation } from '../council-router/partition.js';
import { bindRequestScope } from '../council-router/request-scope.js';
import { selectionVariables } from '../cache/entity-cache-key.js';
import { CouncilFanOut, DEFAULT_MAX_COUNCILS_PER_OPERATION } from '../limits/council-fan-out.js';
import { nationalSubgraphSchema } from '../national/national-subgraph.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createGatewayMetrics, type GatewayMetrics } from '../observability/metrics.js';
import { serveMetricsPublicly, startMetricsListener, type MetricsAccessOptions } from '../observability/metrics-route.js';
import { requestIdFrom } from '../observability/request-id.js';
import { ResponseFreshness } from '../response-cache/freshness.js';

export interface CouncilsProxyOptions {
  councilEndpoints: ReadonlyMap<string, CouncilEndpoint>;
  /** Nation and tier (councilDirectoryOf gives them) let the national service views filter by them. */
  councilDirectory: ReadonlyMap<string, CouncilDescription & { nation?: string; tier?: string }>;
  port?: number;
  host?: string;
  /** Retries, circuit breakers, response size limit and the entity cache, as in the gateway. */
  router?: CouncilRouterOptions;
  /** Share the entity cache in Redis (npm start passes BINFO_REDIS_URL); in memory when absent. */
  redisUrl?: string;
  logger?: Logger;
  /**
   * The council series, as the gateway has them; `false` turns them off. GET /metrics is for operators only:
   * on a listener of its own (`port`) or with `bearerToken` (see observability/metrics-route.ts).
   */
  metrics?: boolean | ({ defaultMetrics?: boolean } & MetricsAccessOptions);
  /** Distinct councils one `_entities` request may reach; default 400 (every council, with room). */
  maxCouncilsPerRequest?: number;
  /** Largest request body accepted; default 5 MB (a national fetch carries ~361 representations). */
  maxBodyBytes?: number;
  /** Distinct query texts whose kind (`_entities` or not) is remembered; default 1,000. */
  operationKindsCacheSize?: number;
}

export interface RunningCouncilsProxy extends RunningServer {
  graphqlUrl: string;
  /** The national subgraph (`disruptions`), for a router's `national` routing_url. */
  nationalUrl: string;
  router: CouncilRouterDataSource;
  metrics?: GatewayMetrics;
  /** The operators' metrics listener, when `metrics.port` is set. */
  metricsUrl?: string;
}

/** The standard's SDL as every council serves it, for `_service { sdl }`. */
export function standardCouncilSchema(): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(readFileSync(projectPath('schema', 'council.graphql'), 'utf8')) });
}

export async function startCouncilsProxy(options: CouncilsProxyOptions): Promise<RunningCouncilsProxy> {
  const logger = options.logger ?? createLogger();
  const metrics = options.metrics === false ? undefined : createGatewayMetrics(typeof options.metrics === 'object' ? options.metrics : {});
  const built = buildCouncilRouter({
    councilEndpoints: options.councilEndpoints,
    councilDirectory: options.councilDirectory,
    router: options.router,
    redisUrl: options.redisUrl,
    logger,
    metrics,
  });
  const schema = standardCouncilSchema();
  const national = await startSubgraphServer(nationalSubgraphSchema({ councils: built.router, councilCodes: () => [...options.councilEndpoints.keys()], councilDirectory: options.councilDirectory }));
  const operations = new OperationKinds(options.operationKindsCacheSize ?? 1000);
  const metricsAccess: MetricsAccessOptions = typeof options.metrics === 'object' ? options.metrics : {};
  const maxCouncils = options.maxCouncilsPerRequest ?? DEFAULT_MAX_COUNCILS_PER_OPERATION;
  const maxBodyBytes = options.maxBodyBytes ?? 5_000_000;

  /** A context with the request scope the router reads: request id, stale marks, the council cap, freshness. */
  const scoped = (requestId: string) => {
    const stale = new StaleAnswers();
    const freshness = new ResponseFreshness();
    const context = {};
    bindRequestScope(context, { requestId, stale, fanOut: new CouncilFanOut(maxCouncils), freshness });
    return { context, stale, freshness };
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, graphqlErrorBody('POST a GraphQL request as JSON.', 'BAD_REQUEST'), { allow: 'POST' });
    const read = await readJsonBody(req, maxBodyBytes);
    if ('refusal' in read) return sendRefusal(res, read.refusal);
    const request = read.body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    const query = typeof request?.query === 'string' ? request.query : undefined;
    if (!request || !query) return sendJson(res, 400, graphqlErrorBody('The request has no query.', 'BAD_REQUEST'));
    const variables = request.variables && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : undefined;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;

    if (!operations.isEntities(query)) {
      // `_service { sdl }`, `__typename`, introspection: the standard schema answers.
      const result = await graphql({ schema, source: query, variableValues: variables, operationName });
      return sendJson(res, 200, result, { 'cache-control': 'no-store' });
    }

    const requestId = requestIdFrom(req.headers['x-request-id']);
    const { context, stale, freshness } = scoped(requestId);
    const representations = Array.isArray(variables?.representations) ? (variables.representations as Representation[]) : [];
    const fetched = await built.router.fetchEntities({ query, variables: selectionVariables(variables ?? {}), representations, operationName }, context, requestId);
    const result = 'refusal' in fetched ? (fetched.refusal as { data?: unknown; errors?: unknown[]; extensions?: Record<string, unknown> }) : { data: { _entities: fetched.entities }, errors: fetched.errors.length ? fetched.errors : undefined, extensions: undefined as Record<string, unknown> | undefined };
    const marks = stale.list();
    const body = marks.length ? { ...result, extensions: { ...result.extensions, binfo: { stale: marks } } } : result;
    sendJson(res, 200, body, { 'cache-control': cacheControl(freshness, !!result.errors?.length || marks.length > 0), 'x-request-id': requestId });
  };

  const running = await listen(
    async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/health' || path === '/ready') return sendJson(res, 200, { status: 'ok', councils: options.councilEndpoints.size });
      if (path === '/metrics' && metrics) return serveMetricsPublicly(req, res, metrics, metricsAccess);
      if (path === '/graphql' || path === '/') return handleGraphQL(req, res);
      if (path === '/national/graphql') {
        return handleGraphQLRequest(national, req, res, async () => scoped(requestIdFrom(req.headers['x-request-id'])).context, { bodyLimitBytes: maxBodyBytes });
      }
      sendJson(res, 404, { error: 'Not found. The councils subgraph is at /graphql.' });
    },
    { port: options.port, host: options.host, onError: (error) => logger.error({ err: error }, 'councils proxy request failed') },
  );
  const metricsListener = metrics ? await startMetricsListener(metrics, metricsAccess) : undefined;
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    nationalUrl: `${running.url}/national/graphql`,
    router: built.router,
    metrics,
    metricsUrl: metricsListener ? `${metricsListener.url}/metrics` : undefined,
    close: async () => {
      await running.close();
      await metricsListener?.close();
      await national.stop();
      await built.close();
    },
  };
}

/** How long a router may reuse this answer: while every council part of it is fresh; never with errors or stale parts. */
function cacheControl(freshness: ResponseFreshness, problems: boolean): string {
  if (problems || freshness.uncacheable) return 'no-store';
  const seconds = Number.isFinite(freshness.freshUntil) ? Math.floor((freshness.freshUntil - Date.now()) / 1000) : DEFAULT_FRESH_SECONDS;
  if (seconds <= 0) return 'no-store';
  return `public, max-age=${Math.min(seconds, MAX_FRESH_SECONDS)}`;
}

/** Whether a query text selects `_entities` at its root; remembered per text (routers send a few, often). */
class OperationKinds {
  private readonly kinds: LRUCache<string, boolean>;

  constructor(size: number) {
    this.kinds = new LRUCache({ max: size });
  }

  isEntities(query: string): boolean {
    let kind = this.kinds.get(query);
    if (kind === undefined) {
      kind = selectsEntities(query);
      this.kinds.set(query, kind);
    }
    return kind;
  }
}

function selectsEntities(query: string): boolean {
  try {
    return parse(query).definitions.some(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (d as OperationDefinitionNode).selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '_entities'),
    );
  } catch {
    return false;
  }
}
