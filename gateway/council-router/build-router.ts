// The council router as the gateway and the councils proxy both run it: the registry lookups, the entity
// cache (in Redis when `redisUrl` says so, shared between replicas and processes), and
// the metrics and log lines of every council request.
import type { EntityCache } from '../cache/entity-cache.js';
import { RedisEntityCache } from '../cache/redis-entity-cache.js';
import type { CouncilEndpoint } from '../council-registry.js';
import { both, councilObservers } from '../observability/council-observers.js';
import { throttled, type Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { CouncilRouterDataSource, type CouncilRouterOptions } from './council-router-data-source.js';

export interface CouncilDescription {
  name: string;
  fallbackUrl: string;
  collectsWaste: boolean;
}

export interface BuildRouterOptions {
  councilEndpoints: ReadonlyMap<string, CouncilEndpoint>;
  councilDirectory: ReadonlyMap<string, CouncilDescription>;
  router?: CouncilRouterOptions;
  /** Ignored when `router.cache` is `false` or names its own store. */
  redisUrl?: string;
  logger: Logger;
  metrics?: GatewayMetrics;
}

export interface BuiltRouter {
  router: CouncilRouterDataSource;
  /** Closes the router and the Redis connection it opened. */
  close(): Promise<void>;
}

export function buildCouncilRouter(options: BuildRouterOptions): BuiltRouter {
  const routerOptions: CouncilRouterOptions = { ...options.router };
  const redis = sharedCache(routerOptions, options.redisUrl, options.logger);
  const router = new CouncilRouterDataSource(
    {
      endpoint: (code) => options.councilEndpoints.get(code),
      describe: (code) => options.councilDirectory.get(code),
    },
    withObservers(withCacheStore(routerOptions, redis), councilObservers(options.metrics, options.logger)),
  );
  return {
    router,
    close: async () => {
      await router.close();
      await redis?.close();
    },
  };
}

/** The Redis entity cache, when one is asked for and the router does not bring its own store. */
function sharedCache(router: CouncilRouterOptions, url: string | undefined, logger: Logger): RedisEntityCache | undefined {
  if (!url || router.cache === false || router.cache?.store) return undefined;
  return new RedisEntityCache({ url, onError: throttled((message, error) => logger.warn({ err: error }, `entity cache (Redis): ${message}`)) });
}

function withCacheStore(router: CouncilRouterOptions, store: EntityCache | undefined): CouncilRouterOptions {
  if (!store || router.cache === false) return router;
  return { ...router, cache: { ...router.cache, store } };
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
