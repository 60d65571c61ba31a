// A council host: one process serving many councils, each at its own URL path
// (/councils/<GSS code>/graphql), all over one shared subgraph schema; and /councils/graphql, where one
// request carries representations of any of them, each answered as its own council (host-batch.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { graphqlErrorBody, handleGraphQLRequest, readJsonBody, sendJson, sendRefusal } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startSubgraphServer } from '../../lib/http/serve-schema.js';
import { ASSET_PREFIX, handleAsset } from '../../lib/web/assets.js';
import type { CouncilDataSource } from './data-source.js';
import { answerHostBatch, HostBatchDocuments, hostBatchRequestOf } from './host-batch.js';
import { scheduleStore, withScheduleMemo } from './schedule-memo.js';
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
  /** Where one request can carry the representations of every council this host serves (host-batch.ts). */
  hostUrl: string;
  councilCodes(): string[];
}

const COUNCIL_PATH = /^\/councils\/([A-Z]\d{8})\/graphql\/?$/;
const HOST_PATH = /^\/councils\/graphql\/?$/;
/** A batch for every council of a host is larger than one council's request. */
const HOST_BATCH_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export async function startCouncilHost(options: CouncilHostOptions): Promise<CouncilHost> {
  const sources = new Map<string, CouncilDataSource>();
  // Each council's schedules are worked out once per schedule and range, not on every request.
  const schedules = scheduleStore();
  for (const source of options.sources) sources.set(source.councilCode, withScheduleMemo(source, schedules));
  const disruptions = options.disruptions ?? null;

  const schema = councilSubgraphSchema();
  const apollo = await startSubgraphServer<CouncilRequestContext>(schema);
  const batchDocuments = new HostBatchDocuments(schema);

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health' || url.pathname === '/ready') {
        sendJson(res, 200, { status: 'ok', councils: sources.size });
        return;
      }
      // The console's stylesheets and icon (lib/web/assets.ts), the same files the gateway serves.
      if (url.pathname.startsWith(ASSET_PREFIX)) {
        handleAsset(req, res, url);
        return;
      }
      if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;
      if (HOST_PATH.test(url.pathname)) {
        // JSON POSTs only: never a simple request a browser could be tricked into sending.
        if (req.method !== 'POST' || !/^application\/json/i.test(req.headers['content-type'] ?? '')) {
          sendJson(res, 405, graphqlErrorBody('POST an _entities request as application/json.', 'BAD_REQUEST'), { allow: 'POST' });
          return;
        }
        const read = await readJsonBody(req, HOST_BATCH_BODY_LIMIT_BYTES);
        if ('refusal' in read) return sendRefusal(res, read.refusal);
        const request = hostBatchRequestOf(read.body);
        if (!request) {
          sendJson(res, 400, graphqlErrorBody('This URL answers _entities requests for the councils of this host: send a query and variables.representations.', 'BAD_REQUEST'));
          return;
        }
        const answer = await answerHostBatch(batchDocuments, request, (code) => {
          const source = sources.get(code);
          return source ? Promise.resolve(createCouncilRequestContext(source, disruptions)) : undefined;
        });
        sendJson(res, answer.status, answer.body);
        return;
      }
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
    hostUrl: `${running.url}/councils/graphql`,
    councilCodes: () => [...sources.keys()],
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
