// A council host with disruptions wired in: the store feeds the kit (applied to every answer) and
// the disruptions API is served next to the GraphQL routes. The caller chooses the council sources.
import type { CouncilDataSource } from '../data-source.js';
import { startCouncilHost, type CouncilHost } from '../host.js';
import { CouncilTokens } from './council-tokens.js';
import { disruptionRoutes } from './disruption-api.js';
import { DEFAULT_DISRUPTIONS_DB, DisruptionStore } from './disruption-store.js';
import { webhookRoutes } from './webhook-api.js';
import { WebhookDeliverer, WebhookSubscriptions, type WebhookDelivererOptions } from './webhooks.js';

export interface CouncilHostWithDisruptionsOptions {
  sources: Iterable<CouncilDataSource>;
  /** Defaults to DEFAULT_DISRUPTIONS_DB. */
  dbPath?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** The webhook deliverer's settings (timeouts, backoff, pausing, transport); `false` runs none. */
  webhooks?: Omit<WebhookDelivererOptions, 'database' | 'log'> | false;
}

export interface CouncilHostWithDisruptions {
  host: CouncilHost;
  store: DisruptionStore;
  tokens: CouncilTokens;
  subscriptions: WebhookSubscriptions;
  deliverer: WebhookDeliverer | null;
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
  const subscriptions = new WebhookSubscriptions(store.database);
  const isServed = (code: string) => served.has(code);
  const disruptionApi = disruptionRoutes(store, tokens, { isServed, log: options.log });
  const webhookApi = webhookRoutes(subscriptions, tokens, { isServed, log: options.log });
  let host: CouncilHost;
  try {
    host = await startCouncilHost({
      sources,
      disruptions: store,
      port: options.port,
      log: options.log,
      extraRoutes: async (req, res, url) => (await webhookApi(req, res, url)) || disruptionApi(req, res, url),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  // Started once the host listens; events written while it was down (or before a crash) are picked up on start.
  const deliverer = options.webhooks === false ? null : new WebhookDeliverer({ ...options.webhooks, database: store.database, log: options.log });
  const stopWaking = deliverer ? store.onCommit(() => deliverer.wake()) : () => {};
  deliverer?.start();
  return {
    host,
    store,
    tokens,
    subscriptions,
    deliverer,
    close: async () => {
      stopWaking();
      await deliverer?.stop();
      await host.close();
      store.close();
    },
  };
}
