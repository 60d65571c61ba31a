// The national gateway: one graph over the directory and every council.
import './disable-telemetry.js';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { Agent, fetch as undiciFetch } from 'undici';
import { handleGraphQLRequest, sendJson } from '../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../lib/http/listen.js';
import { ErrorCode } from '../schema/error-codes.js';
import type { EntityCache } from './cache/entity-cache.js';
import { RedisEntityCache } from './cache/redis-entity-cache.js';
import { StaleAnswers } from './cache/stale-answers.js';
import { staleAnswersPlugin } from './cache/stale-answers-plugin.js';
import type { CouncilEndpoint } from './council-registry.js';
import { CouncilRouterDataSource, type CouncilRouterOptions } from './council-router/council-router-data-source.js';
import { bindRequestScope } from './council-router/request-scope.js';
import { clientErrorStatusPlugin } from './limits/client-error-status.js';
import { CouncilFanOut } from './limits/council-fan-out.js';
import { operationLimitsPlugin } from './limits/operation-limits-plugin.js';
import { asTokenLimitError } from './limits/token-limit.js';
import { resolveOperationLimits, type OperationLimits } from './limits/operation-limits.js';
import { identifyClient, RateLimiter, type RateLimitOptions } from './limits/rate-limit.js';
import { nationalSubgraphSchema } from './national/national-subgraph.js';
import { both, councilObservers } from './observability/council-observers.js';
import { observeRequest } from './observability/http-observer.js';
import { createLogger, throttled, type Logger } from './observability/logger.js';
import { createGatewayMetrics, type GatewayMetrics } from './observability/metrics.js';
import { requestIdFrom } from './observability/request-id.js';
import { dateArgumentsPlugin } from './plugins/date-arguments.js';
import { apolloExecute } from './web/apollo-execute.js';
import { webRoutes } from './web/index.js';

export interface CouncilDirectoryEntry {
  name: string;
  fallbackUrl: string;
  collectsWaste: boolean;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** URLs of the remote subgraphs by name (directory, calendar); councils go through the router, national is in-process. */
  subgraphUrls: Record<string, string>;
  councilEndpoints: ReadonlyMap<string, CouncilEndpoint>;
  councilDirectory: ReadonlyMap<string, CouncilDirectoryEntry>;
  port?: number;
  host?: string;
  /** Introspection is off in production unless asked for. */
  introspection?: boolean;
  /** Per-council retries, circuit breakers, response size limit and the entity cache (see CouncilRouterOptions). */
  router?: CouncilRouterOptions;
  log?: (entry: Record<string, unknown>) => void;
  /** Structured JSON logger; one at LOG_LEVEL (default info) writing to stdout when not given. */
  logger?: Logger;
  /** Depth, aliases, tokens, body size and councils per operation (defaults in limits/operation-limits.ts). */
  limits?: Partial<OperationLimits>;
  /** Token bucket per client (x-api-key, else IP) answering 429 with Retry-After; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** GET /metrics for Prometheus; `false` turns it off, `{ defaultMetrics: false }` leaves out process metrics. */
  metrics?: boolean | { defaultMetrics?: boolean };
  /**
   * Keep the entity cache in Redis (e.g. redis://127.0.0.1:6379/0) so replicas share it; defaults to the
   * BINFO_REDIS_URL environment variable. Ignored when `router.cache` is `false` or names its own store.
   */
  redisUrl?: string;
}

export interface RunningGateway extends RunningServer {
  graphqlUrl: string;
  /** The gateway's metrics; their Prometheus registry is also served at GET /metrics. */
  metrics?: GatewayMetrics;
}

/** Hide internals from clients: errors without a stable code become a plain message. */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const known = typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== 'DOWNSTREAM_SERVICE_ERROR';
  if (known) {
    // serviceName is the gateway's internal subgraph name ("directory", "councils"): not the client's business.
    const { exception: _exception, stacktrace: _stacktrace, serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

const subgraphAgent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const subgraphFetcher = (url: string, init: Parameters<typeof undiciFetch>[1]) => undiciFetch(url, { ...init, dispatcher: subgraphAgent });

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger();
  const log = options.log ?? ((entry: Record<string, unknown>) => logger.error(entry, String(entry.msg ?? 'gateway error')));
  const limits = resolveOperationLimits(options.limits);
  const metrics = options.metrics === false ? undefined : createGatewayMetrics(typeof options.metrics === 'object' ? options.metrics : {});
  const rateLimiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? {});
  // BINFO_CACHE=off measures the cold path (bench/) or debugs freshness; caching is on otherwise.
  if (process.env.BINFO_CACHE === 'off') options = { ...options, router: { ...options.router, cache: false } };
  const redis = sharedCache(options, logger);
  const router = new CouncilRouterDataSource(
    {
      endpoint: (code) => options.councilEndpoints.get(code),
      describe: (code) => options.councilDirectory.get(code),
    },
    withObservers(withCacheStore(options.router, redis), councilObservers(metrics, logger)),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }): GraphQLDataSource => {
      if (name === 'councils') return router;
      if (name === 'national') {
        return new LocalGraphQLDataSource(nationalSubgraphSchema({ councils: router, councilCodes: () => [...options.councilEndpoints.keys()] }));
      }
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      // undici's fetch over a keep-alive pool: much cheaper per call than the default make-fetch-happen.
      return new RemoteGraphQLDataSource({ url: target, fetcher: subgraphFetcher as never });
    },
  });
  const apollo = new ApolloServer<BaseContext>({
    gateway,
    csrfPrevention: true,
    introspection: options.introspection ?? process.env.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: (formatted, error) => {
      const masked = maskError(asTokenLimitError(formatted));
      // Internals stay in the server's log, with enough to debug; the client gets the masked error.
      if (masked.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) log({ level: 'error', msg: 'internal error', error: String(error), path: formatted.path });
      return masked;
    },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      operationLimitsPlugin(limits),
      dateArgumentsPlugin(),
      clientErrorStatusPlugin(),
      staleAnswersPlugin(),
    ],
  });
  await apollo.start();

  /** A fresh context per request, with the scope the council router reads and writes. */
  const contextFor = (requestId: string) => async () => {
    const context = {};
    bindRequestScope(context, { requestId, stale: new StaleAnswers(), fanOut: new CouncilFanOut(limits.maxCouncilsPerOperation) });
    return context;
  };

  // The bin-day page and calendar feeds run their operations through this same ApolloServer (its limits,
  // masking and the council router's per-request scope), without an HTTP round trip to itself.
  const web = webRoutes({ execute: apolloExecute(apollo, () => contextFor(randomUUID())()), log });

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const requestId = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('x-request-id', requestId);
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/ready') return sendJson(res, 200, { status: 'ready', councils: options.councilEndpoints.size });
      if (url.pathname === '/metrics' && metrics) {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        return void res.end(text);
      }
      if (url.pathname === '/graphql') {
        const client = identifyClient(req, options.rateLimit ? options.rateLimit.trustProxy : false);
        observeRequest(req, res, { requestId, client: client.label, logger, metrics });
        if (rateLimiter && !rateLimiter.admit(client, res)) return;
        return handleGraphQLRequest(apollo, req, res, contextFor(requestId), { bodyLimitBytes: limits.maxBodyBytes });
      }
      if (!url.pathname.startsWith('/assets/')) {
        const client = identifyClient(req, options.rateLimit ? options.rateLimit.trustProxy : false);
        if (rateLimiter && !rateLimiter.admit(client, res)) return;
      }
      if (await web(req, res, url)) return;
      sendJson(res, 404, { error: 'Not found. The national graph is at /graphql; the bin-day page is at /.' });
    },
    { port: options.port, host: options.host, onError: (error) => log({ level: 'error', msg: 'gateway request failed', error: String(error) }) },
  );
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    metrics,
    close: async () => {
      await running.close();
      await apollo.stop();
      await router.close();
      await redis?.close();
    },
  };
}

/** The Redis entity cache, when one is asked for and the router does not bring its own store. */
function sharedCache(options: GatewayOptions, logger: Logger): RedisEntityCache | undefined {
  const url = options.redisUrl ?? process.env.BINFO_REDIS_URL;
  if (!url || options.router?.cache === false || options.router?.cache?.store) return undefined;
  return new RedisEntityCache({ url, onError: throttled((message, error) => logger.warn({ err: error }, `entity cache (Redis): ${message}`)) });
}

function withCacheStore(router: CouncilRouterOptions | undefined, store: EntityCache | undefined): CouncilRouterOptions {
  if (!store || router?.cache === false) return { ...router };
  return { ...router, cache: { ...router?.cache, store } };
}

function withObservers(router: CouncilRouterOptions, observers: ReturnType<typeof councilObservers>): CouncilRouterOptions {
  return {
    ...router,
    onCouncilRequest: both(observers.onCouncilRequest, router.onCouncilRequest),
    onCouncilFailure: both(observers.onCouncilFailure, router.onCouncilFailure),
    onCacheLookup: both(observers.onCacheLookup, router.onCacheLookup),
    onCircuitStateChange: both(observers.onCircuitStateChange, router.onCircuitStateChange),
    onRetry: both(observers.onRetry, router.onRetry),
  };
}
