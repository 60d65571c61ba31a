// The web routes served for tests the way the gateway will serve them, but from a server of their own:
// a real local stack (directory, council host with sample data, gateway), and `webRoutes` on 127.0.0.1
// whose `execute` posts to the stack's gateway like any GraphQL client.
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { webRoutes, type WebDeps } from '../../gateway/web/index.js';
import type { GraphResult } from '../../gateway/web/graph.js';

export const READING = 'E06000038';

export interface WebTestServer {
  stack: LocalStack;
  web: RunningServer;
  /** Base URL of the web routes, e.g. http://127.0.0.1:41234 */
  url: string;
  execute(query: string, variables?: Record<string, unknown>): Promise<GraphResult>;
  /** Points Reading at a closed port, as if its service were down; `restore` undoes it. */
  takeReadingDown(): () => void;
  close(): Promise<void>;
}

/** Serves `webRoutes(deps)` on 127.0.0.1, answering 404 for anything the routes leave alone. */
export async function serveWeb(deps: WebDeps): Promise<RunningServer> {
  const routes = webRoutes({ log: () => {}, ...deps });
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!(await routes(req, res, url))) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not a web route.\n');
    }
  });
}

/** A GraphQL client of the gateway, as a browser app would post (with Apollo's CSRF preflight header). */
export function httpExecute(graphqlUrl: string) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<GraphResult> => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphResult;
  };
}

export async function startWebTestServer(options: Pick<WebDeps, 'today'> = {}): Promise<WebTestServer> {
  const stack = await startLocalStack({ port: 0 });
  const execute = httpExecute(stack.gateway.graphqlUrl);
  const web = await serveWeb({ execute, today: options.today });
  return {
    stack,
    web,
    url: web.url,
    execute,
    takeReadingDown: () => {
      const original = stack.endpoints.get(READING)!;
      stack.endpoints.set(READING, { ...original, url: 'http://127.0.0.1:9/nothing', timeoutMs: 300 });
      return () => stack.endpoints.set(READING, original);
    },
    close: async () => {
      await web.close();
      await stack.close();
    },
  };
}
