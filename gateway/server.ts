// The national gateway: one graph over the directory and every council.
import './disable-telemetry.js';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { handleGraphQLRequest, sendJson } from '../lib/http/apollo-handler.js';
import { answerPreflight, applyCors, type CorsOptions } from '../lib/http/cors.js';
import { listen, type RunningServer } from '../lib/http/listen.js';
import { persistedQueryCache, type PersistedQueryCacheOptions } from '../lib/http/persisted-query-cache.js';
import { ErrorCode } from '../schema/error-codes.js';
import { StaleAnswers } from './cache/stale-answers.js';
import { staleAnswersPlugin } from './cache/stale-answers-plugin.js';
import type { CouncilEndpoint } from './council-registry.js';
import { buildCouncilRouter } from './council-router/build-router.js';
import { gatewayEvents, type GatewayEvents, type GatewayEventsOptions } from './events/index.js';
import type { CouncilRouterOptions } from './council-router/council-router-data-source.js';
import { bindRequestScope } from './council-router/request-scope.js';
import { subgraphFetcher } from './council-router/subgraph-fetcher.js';
import { CouncilsProxyDataSource } from './councils-proxy/councils-proxy-data-source.js';
import { clientErrorStatusPlugin } from './limits/client-error-status.js';
import { CouncilFanOut } from './limits/council-fan-out.js';
import { councilOwnershipOf } from './limits/council-ownership.js';
import { operationLimitsPlugin } from './limits/operation-limits-plugin.js';
import { asTokenLimitError } from './limits/token-limit.js';
import { resolveOperationLimits, type OperationLimits } from './limits/operation-limits.js';
import type { ApiKeyVerifier } from './limits/api-keys.js';
import { identifyClient, RateLimiter, type RateLimitOptions } from './limits/rate-limit.js';
import { keyFieldsOf, reservedAliasesRule } from './limits/reserved-aliases.js';
import { codeApolloRefusal, readGraphOperationsPlugin } from './limits/read-graph-operations.js';
import { nationalSubgraphSchema, type CouncilEntityFetcher } from './national/national-subgraph.js';
import { observeRequest } from './observability/http-observer.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createGatewayMetrics, type GatewayMetrics } from './observability/metrics.js';
import { serveMetricsPublicly, startMetricsListener, type MetricsAccessOptions } from './observability/metrics-route.js';
import { requestIdFrom } from './observability/request-id.js';
import { maskError } from './plugins/mask-errors.js';
import type { ResponseFreshness } from './response-cache/freshness.js';
import { ResponseCache, type ResponseCacheOptions } from './response-cache/response-cache.js';
import { responseCachePlugin } from './response-cache/response-cache-plugin.js';
import { apolloExecute } from './web/apollo-execute.js';
import { webRoutes } from './web/index.js';
import { nationalWebhooks, type NationalWebhooks, type NationalWebhooksOptions } from './webhooks/national-webhooks.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

export interface CouncilDirectoryEntry {
  name: string;
  fallbackUrl: string;
  collectsWaste: boolean;
  /** For the national service views' nation and tier filters (councilDirectoryOf gives them). */
  nation?: string;
  tier?: string;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** URLs of the remote subgraphs by name (directory, calendar); councils go through the router, national is in-process. */
  subgraphUrls: Record<string, string>;
  councilEndpoints: ReadonlyMap<string, CouncilEndpoint>;
  councilDirectory: ReadonlyMap<string, CouncilDirectoryEntry>;
  port?: number;
  host?: string;
  /** Introspection; when absent, on except in `production`. */
  introspection?: boolean;
  /**
   * Production error answers (npm start should pass NODE_ENV=production's): no "Did you mean …?" suggestions
   * and no internal names (error classes, socket errors, subgraphs, addresses) in any message. Off when absent.
   */
  production?: boolean;
  /** Per-council retries, circuit breakers, response size limit and the entity cache (see CouncilRouterOptions). */
  router?: CouncilRouterOptions;
  log?: (entry: Record<string, unknown>) => void;
  /** Structured JSON logger; one at level info writing to stdout when not given (npm start passes LOG_LEVEL's). */
  logger?: Logger;
  /** Depth, aliases, tokens, body size and councils per operation (defaults in limits/operation-limits.ts). */
  limits?: Partial<OperationLimits>;
  /** Token bucket per client (a verified API key, else IP) answering 429 with Retry-After; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** The issued API keys (limits/api-keys.ts); without it every client is its IP address. */
  apiKeys?: ApiKeyVerifier;
  /**
   * Prometheus metrics; `false` turns them off, `defaultMetrics: false` leaves out process metrics. GET
   * /metrics is for operators only: `port` serves it on a listener of its own, `bearerToken` on the public
   * one to `Authorization: Bearer <token>`; with neither the public /metrics answers 404.
   */
  metrics?: boolean | ({ defaultMetrics?: boolean } & MetricsAccessOptions);
  /** Which sites' pages may call /graphql from a browser; default any (`'*'`: an anonymous read-only graph, no credentials). */
  cors?: CorsOptions;
  /** Automatic persisted queries (short GET URLs): the bounded store's size; `false` turns APQ off. */
  persistedQueries?: PersistedQueryCacheOptions | false;
  /**
   * Keep the entity cache in Redis (e.g. redis://127.0.0.1:6379/0) so replicas share it; in memory when
   * absent (npm start passes BINFO_REDIS_URL). Ignored when `router.cache` is `false` or names its own store.
   */
  redisUrl?: string;
  /**
   * The whole-response cache for anonymous clients (gateway/response-cache/): identical operation and
   * variables answered from memory for at most `ttlSeconds` (<= 10, default 5). `false` turns it off, as
   * does `router.cache: false` (what BINFO_CACHE=off sets).
   */
  responseCache?: ResponseCacheOptions | false;
  /**
   * The councils proxy subgraph (gateway/councils-proxy/) to use for `councils` instead of the in-gateway
   * council router, e.g. http://127.0.0.1:4004/graphql (npm start passes BINFO_COUNCILS_URL).
   */
  councilsUrl?: string;
  /**
   * Memory for query plans, in MiB (Apollo Gateway's LRU, sized by each plan's JSON length); default 16
   * (npm start passes BINFO_QUERY_PLAN_CACHE_MIB). Plans of Binfo's operations are about 1 KB (the bin-day query's 0.9 KB, the
   * national disruptions view's 1.2 KB), so 16 MiB keeps some 15,000 distinct operations planned: every
   * operation real clients send (a few dozen; variables do not make new plans) survives any burst of one-off
   * ones, and a flood of unique operations cannot take more than 16 MiB.
   */
  queryPlanCacheMiB?: number;
  /**
   * Disruption events (gateway/events/): the national event log in SQLite at `dbPath` (npm start passes
   * BINFO_EVENTS_DB), GET /events (the national live stream), and the relay that follows each council stream
   * in the registry and drops that council's cached answers on every event. Off when absent.
   */
  events?: GatewayEventsOptions;
  /**
   * National webhooks (gateway/webhooks/): apps with an API key register at /webhooks and get every council's
   * events (or some councils') from the national event log, signed. Subscriptions in SQLite at `dbPath` (npm
   * start passes BINFO_WEBHOOKS_DB). Needs `events`. Off when absent.
   */
  webhooks?: NationalWebhooksOptions;
}

export interface RunningGateway extends RunningServer {
  graphqlUrl: string;
  /** The gateway's metrics; their Prometheus registry is also served at GET /metrics. */
  metrics?: GatewayMetrics;
  /** The whole-response cache, when on. */
  responseCache?: ResponseCache;
  /** The operators' metrics listener's URL, when `metrics.port` is set. */
  metricsUrl?: string;
  /** The national event log, relay and stream, when `events` is set. */
  events?: GatewayEvents;
  /** National webhook subscriptions and their deliverer, when `webhooks` is set. */
  webhooks?: NationalWebhooks;
  /** Stops serving the council's cached answers as fresh (the entity cache and the response cache): its data changed. */
  invalidateCouncil(councilCode: string): void;
}

/** Hide internals from clients (plugins/mask-errors.ts); kept here for the callers that import it from the server. */
export { maskError };

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  if (options.webhooks && !options.events) throw new Error('National webhooks are fed by the national event log: set `events` as well as `webhooks`.');
  const logger = options.logger ?? createLogger();
  const log = options.log ?? ((entry: Record<string, unknown>) => logger.error(entry, String(entry.msg ?? 'gateway error')));
  const limits = resolveOperationLimits(options.limits);
  const production = options.production ?? false;
  const metrics = options.metrics === false ? undefined : createGatewayMetrics(typeof options.metrics === 'object' ? options.metrics : {});
  const metricsAccess: MetricsAccessOptions = typeof options.metrics === 'object' ? options.metrics : {};
  const rateLimiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? {});
  const cors: CorsOptions = options.cors ?? { origins: '*' };
  const councilsUrl = options.councilsUrl;
  // With a councils proxy, `councils` is a plain remote subgraph and the router runs in the proxy's process.
  const built = councilsUrl
    ? undefined
    : buildCouncilRouter({ councilEndpoints: options.councilEndpoints, councilDirectory: options.councilDirectory, router: options.router, redisUrl: options.redisUrl, logger, metrics });
  const councils: GraphQLDataSource & CouncilEntityFetcher =
    built?.router ??
    new CouncilsProxyDataSource(councilsUrl!, { hasEndpoint: (code) => options.councilEndpoints.has(code), describe: (code) => options.councilDirectory.get(code) });
  // No entity cache (BINFO_CACHE=off: the cold path for bench/, or debugging freshness): no response cache either.
  const cachingOff = options.router?.cache === false || options.responseCache === false;
  const responseCache = cachingOff
    ? undefined
    : new ResponseCache(options.responseCache || {}, { endpointUrl: (code) => (councilsUrl ? undefined : options.councilEndpoints.get(code)?.url) });
  const invalidateCouncil = (councilCode: string) => {
    built?.router.invalidateCouncil(councilCode);
    responseCache?.invalidateCouncil(councilCode);
  };
  const trustProxy = options.rateLimit ? options.rateLimit.trustProxy : false;
  const events = options.events
    ? gatewayEvents(options.events, {
        endpoints: options.councilEndpoints,
        isCouncil: (code) => options.councilDirectory.has(code),
        invalidate: invalidateCouncil,
        cors,
        clientOf: (req) => identifyClient(req, trustProxy, options.apiKeys).id,
        logger: ({ level, msg, ...rest }) => logger[(level as 'info' | 'warn' | 'error' | 'debug') ?? 'info']?.(rest, String(msg ?? 'events')),
      })
    : undefined;
  // National webhooks, fed by the event log; they start delivering once the gateway listens.
  const webhookLog = ({ level, msg, ...rest }: Record<string, unknown>) => logger[(level as 'info' | 'warn' | 'error') ?? 'info']?.(rest, String(msg ?? 'webhooks'));
  const webhooks = options.webhooks && events ? nationalWebhooks(options.webhooks, events.log, webhookLog) : undefined;
  const webhookApi = webhooks
    ? webhookRoutes({ subscriptions: webhooks.subscriptions, apiKeys: options.apiKeys, isKnownCouncil: (code) => options.councilDirectory.has(code), log: webhookLog })
    : undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    experimental_approximateQueryPlanStoreMiB: options.queryPlanCacheMiB ?? 16,
    buildService: ({ name, url }): GraphQLDataSource => {
      if (name === 'councils') return councils;
      if (name === 'national') {
        return new LocalGraphQLDataSource(
          nationalSubgraphSchema({ councils, councilCodes: () => [...options.councilEndpoints.keys()], councilDirectory: options.councilDirectory }),
        );
      }
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      // undici's request over a keep-alive pool: much cheaper per call than make-fetch-happen or WHATWG fetch.
      return new RemoteGraphQLDataSource({ url: target, fetcher: subgraphFetcher() });
    },
  });
  const apollo = new ApolloServer<BaseContext>({
    gateway,
    // No CSRF prevention on the read graph: it is what lets browsers and urql send plain GETs. CSRF abuses
    // credentials a browser adds by itself (cookies, HTTP auth); this graph has none, it only reads, and an
    // API key is sent only by code that chose to send it, so a forged request can do nothing the forger
    // could not do directly. Where a credential can be abused (the council host) prevention stays on.
    csrfPrevention: false,
    persistedQueries: options.persistedQueries === false ? false : { cache: persistedQueryCache(options.persistedQueries) },
    introspection: options.introspection ?? !production,
    includeStacktraceInErrorResponses: false,
    // Production: no "Did you mean …?" in validation errors (maskError removes it from the rest).
    hideSchemaDetailsFromClientErrors: production,
    // Aliases that would make the gateway answer wrongly, refused as invalid documents (limits/reserved-aliases.ts).
    validationRules: [reservedAliasesRule(keyFieldsOf(options.supergraphSdl))],
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: (formatted, error) => {
      const masked = maskError(asTokenLimitError(codeApolloRefusal(formatted, error)), { production });
      // Internals stay in the server's log, with enough to debug; the client gets the masked error.
      if (masked.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) log({ level: 'error', msg: 'internal error', error: String(error), path: formatted.path });
      return masked;
    },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // First: the checks after it assume one resolved query operation.
      readGraphOperationsPlugin(),
      // Depth, aliases, Dates, list lengths and cost: all before any council is asked.
      operationLimitsPlugin(limits, { ownership: councilOwnershipOf(options.supergraphSdl), councilCount: () => options.councilEndpoints.size }),
      clientErrorStatusPlugin(),
      staleAnswersPlugin(),
      responseCachePlugin(),
    ],
  });
  await apollo.start();

  /** A fresh context per request, with the scope the council router reads and writes. */
  const contextFor = (requestId: string, freshness?: ResponseFreshness) => async () => {
    const context = {};
    bindRequestScope(context, { requestId, stale: new StaleAnswers(), fanOut: new CouncilFanOut(limits.maxCouncilsPerOperation), freshness });
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
      if (url.pathname === '/metrics' && metrics) return serveMetricsPublicly(req, res, metrics, metricsAccess);
      if (url.pathname === '/graphql') {
        applyCors(req, res, cors);
        if (req.method === 'OPTIONS') return answerPreflight(req, res, cors);
        const client = identifyClient(req, options.rateLimit ? options.rateLimit.trustProxy : false, options.apiKeys);
        observeRequest(req, res, { requestId, client: client.label, logger, metrics });
        if (rateLimiter && !rateLimiter.admit(client, res)) return;
        const edge = { bodyLimitBytes: limits.maxBodyBytes, specStatusForJson: true };
        if (responseCache?.accepts(req)) return responseCache.handle(req, res, apollo, (freshness) => contextFor(requestId, freshness), edge);
        return handleGraphQLRequest(apollo, req, res, contextFor(requestId), edge);
      }
      if (!url.pathname.startsWith('/assets/')) {
        const client = identifyClient(req, options.rateLimit ? options.rateLimit.trustProxy : false, options.apiKeys);
        if (rateLimiter && !rateLimiter.admit(client, res)) return;
      }
      if (events?.handle(req, res, url)) return;
      if (webhookApi && (await webhookApi(req, res, url))) return;
      if (await web(req, res, url)) return;
      sendJson(res, 404, { error: 'Not found. The national graph is at /graphql; the bin-day page is at /.' });
    },
    { port: options.port, host: options.host, onError: (error) => log({ level: 'error', msg: 'gateway request failed', error: String(error) }) },
  );
  const metricsListener = metrics ? await startMetricsListener(metrics, metricsAccess) : undefined;
  // Once listening: an event can now drop cached answers that requests are served from.
  events?.start();
  // What was queued, or logged while the gateway was down, is delivered from now on.
  webhooks?.start();
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    metrics,
    metricsUrl: metricsListener ? `${metricsListener.url}/metrics` : undefined,
    responseCache,
    events,
    webhooks,
    invalidateCouncil,
    close: async () => {
      // Before the event log closes: the deliverer reads it.
      await webhooks?.close();
      await events?.close();
      await running.close();
      await metricsListener?.close();
      await apollo.stop();
      await built?.close();
      responseCache?.clear();
    },
  };
}
