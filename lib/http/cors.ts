// CORS for a read-only, anonymous API (the national graph): any page, on any site, may read it with `fetch`.
// No credentials are ever allowed (no Access-Control-Allow-Credentials): the graph has no cookies, and an
// API key is sent only by code that chose to send it. Only for endpoints that do not write: never use this
// on the disruptions API, where a page on another site must not be able to act for a council.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { graphqlErrorBody, sendJson } from './apollo-handler.js';

export interface CorsOptions {
  /** `'*'` (any site; the default for the read graph) or the exact origins allowed, e.g. `https://www.reading.gov.uk`. */
  origins: '*' | readonly string[];
  /** How long a browser may reuse a preflight answer; default 7,200 s (Chromium's ceiling). */
  maxAgeSeconds?: number;
}

export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** What GraphQL clients send: Apollo Client, urql, graphql-request, and Binfo's own headers. */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-api-key',
  'x-request-id',
  // EventSource on reconnecting to the live stream (GET /events).
  'last-event-id',
].join(', ');
/** Response headers a page may read besides the simple ones. */
const EXPOSED_HEADERS = 'retry-after, x-request-id';

/** The origin to allow for this request, or undefined when it is not allowed. */
function allowedOrigin(options: CorsOptions, origin: string | undefined): string | undefined {
  if (options.origins === '*') return '*';
  return origin !== undefined && options.origins.includes(origin) ? origin : undefined;
}

/**
 * Sets the CORS headers of an actual response (before anything is written, so every answer of the route,
 * 429 and 413 included, carries them and the page can read why it was refused).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, options: CorsOptions): void {
  const allowed = allowedOrigin(options, req.headers.origin);
  // With a list the answer depends on the Origin: caches must keep one copy per origin.
  if (options.origins !== '*') res.setHeader('vary', 'Origin');
  if (!allowed) return;
  res.setHeader('access-control-allow-origin', allowed);
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
}

/** Answers a preflight (OPTIONS): 204 with what may be sent, or 403 with a coded error for an origin not allowed. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, options: CorsOptions): void {
  const allowed = allowedOrigin(options, req.headers.origin);
  const vary: Record<string, string> = options.origins === '*' ? {} : { vary: 'Origin' };
  if (!allowed) {
    return sendJson(res, 403, graphqlErrorBody(`The origin ${JSON.stringify(req.headers.origin ?? null)} may not call this graph from a browser.`, 'FORBIDDEN'), vary);
  }
  res.writeHead(204, {
    ...vary,
    'access-control-allow-origin': allowed,
    'access-control-allow-methods': CORS_ALLOWED_METHODS,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(options.maxAgeSeconds ?? 7200),
    'content-length': '0',
  });
  res.end();
}
