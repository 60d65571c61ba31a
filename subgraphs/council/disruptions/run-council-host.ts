// A council host with disruptions wired in: the store feeds the kit (applied to every answer) and
// the disruptions API is served next to the GraphQL routes. The caller chooses the council sources.
import type { CouncilDataSource } from '../data-source.js';
import { startCouncilHost, type CouncilHost } from '../host.js';
import { CouncilTokens } from './council-tokens.js';
import { disruptionRoutes } from './disruption-api.js';
import { DEFAULT_DISRUPTIONS_DB, DisruptionStore } from './disruption-store.js';

export interface CouncilHostWithDisruptionsOptions {
  sources: Iterable<CouncilDataSource>;
  /** Defaults to DEFAULT_DISRUPTIONS_DB. */
  dbPath?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface CouncilHostWithDisruptions {
  host: CouncilHost;
  store: DisruptionStore;
  tokens: CouncilTokens;
  /** Stops the host, then closes the database. */
  close(): Promise<void>;
}

export async function startCouncilHostWithDisruptions(options: CouncilHostWithDisruptionsOptions): Promise<CouncilHostWithDisruptions> {
  // Materialised once: `sources` may be a one-shot iterator, and the API needs the set of served councils.
  const sources = [...options.sources];
  const served = new Set(sources.map((source) => source.councilCode));
  const store = DisruptionStore.open(options.dbPath ?? DEFAULT_DISRUPTIONS_DB);
  // One connection for both: tokens and disruptions live in the same file.
  const tokens = new CouncilTokens(store.database);
  let host: CouncilHost;
  try {
    host = await startCouncilHost({
      sources,
      disruptions: store,
      port: options.port,
      log: options.log,
      extraRoutes: disruptionRoutes(store, tokens, { isServed: (code) => served.has(code), log: options.log }),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    host,
    store,
    tokens,
    close: async () => {
      await host.close();
      store.close();
    },
  };
}
