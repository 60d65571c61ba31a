// Prometheus metrics of one gateway, served at GET /metrics. Each gateway has its own registry, so several
// can run in one process (tests, the soak benchmark) without mixing their series.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CircuitStateName } from '../resilience/council-policies.js';

/** Gauge values of `binfo_council_circuit_state`. */
export const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = { closed: 0, open: 1, half_open: 2 };

export function createGatewayMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  // Process memory, CPU and event-loop lag, as `binfo_gateway_process_*` and friends.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'binfo_gateway_' });
  return {
    registry,
    councilRequestDuration: new Histogram({
      name: 'binfo_council_request_duration_seconds',
      help: 'Time of each HTTP request to a council (each retry is one), by council and outcome.',
      labelNames: ['council', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    }),
    councilErrors: new Counter({
      name: 'binfo_council_errors_total',
      help: 'Council fetches that failed after retries, or whose answer was partly refused, by council and reason.',
      labelNames: ['council', 'reason'] as const,
      registers,
    }),
    councilRetries: new Counter({ name: 'binfo_council_retries_total', help: 'Retried council requests, by council.', labelNames: ['council'] as const, registers }),
    circuitState: new Gauge({
      name: 'binfo_council_circuit_state',
      help: 'Circuit breaker state per council: 0 closed, 1 open (not asked), 2 half-open (one test request).',
      labelNames: ['council'] as const,
      registers,
    }),
    cacheHits: new Counter({ name: 'binfo_entity_cache_hits_total', help: 'Entities served fresh from the entity cache, by council.', labelNames: ['council'] as const, registers }),
    cacheMisses: new Counter({ name: 'binfo_entity_cache_misses_total', help: 'Entities asked of their council, by council.', labelNames: ['council'] as const, registers }),
    staleServed: new Counter({
      name: 'binfo_entity_cache_stale_served_total',
      help: 'Entities served stale from the cache because their council failed, by council.',
      labelNames: ['council'] as const,
      registers,
    }),
    httpInFlight: new Gauge({ name: 'binfo_http_requests_in_flight', help: 'GraphQL requests being answered now.', registers }),
    httpRequests: new Counter({ name: 'binfo_http_requests_total', help: 'GraphQL requests answered, by HTTP status.', labelNames: ['status'] as const, registers }),
    httpDuration: new Histogram({
      name: 'binfo_http_request_duration_seconds',
      help: 'Time to answer a GraphQL request.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    rateLimited: new Counter({ name: 'binfo_rate_limited_total', help: 'Requests refused with 429 by the rate limiter.', registers }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
