// One HTTP request to one council's subgraph, and what can go wrong with it, named.
// Everything a council sends is untrusted: its size is capped while streaming, its JSON is checked to be a
// GraphQL response, and each failure gets a reason (for metrics and logs) and says whether a retry may help.
import type { Dispatcher } from 'undici';
import { Agent, request as httpRequest } from 'undici';
import type { CouncilEndpoint } from '../council-registry.js';

/** Why a council fetch failed. Stable strings: they label the `binfo_council_errors_total` metric. */
export type CouncilFailureReason =
  | 'timeout'
  | 'refused'
  | 'network'
  | 'http_status'
  | 'malformed'
  | 'invalid_answer'
  | 'too_large'
  | 'circuit_open'
  | 'wrong_council';

/** What clients are told of each reason. Fixed sentences: details (which may quote the council) stay in the logs. */
const PUBLIC_REASONS: Record<CouncilFailureReason, string> = {
  timeout: 'it did not answer in time',
  refused: 'it could not be reached',
  network: 'it could not be reached',
  http_status: 'it answered with an error',
  malformed: 'its answer does not follow the Binfo standard',
  invalid_answer: 'its answer does not follow the Binfo standard',
  too_large: 'its answer was too large',
  circuit_open: 'it failed repeatedly, so Binfo is not asking it for a short while',
  wrong_council: "it answered with another council's data",
};

export function publicReason(reason: CouncilFailureReason): string {
  return PUBLIC_REASONS[reason];
}

export class CouncilFailure extends Error {
  constructor(
    readonly reason: CouncilFailureReason,
    /** For logs: what exactly went wrong, possibly quoting the council. Never shown to clients. */
    message: string,
    /** True when the same request could succeed a moment later (a refused connection, a 503). */
    readonly retryable: boolean,
    /**
     * False when the council refused what it was sent (HTTP 4xx): that follows from the request, so it must
     * not count toward the council's circuit breaker (a client could otherwise switch a council off for all).
     */
    readonly countsAgainstCouncil = true,
  ) {
    super(message);
    this.name = 'CouncilFailure';
  }
}

/**
 * How the router reaches councils: HTTP by default; tests give a fake, so the router's breaker, retry, cache
 * and stale-if-error are tested without ports.
 */
export interface CouncilTransport {
  send(endpoint: CouncilEndpoint, request: CouncilRequest): Promise<CouncilAnswer>;
  close(): Promise<void>;
}

export interface HttpTransportOptions {
  /** Keep-alive connections per council origin. */
  connectionsPerOrigin?: number;
  keepAliveMs?: number;
}

export function httpCouncilTransport(options: HttpTransportOptions = {}): CouncilTransport {
  const agent = new Agent({ keepAliveTimeout: options.keepAliveMs ?? 30_000, connections: options.connectionsPerOrigin ?? 32, pipelining: 1 });
  return {
    send: (endpoint, request) => postToCouncil(agent, endpoint, request),
    close: () => agent.close(),
  };
}

export interface CouncilAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The council's `Cache-Control` header, which sets how long its entities are cached. */
  cacheControl: string | undefined;
}

export interface CouncilRequest {
  payload: unknown;
  requestId: string | undefined;
  /** Aborts the request when the fetch's deadline passes. */
  signal: AbortSignal;
  timeoutMs: number;
  maxResponseBytes: number;
}

export async function postToCouncil(dispatcher: Dispatcher, endpoint: CouncilEndpoint, options: CouncilRequest): Promise<CouncilAnswer> {
  try {
    return await post(dispatcher, endpoint, options);
  } catch (error) {
    throw asCouncilFailure(error, options);
  }
}

async function post(dispatcher: Dispatcher, endpoint: CouncilEndpoint, options: CouncilRequest): Promise<CouncilAnswer> {
  const response = await httpRequest(endpoint.url, {
    method: 'POST',
    dispatcher,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
    },
    body: JSON.stringify(options.payload),
    signal: options.signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const limit = options.maxResponseBytes;
  const declared = Number(response.headers['content-length']);
  if (declared > limit) {
    response.body.destroy();
    throw new CouncilFailure('too_large', `its response of ${declared} bytes is over the ${limit}-byte limit`, false);
  }
  const text = await readLimited(response.body, limit);
  const cacheControl = response.headers['cache-control'];
  return councilAnswerFrom(response.statusCode, text, Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl);
}

/**
 * What an HTTP answer from a council comes to: a GraphQL response, or a CouncilFailure that says whether a
 * retry may help and whether it is the council's fault. Pure, so a test transport interprets its answers
 * exactly as the HTTP one does.
 */
export function councilAnswerFrom(status: number, text: string, cacheControl: string | undefined): CouncilAnswer {
  // A 4xx means it refused what it was sent, and would again: the request's doing (a client's query may
  // cause it), so it does not count toward the council's breaker.
  const councilsFault = status < 400 || status >= 500;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CouncilFailure('malformed', `it answered HTTP ${status} with a body that is not JSON`, status >= 500, councilsFault);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new CouncilFailure('malformed', `it answered HTTP ${status} with JSON that is not a GraphQL response`, false, councilsFault);
  }
  if (!councilsFault) throw new CouncilFailure('http_status', `it answered HTTP ${status}${firstErrorMessage(body)}`, false, false);
  if (status >= 500 || !('data' in body)) {
    // 5xx is the council's trouble and may pass; a 2xx without data is not a GraphQL answer.
    throw new CouncilFailure(status >= 500 ? 'http_status' : 'malformed', `it answered HTTP ${status}${firstErrorMessage(body)}`, status >= 500);
  }
  return { status, body: body as Record<string, unknown>, cacheControl };
}

/**
 * The body as text, with a running count rather than trusting Content-Length (a chunked answer has none).
 * With events, not an async iterator: in a national fan-out this runs ~361 times per client request.
 */
function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        reject(new CouncilFailure('too_large', `its response is over the ${limit}-byte limit`, false));
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    body.on('error', reject);
  });
}

function firstErrorMessage(body: object): string {
  const errors = (body as { errors?: Array<{ message?: unknown }> }).errors;
  const message = Array.isArray(errors) ? errors[0]?.message : undefined;
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}

function asCouncilFailure(error: unknown, options: CouncilRequest): CouncilFailure {
  if (error instanceof CouncilFailure) return error;
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string }).code;
  // Whatever undici calls it, an error after our deadline fired is the deadline's doing.
  if (options.signal.aborted || name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new CouncilFailure('timeout', `it did not answer within ${options.timeoutMs} ms`, false);
  }
  if (code === 'ECONNREFUSED') return new CouncilFailure('refused', 'its service refused the connection', true);
  return new CouncilFailure('network', `the request failed (${code ?? name ?? 'unknown error'})`, true);
}
