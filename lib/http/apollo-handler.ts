// The GraphQL-over-HTTP edge, written once for every Binfo server on plain node:http (the gateway and its
// response cache, the councils proxy, the council host and the other subgraphs): reading a body within a
// limit (413 PAYLOAD_TOO_LARGE), parsing JSON (400 BAD_REQUEST), request headers as Apollo's HeaderMap,
// running Apollo Server's own pipeline, and writing its answer. Every refusal is a GraphQL-shaped JSON body
// with `extensions.code` and a sentence a person understands.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';

export class RequestBodyTooLarge extends Error {}

/** Codes of the refusals the edge makes itself, before any GraphQL work. */
export const EdgeErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;

/** An answer the edge gives instead of running the request. */
export interface Refusal {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * The request body as text, at most `limitBytes`. With events rather than an async iterator: the response
 * cache's hit path is mostly this. Past the limit the rest is drained (so the 413 can be read by the client)
 * and RequestBodyTooLarge is thrown.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.resume();
        reject(new RequestBodyTooLarge(`Request body is larger than ${limitBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function graphqlErrorBody(message: string, code: string): unknown {
  return { errors: [{ message, extensions: { code } }] };
}

export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  sendJson(res, refusal.status, refusal.body, refusal.headers);
}

/** A JSON body within the limit, or the refusal to send: 413 when too large, 400 when not JSON. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<{ body: unknown; text: string } | { refusal: Refusal }> {
  let text: string;
  try {
    text = await readBody(req, limitBytes);
  } catch (error) {
    if (error instanceof RequestBodyTooLarge) return { refusal: { status: 413, body: graphqlErrorBody(error.message, EdgeErrorCode.PAYLOAD_TOO_LARGE) } };
    throw error;
  }
  try {
    return { body: text.length ? JSON.parse(text) : undefined, text };
  } catch {
    return { refusal: { status: 400, body: graphqlErrorBody('The request body is not valid JSON.', EdgeErrorCode.BAD_REQUEST) } };
  }
}

/** Node's request headers as Apollo's HeaderMap (repeated headers joined, as HTTP allows). */
export function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * The request as Apollo Server takes it: a POST's body read within the limit and parsed when it says it is
 * JSON (any other body is passed as text, which Apollo refuses with a 400 of its own); a GET's query string.
 * `text` is the body as sent, for callers that key on it (the response cache).
 */
export async function readGraphQLRequest(
  req: IncomingMessage,
  options: { bodyLimitBytes: number },
): Promise<{ request: HTTPGraphQLRequest; text: string | undefined } | { refusal: Refusal }> {
  const headers = headerMapOf(req);
  const method = req.method ?? 'GET';
  const search = searchOf(req.url);
  if (method !== 'POST') return { request: { method, headers, search, body: undefined }, text: undefined };
  if ((headers.get('content-type') ?? '').includes('application/json')) {
    const read = await readJsonBody(req, options.bodyLimitBytes);
    if ('refusal' in read) return read;
    return { request: { method, headers, search, body: read.body }, text: read.text };
  }
  try {
    const text = await readBody(req, options.bodyLimitBytes);
    return { request: { method, headers, search, body: text }, text };
  } catch (error) {
    if (error instanceof RequestBodyTooLarge) return { refusal: { status: 413, body: graphqlErrorBody(error.message, EdgeErrorCode.PAYLOAD_TOO_LARGE) } };
    throw error;
  }
}

function searchOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 ? '' : url!.slice(at);
}

export interface EdgeOptions {
  bodyLimitBytes?: number;
  /**
   * The GraphQL-over-HTTP spec's status codes for `application/json`: a client that negotiates only
   * `application/json` gets 200 for a well-formed request that fails as GraphQL (parse, validation,
   * variables, operation), as legacy clients expect; with `application/graphql-response+json`, `*` or no
   * Accept the 4xx stays. Off by default (the subgraphs answer the gateway, which reads the 4xx).
   */
  specStatusForJson?: boolean;
}

/** A whole answer, ready to write or to keep (the response cache keeps these bytes). */
export interface CollectedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The answer came in parts (incremental delivery): never to be reused. */
  streamed: boolean;
}

/** Runs one request through Apollo Server's pipeline (CSRF prevention when on, parsing, plugins, errors). */
export async function executeGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  request: HTTPGraphQLRequest,
  context: ContextThunk<TContext>,
  options: Pick<EdgeOptions, 'specStatusForJson'> = {},
): Promise<HTTPGraphQLResponse> {
  const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context });
  if (options.specStatusForJson) applySpecStatusForJson(request, response);
  return response;
}

/** Apollo's answer gathered into one buffer. */
export async function collectResponse(response: HTTPGraphQLResponse): Promise<CollectedResponse> {
  let text: string;
  let streamed = false;
  if (response.body.kind === 'complete') text = response.body.string;
  else {
    text = '';
    for await (const chunk of response.body.asyncIterator) text += chunk;
    streamed = true;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  return { status: response.status ?? 200, headers, body: Buffer.from(text, 'utf8'), streamed };
}

/** Writes Apollo's answer as it comes (a chunked one part by part). */
export async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  res.writeHead(response.status ?? 200, headers);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/** Reads, runs and answers one GraphQL request. */
export async function handleGraphQLRequest<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: ContextThunk<TContext>,
  options: EdgeOptions = {},
): Promise<void> {
  const read = await readGraphQLRequest(req, { bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000 });
  if ('refusal' in read) return sendRefusal(res, read.refusal);
  await writeResponse(res, await executeGraphQL(server, read.request, context, options));
}

/**
 * Whether the client asked for `application/json` by name and for nothing the spec prefers: no
 * `application/graphql-response+json`, no `*\/*` or `application/*` (which Apollo also answers as JSON).
 */
export function negotiatesOnlyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  return types.includes('application/json') && !types.some((type) => type === 'application/graphql-response+json' || type === '*/*' || type === 'application/*');
}

/** Errors of the HTTP request itself (not JSON, no query, wrong method): 4xx whatever the media type. */
const MALFORMED_REQUEST_CODES = new Set<unknown>([EdgeErrorCode.BAD_REQUEST, EdgeErrorCode.PAYLOAD_TOO_LARGE]);

function applySpecStatusForJson(request: HTTPGraphQLRequest, response: HTTPGraphQLResponse): void {
  if (response.status !== 400 || response.body.kind !== 'complete') return;
  if (!response.headers.get('content-type')?.startsWith('application/json')) return;
  if (!negotiatesOnlyJson(request.headers.get('accept'))) return;
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
  try {
    body = JSON.parse(response.body.string);
  } catch {
    return;
  }
  if (!body.errors?.length || body.errors.some((error) => MALFORMED_REQUEST_CODES.has(error.extensions?.code))) return;
  response.status = 200;
}
