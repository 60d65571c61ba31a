// GET /metrics, for operators only. The series name every council, its failures and the traffic: useful to
// someone probing the service, so they are never public. Either a separate listener that only the operator
// can reach (`port`, bound to loopback unless told otherwise), or a bearer token on the public listener
// (`bearerToken`), or both. With neither, the public listener answers 404 and the metrics are still kept
// (RunningGateway.metrics) for whoever embeds the gateway.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { graphqlErrorBody, sendJson } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import type { GatewayMetrics } from './metrics.js';

export interface MetricsAccessOptions {
  /** Serve GET /metrics on the public listener to requests with `Authorization: Bearer <this token>`. */
  bearerToken?: string;
  /** Serve GET /metrics on a listener of its own at this port (0: any free port). */
  port?: number;
  /** The metrics listener's address; default 127.0.0.1. */
  host?: string;
}

/** Compares in constant time (hashes first, so the lengths match) so timing says nothing about a guess. */
function sameToken(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

async function writeMetrics(res: ServerResponse, metrics: GatewayMetrics): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
  res.end(text);
}

/** Answers GET /metrics on the public listener: 404 without a token configured, 401 without the right one. */
export async function serveMetricsPublicly(req: IncomingMessage, res: ServerResponse, metrics: GatewayMetrics, access: MetricsAccessOptions): Promise<void> {
  if (!access.bearerToken) {
    return sendJson(res, 404, graphqlErrorBody('Not found. Metrics are served to operators only.', 'NOT_FOUND'));
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!bearer || !sameToken(bearer[1], access.bearerToken)) {
    return sendJson(res, 401, graphqlErrorBody('Metrics need the operators\' token: send "Authorization: Bearer <token>".', 'UNAUTHENTICATED'), {
      'www-authenticate': 'Bearer realm="binfo-metrics"',
    });
  }
  await writeMetrics(res, metrics);
}

/** The operators' own listener, when a port is configured: GET /metrics (with the token check when one is set). */
export async function startMetricsListener(metrics: GatewayMetrics, access: MetricsAccessOptions): Promise<RunningServer | undefined> {
  if (access.port === undefined) return undefined;
  return listen(
    async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/metrics') return sendJson(res, 404, graphqlErrorBody('Not found. Metrics are at /metrics.', 'NOT_FOUND'));
      if (access.bearerToken) return serveMetricsPublicly(req, res, metrics, access);
      await writeMetrics(res, metrics);
    },
    { port: access.port, host: access.host ?? '127.0.0.1' },
  );
}
