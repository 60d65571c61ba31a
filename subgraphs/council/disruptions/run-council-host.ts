// A council host with disruptions wired in: the store feeds the kit (applied to every answer) and
// the disruptions API is served next to the GraphQL routes. The caller chooses the council sources.
import type { CouncilDataSource } from '../data-source.js';
import { createConsoleAuth, type ConsoleAuthOptions, type ConsoleAuthService } from '../console/auth/index.js';
import { consoleRoutes, type ConsoleRoutesOptions } from '../console/index.js';
import { startCouncilHost, type CouncilHost } from '../host.js';
import { CouncilTokens } from './council-tokens.js';
import { disruptionRoutes } from './disruption-api.js';
import { DEFAULT_DISRUPTIONS_DB, DisruptionStore } from './disruption-store.js';
import { councilEventStreams, type CouncilEventStreamOptions, type CouncilEventStreams } from './event-stream.js';
import { webhookRoutes } from './webhook-api.js';
import { WebhookDeliverer, type WebhookDelivererOptions } from '../../../lib/webhooks/deliverer.js';
import { WebhookSubscriptions } from './webhooks.js';

export interface CouncilHostWithDisruptionsOptions {
  sources: Iterable<CouncilDataSource>;
  /** Defaults to DEFAULT_DISRUPTIONS_DB. */
  dbPath?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** The webhook deliverer's settings (timeouts, backoff, pausing, transport); `false` runs none. */
  webhooks?: Omit<WebhookDelivererOptions, 'database' | 'log'> | false;
  /** The console's sign-in settings (clock, scrypt cost, lock-out, session lifetimes). */
  consoleAuth?: Omit<ConsoleAuthOptions, 'database' | 'isServed' | 'log'>;
  /** The live event streams (/councils/events, /councils/<GSS>/events): limits and timings. */
  eventStreams?: Omit<CouncilEventStreamOptions, 'isServed' | 'log'>;
  /** The console's pages (/console/): the council names they show, their clock, the review reminder's interval. */
  console?: Pick<ConsoleRoutesOptions, 'councilName' | 'now' | 'reviewAfterHours'>;
}

export interface CouncilHostWithDisruptions {
  host: CouncilHost;
  store: DisruptionStore;
  tokens: CouncilTokens;
  subscriptions: WebhookSubscriptions;
  deliverer: WebhookDeliverer | null;
  /** The live event streams (/councils/events). */
  eventStreams: CouncilEventStreams;
  /** Sign-in for the console: `sessionOf(req)` and `csrfMatches` for its pages, `accounts` for tests. */
  consoleAuth: ConsoleAuthService;
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
  const consoleAuth = createConsoleAuth({ ...options.consoleAuth, database: store.database, isServed, log: options.log });
  const eventStreams = councilEventStreams(store, { ...options.eventStreams, isServed, log: options.log });
  const consolePages = consoleRoutes({ ...options.console, store, sources, auth: consoleAuth, log: options.log });
  let host: CouncilHost;
  try {
    host = await startCouncilHost({
      sources,
      disruptions: store,
      port: options.port,
      log: options.log,
      extraRoutes: async (req, res, url) =>
        (await consoleAuth.routes(req, res, url)) || (await consolePages(req, res, url)) || (await eventStreams.handle(req, res, url)) || (await webhookApi(req, res, url)) || disruptionApi(req, res, url),
    });
  } catch (error) {
    eventStreams.close();
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
    eventStreams,
    consoleAuth,
    close: async () => {
      stopWaking();
      await deliverer?.stop();
      eventStreams.close();
      await host.close();
      store.close();
    },
  };
}
