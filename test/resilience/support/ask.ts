// Posts a GraphQL operation to the gateway as a browser app would, keeping what resilience tests look at:
// the HTTP status and headers, response extensions and the time the answer took.
export interface GatewayAnswer {
  status: number;
  headers: Headers;
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
  elapsedMs: number;
}

export async function ask(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GatewayAnswer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GatewayAnswer, 'status' | 'headers' | 'elapsedMs'>;
  return { status: response.status, headers: response.headers, ...body, elapsedMs: performance.now() - started };
}
