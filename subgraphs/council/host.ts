// A council host: one process serving many councils, each at its own URL path
// (/councils/<GSS code>/graphql), all over one shared subgraph schema.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleGraphQLRequest, sendJson } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startSubgraphServer } from '../../lib/http/serve-schema.js';
import type { CouncilDataSource } from './data-source.js';
import { councilSubgraphSchema, createCouncilRequestContext, type CouncilRequestContext, type DisruptionReader } from './subgraph.js';

export interface CouncilHostOptions {
  sources: Iterable<CouncilDataSource>;
  disruptions?: DisruptionReader | null;
  port?: number;
  /** Extra routes (the disruptions API) tried before the GraphQL routes; return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  log?: (entry: Record<string, unknown>) => void;
}

export interface CouncilHost extends RunningServer {
  councilUrl(code: string): string;
  councilCodes(): string[];
}

const COUNCIL_PATH = /^\/councils\/([A-Z]\d{8})\/graphql\/?$/;

export async function startCouncilHost(options: CouncilHostOptions): Promise<CouncilHost> {
  const sources = new Map<string, CouncilDataSource>();
  for (const source of options.sources) sources.set(source.councilCode, source);
  const disruptions = options.disruptions ?? null;

  const apollo = await startSubgraphServer<CouncilRequestContext>(councilSubgraphSchema());

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health' || url.pathname === '/ready') {
        sendJson(res, 200, { status: 'ok', councils: sources.size });
        return;
      }
      if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;
      const match = COUNCIL_PATH.exec(url.pathname);
      if (!match) {
        sendJson(res, 404, { error: 'Not found. Council subgraphs are at /councils/<GSS code>/graphql.' });
        return;
      }
      const source = sources.get(match[1]);
      if (!source) {
        sendJson(res, 404, { error: `No council ${match[1]} is served by this host.` });
        return;
      }
      await handleGraphQLRequest(apollo, req, res, async () => createCouncilRequestContext(source, disruptions));
    },
    { port: options.port, onError: (error) => options.log?.({ level: 'error', msg: 'council host request failed', error: String(error) }) },
  );

  return {
    ...running,
    councilUrl: (code) => `${running.url}/councils/${code}/graphql`,
    councilCodes: () => [...sources.keys()],
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
