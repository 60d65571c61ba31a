// How the export talks to a national graph: POST a query, read the JSON answer (4xx answers are GraphQL
// errors to record, not crashes), and wait out a rate limit (429 with Retry-After) instead of failing,
// since a whole-country snapshot sends hundreds of requests and a shared gateway allows ten a second.
export interface GraphQLAnswer {
  data?: any;
  errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

export type Execute = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLAnswer>;

export interface GatewayClientOptions {
  /** Per request; the national graph's own council timeouts are shorter. */
  timeoutMs?: number;
  /** How many 429s in a row to wait out before giving up on a request. */
  maxRateLimitWaits?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Nothing answered at the national graph's URL: said with the URL and what to do, not fetch's bare "fetch failed". */
export class GraphUnreachableError extends Error {}

/** fetch rejects with a TypeError when it cannot connect at all (refused, no such host); timeouts and aborts pass through. */
export function unreachableError(url: string, error: unknown): unknown {
  if (!(error instanceof TypeError)) return error;
  const cause = (error.cause as { code?: string } | undefined)?.code;
  return new GraphUnreachableError(
    `Could not reach the national graph at ${url}${cause ? ` (${cause})` : ''}: is \`npm start\` running? Use --url to point elsewhere.`,
    { cause: error },
  );
}

export function gatewayClient(url: string, options: GatewayClientOptions = {}): Execute {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaits = options.maxRateLimitWaits ?? 20;
  return async (query, variables = {}) => {
    for (let waits = 0; ; waits++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      }).catch((error: unknown) => {
        throw unreachableError(url, error);
      });
      const text = await response.text();
      if (response.status === 429 && waits < maxWaits) {
        const seconds = Number(response.headers.get('retry-after'));
        await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 1000);
        continue;
      }
      try {
        return JSON.parse(text) as GraphQLAnswer;
      } catch {
        throw new Error(`${url} answered HTTP ${response.status}, not GraphQL: ${text.slice(0, 120)}`);
      }
    }
  };
}
