// One GraphQL request as operators see it: counted in flight while it runs, then one log line and the
// request metrics when the response has gone (or the client went away).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';

export function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: { requestId: string; client: string; logger: Logger; metrics: GatewayMetrics | undefined },
): void {
  const started = performance.now();
  context.metrics?.httpInFlight.inc();
  res.once('close', () => {
    const seconds = (performance.now() - started) / 1000;
    const status = res.headersSent ? res.statusCode : 0; // 0: the client left before an answer
    context.metrics?.httpInFlight.dec();
    context.metrics?.httpRequests.inc({ status: String(status) });
    context.metrics?.httpDuration.observe(seconds);
    if (status === 429) context.metrics?.rateLimited.inc();
    context.logger.info(
      { requestId: context.requestId, client: context.client, method: req.method, path: req.url?.split('?')[0], status, durationMs: Math.round(seconds * 1000) },
      'graphql request',
    );
  });
}
