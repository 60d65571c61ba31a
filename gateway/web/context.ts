// What every web route needs: the graph, the public origin for absolute links, and "today" in the UK.
import type { IncomingMessage } from 'node:http';
import type { ExecuteGraphQL } from './graph.js';

export interface WebContext {
  execute: ExecuteGraphQL;
  publicBaseUrl(req: IncomingMessage): string;
  /** Today's date in the UK (YYYY-MM-DD): ranges are counted from it. */
  today(): string;
}
