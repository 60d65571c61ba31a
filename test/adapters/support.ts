// Shared helpers for the adapter tests: fixture paths, the shipped bank holidays, a compact way to
// write expected collections, and a tiny HTTP server on 127.0.0.1 for back-office fakes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { graphql, type GraphQLFormattedError } from 'graphql';
import type { Collection } from '../../domain/types.js';
import type { CouncilDataSource } from '../../subgraphs/council/data-source.js';
import { councilSubgraphSchema, createCouncilRequestContext } from '../../subgraphs/council/subgraph.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/adapters/', import.meta.url));
export const bankHolidays = loadShippedBankHolidays();

/** "2026-05-23 general-waste from 2026-05-25" (MOVED) or "2026-04-13 general-waste" (SCHEDULED). */
export function describeCollection(c: Collection): string {
  return c.status === 'MOVED' ? `${c.date} ${c.serviceId} from ${c.originalDate}` : c.status === 'SCHEDULED' ? `${c.date} ${c.serviceId}` : `${c.date} ${c.serviceId} ${c.status}`;
}

/** Expected collections written one per line, blank lines and # comments ignored. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

export interface FakeServer {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startFakeServer(handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    Promise.resolve(handle(req, res)).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs an operation against the council kit's schema over one source, as a council host would for
 * one request: `_entities` over Council and Property representations, no HTTP in between.
 */
export async function kitQuery(source: CouncilDataSource, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: readonly GraphQLFormattedError[] }> {
  const result = await graphql({ schema: councilSubgraphSchema(), source: query, variableValues: variables, contextValue: createCouncilRequestContext(source, null) });
  return { data: result.data as any, errors: result.errors?.map((error) => error.toJSON()) };
}
