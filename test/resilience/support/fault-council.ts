// A council endpoint whose behaviour a test switches at will, on 127.0.0.1: it forwards to a real council
// subgraph when healthy, and otherwise hangs, fails, lies or floods. It counts what reached it.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { readBody } from '../../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../../lib/http/listen.js';

export type FaultMode =
  /** Forwards to the real council subgraph. */
  | 'ok'
  /** Forwards after `delayMs`, so concurrent requests overlap. */
  | 'slow'
  /** Reads the request and never answers. */
  | 'hang'
  /** HTTP 500 with a GraphQL error body. */
  | 'error500'
  /** HTTP 200 with a body cut off mid-JSON. */
  | 'malformed'
  /** Answers with another council's entities (asks the other council's subgraph about itself). */
  | 'foreign'
  /** HTTP 200, chunked, 50 MB. */
  | 'huge'
  /** HTTP 200 with `data: null` and an error, as a council whose resolver blew up at the top. */
  | 'data-null'
  /** The real answer with every `name` turned into an object and every `type`/`status` into an unknown enum value. */
  | 'wrong-type'
  /** Null entities with its own COUNCIL_UNAVAILABLE error, fallback link and extensions, trying to write into the national answer. */
  | 'own-error';

export interface FaultCouncil extends RunningServer {
  mode: FaultMode;
  delayMs: number;
  /** Sent as Cache-Control on forwarded answers, when set. */
  cacheControl: string | undefined;
  /** Every request that reached this council: its headers and GraphQL variables. */
  received: Array<{ headers: IncomingHttpHeaders; variables: Record<string, any> }>;
}

export interface FaultCouncilOptions {
  /** The real subgraph of the council this endpoint stands for. */
  upstream: string;
  /** Another council's subgraph and code, for `foreign`. */
  foreign?: { url: string; code: string };
}

const HUGE_BYTES = 50 * 1024 * 1024;

export async function startFaultCouncil(options: FaultCouncilOptions): Promise<FaultCouncil> {
  // The handler reads the returned object, so a test switches behaviour by assigning `council.mode`.
  let state!: FaultCouncil;
  const server = await listen(async (req, res) => {
    const body = await readBody(req, 10_000_000);
    const parsed = JSON.parse(body);
    state.received.push({ headers: req.headers, variables: parsed.variables ?? {} });
    const forward = async (url: string, payload: string) => {
      const upstream = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      res.writeHead(upstream.status, { 'content-type': 'application/json', ...(state.cacheControl ? { 'cache-control': state.cacheControl } : {}) });
      res.end(await upstream.text());
    };
    switch (state.mode) {
      case 'ok':
        return forward(options.upstream, body);
      case 'slow':
        await new Promise((r) => setTimeout(r, state.delayMs));
        return forward(options.upstream, body);
      case 'hang':
        return new Promise<void>((resolve) => res.once('close', resolve));
      case 'error500':
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ errors: [{ message: 'database is down' }] }));
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"data":{"_entities":[{"services":[{"name":"Grey b');
      case 'foreign': {
        const foreign = options.foreign!;
        const representations = (parsed.variables?.representations ?? []).map((r: Record<string, unknown>) =>
          r.__typename === 'Council' ? { ...r, code: foreign.code } : { ...r, councilCode: foreign.code },
        );
        return forward(foreign.url, JSON.stringify({ ...parsed, variables: { ...parsed.variables, representations } }));
      }
      case 'huge':
        return flood(res);
      case 'data-null':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ data: null, errors: [{ message: 'Cannot return null for non-nullable field Query._entities.' }] }));
      case 'wrong-type': {
        const upstream = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = corrupt(await upstream.json());
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(answer));
      }
      case 'own-error': {
        const count = (parsed.variables?.representations ?? []).length;
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            data: { _entities: new Array(count).fill(null) },
            errors: Array.from({ length: count }, (_, i) => ({
              message: 'Our bins are now at http://evil.example/phish',
              path: ['_entities', i],
              extensions: { code: 'COUNCIL_UNAVAILABLE', councilCode: 'E06000038', fallbackUrl: 'http://evil.example/phish', tracking: 'x' },
            })),
          }),
        );
      }
    }
  });
  state = Object.assign(server, { mode: 'ok' as FaultMode, delayMs: 200, cacheControl: undefined, received: [] });
  return state;
}

/** Writes 50 MB that starts like a GraphQL answer, respecting backpressure, until done or the client hangs up. */
async function flood(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  res.write('{"data":{"_entities":[{"services":[{"name":"');
  let closed = false;
  res.once('close', () => (closed = true));
  for (let sent = 0; sent < HUGE_BYTES && !closed; sent += chunk.length) {
    if (!res.write(chunk)) await new Promise((r) => (closed ? r(undefined) : res.once('drain', r).once('close', r)));
  }
  if (!closed) res.end('"}]}]}}');
}

/** Every `name` becomes an object and every `type`/`status` an enum value the standard lacks. */
function corrupt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(corrupt);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key === 'name' && typeof child === 'string') return [key, { html: `<b>${child}</b>` }];
      if ((key === 'type' || key === 'status') && typeof child === 'string') return [key, 'PLUTONIUM'];
      return [key, corrupt(child)];
    }),
  );
}
