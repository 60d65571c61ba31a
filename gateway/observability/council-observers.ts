// Turns the council router's events into metrics and log lines. Kept apart from the router, which knows
// nothing of Prometheus or pino, and from the metric definitions.
import type { CouncilRouterOptions } from '../council-router/council-router-data-source.js';
import type { Logger } from './logger.js';
import { CIRCUIT_STATE_VALUE, type GatewayMetrics } from './metrics.js';

type RouterEvents = Pick<CouncilRouterOptions, 'onCouncilRequest' | 'onCouncilFailure' | 'onCacheLookup' | 'onCircuitStateChange' | 'onRetry'>;

export function councilObservers(metrics: GatewayMetrics | undefined, logger: Logger): RouterEvents {
  const seen = new Set<string>();
  return {
    onCouncilRequest: ({ councilCode, durationMs, ok }) => {
      metrics?.councilRequestDuration.observe({ council: councilCode, outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
    },
    onCouncilFailure: ({ councilCode, reason, message, requestId, servedStale }) => {
      metrics?.councilErrors.inc({ council: councilCode, reason });
      // While a circuit is open every request fails the same way: the state change is the news, not each request.
      const level = reason === 'circuit_open' ? 'debug' : 'warn';
      logger[level]({ requestId, councilCode, reason, servedStale }, `council ${councilCode} failed: ${message}`);
    },
    onCacheLookup: ({ councilCode, hits, misses, staleServed }) => {
      if (!metrics) return;
      if (hits) metrics.cacheHits.inc({ council: councilCode }, hits);
      if (misses) metrics.cacheMisses.inc({ council: councilCode }, misses);
      if (staleServed) metrics.staleServed.inc({ council: councilCode }, staleServed);
    },
    onCircuitStateChange: (councilCode, state) => {
      metrics?.circuitState.set({ council: councilCode }, CIRCUIT_STATE_VALUE[state]);
      if (!seen.has(councilCode)) {
        seen.add(councilCode); // the breaker was just made, closed: nothing to tell
        if (state === 'closed') return;
      }
      logger[state === 'open' ? 'warn' : 'info']({ councilCode, circuit: state }, `circuit for council ${councilCode} is ${state.replace('_', '-')}`);
    },
    onRetry: (councilCode) => {
      metrics?.councilRetries.inc({ council: councilCode });
    },
  };
}

/** Calls both handlers: the gateway's observers and any the caller passed in the router options. */
export function both<A extends unknown[]>(first: ((...args: A) => void) | undefined, second: ((...args: A) => void) | undefined): ((...args: A) => void) | undefined {
  if (!first) return second;
  if (!second) return first;
  return (...args) => {
    first(...args);
    second(...args);
  };
}
