// The fetcher the gateway's RemoteGraphQLDataSources use (directory, calendar, and the councils proxy when
// the router runs as its own process): undici's `request` over a keep-alive pool, answering with the few
// members of a fetch Response that RemoteGraphQLDataSource reads. The profile of the cold path showed
// undici's WHATWG `fetch` (web streams, a tee of every body, an AbortSignal per call) as the gateway's
// largest single cost after GraphQL itself; this does the same HTTP with none of that.
import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, request, type Dispatcher } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface SubgraphFetcherOptions {
  /** The pool; one shared keep-alive Agent when not given. */
  dispatcher?: Dispatcher;
  /** Headers and body must arrive within this (ms); default 30 s, as a subgraph call has no other deadline. */
  timeoutMs?: number;
}

let sharedAgent: Agent | undefined;

/** One keep-alive pool per process for the gateway's own subgraphs (a few origins, many requests). */
export function subgraphAgent(): Agent {
  return (sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 }));
}

export function subgraphFetcher(options: SubgraphFetcherOptions = {}): Fetcher {
  const dispatcher = options.dispatcher ?? subgraphAgent();
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const response = await request(url, {
      method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init?.headers as Record<string, string> | undefined,
      body: init?.body as string | undefined,
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    return leanResponse(url, response.statusCode, response.headers, text);
  };
}

/** What RemoteGraphQLDataSource reads of a response: ok, status, statusText, url, headers.get, json(), text(). */
function leanResponse(url: string, status: number, raw: Record<string, string | string[] | undefined>, text: string): FetcherResponse {
  const get = (name: string): string | null => {
    const value = raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  const headers = {
    get,
    has: (name: string) => get(name) !== null,
    forEach: (callback: (value: string, key: string) => void) => {
      for (const key of Object.keys(raw)) callback(get(key)!, key);
    },
    *[Symbol.iterator]() {
      for (const key of Object.keys(raw)) yield [key, get(key)!] as [string, string];
    },
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    redirected: false,
    headers,
    json: async () => JSON.parse(text),
    text: async () => text,
    clone() {
      return leanResponse(url, status, raw, text);
    },
  } as unknown as FetcherResponse;
}
