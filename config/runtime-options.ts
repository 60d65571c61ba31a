// From the validated configuration to the options each part takes. The parts keep their own plain
// defaults; this is the one place that decides which settings reach which part.
import { availableParallelism } from 'node:os';
import type { CouncilsProxyOptions } from '../gateway/councils-proxy/server.js';
import type { Logger } from '../gateway/observability/logger.js';
import type { GatewayOptions } from '../gateway/server.js';
import { httpWebhookTransport, type WebhookTransport } from '../lib/webhooks/transport.js';
import type { Config } from './config.js';

/** The gateway's settings (npm start, `npm start -- gateway`). */
export function gatewayOptionsFrom(config: Config, logger: Logger): Partial<GatewayOptions> {
  const cachingOff = config.cache === 'off';
  return {
    logger,
    // NODE_ENV=production: no introspection, no "Did you mean" suggestions, no internal names in errors.
    production: config.nodeEnv === 'production',
    introspection: config.nodeEnv !== 'production',
    councilsUrl: config.councilsUrl,
    redisUrl: config.redisUrl,
    queryPlanCacheMiB: config.queryPlanCacheMiB,
    events: { dbPath: config.eventsDb },
    webhooks: { dbPath: config.webhooksDb, deliverer: { transport: httpWebhookTransport({ targets: config.webhookTargets }) } },
    cors: { origins: config.corsOrigins },
    ...(config.trustProxy ? { rateLimit: { trustProxy: true } } : {}),
    metrics: { bearerToken: config.metricsToken, port: config.metricsPort },
    // BINFO_CACHE=off: neither the entity cache nor the response cache.
    responseCache: cachingOff ? false : { ttlSeconds: config.responseCacheTtlSeconds },
    ...(cachingOff ? { router: { cache: false } } : {}),
  };
}

/** The council host's webhook deliverer (npm start, `npm start -- councils`). */
export function councilHostWebhooksFrom(config: Config): { transport: WebhookTransport } {
  return { transport: httpWebhookTransport({ targets: config.webhookTargets }) };
}

/** The councils proxy's settings (`npm start -- councils-proxy`). */
export function councilsProxyOptionsFrom(config: Config, logger: Logger): Partial<CouncilsProxyOptions> {
  return {
    logger,
    redisUrl: config.redisUrl,
    ...(config.cache === 'off' ? { router: { cache: false } } : {}),
  };
}

/** BINFO_WORKERS as a number of processes: `auto` is one per core. */
export function workerCountFrom(config: Config): number {
  return config.workers === 'auto' ? availableParallelism() : config.workers;
}
