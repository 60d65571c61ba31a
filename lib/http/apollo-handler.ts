// Serve an ApolloServer from a plain node:http server, so one process can route many paths
// (one per council) and add /health, /ready and friends without a web framework.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';

export class RequestBodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new RequestBodyTooLarge(`Request body is larger than ${limitBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function graphqlErrorBody(message: string, code: string): unknown {
  return { errors: [{ message, extensions: { code } }] };
}

export interface ApolloHandlerOptions {
  bodyLimitBytes?: number;
}

/** Runs one HTTP request through Apollo Server's own pipeline (CSRF prevention, parsing, errors). */
export async function handleGraphQLRequest<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: ContextThunk<TContext>,
  options: ApolloHandlerOptions = {},
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = undefined;
  if (req.method === 'POST') {
    let text: string;
    try {
      text = await readBody(req, options.bodyLimitBytes ?? 1_000_000);
    } catch (error) {
      if (error instanceof RequestBodyTooLarge) {
        sendJson(res, 413, graphqlErrorBody(error.message, 'PAYLOAD_TOO_LARGE'));
        return;
      }
      throw error;
    }
    const contentType = headers.get('content-type') ?? '';
    if (contentType.includes('application/json')) {
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        sendJson(res, 400, graphqlErrorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
        return;
      }
    } else {
      body = text;
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context,
  });
  const outHeaders: Record<string, string> = {};
  for (const [key, value] of response.headers) outHeaders[key] = value;
  res.writeHead(response.status ?? 200, outHeaders);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}
