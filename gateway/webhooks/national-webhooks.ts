// National webhooks as the gateway runs them: the subscriptions' database, the shared deliverer working
// from its outbox, and the national event log feeding it. Each append to the log wakes the deliverer, whose
// every pass first collects the log's new events into deliveries (national-subscriptions.ts), so events
// another gateway process appended are picked up at the next poll (1 s by default). The gateway's worker
// processes (BINFO_WORKERS) share the database, so each delivery is claimed before it is sent: one worker
// sends it, and a worker that dies mid-attempt leaves it to the others after the timeout and 5 s.
import { WEBHOOK_DEFAULTS, WebhookDeliverer, type WebhookDelivererOptions } from '../../lib/webhooks/deliverer.js';
import { NationalSubscriptions, type NationalEventSource } from './national-subscriptions.js';

export interface NationalWebhooksOptions {
  /** The subscriptions' SQLite file (npm start passes BINFO_WEBHOOKS_DB's). */
  dbPath: string;
  /** The deliverer's settings (timeouts, backoff, pausing, transport, clock); its defaults otherwise. */
  deliverer?: Omit<WebhookDelivererOptions, 'database' | 'log' | 'collect'>;
}

export interface NationalWebhooks {
  subscriptions: NationalSubscriptions;
  deliverer: WebhookDeliverer;
  /** Starts delivering (once the gateway listens): what was queued or logged while it was down goes first. */
  start(): void;
  /** Stops delivering, waits for the attempts under way, and closes the database. */
  close(): Promise<void>;
}

export function nationalWebhooks(options: NationalWebhooksOptions, events: NationalEventSource, log?: (entry: Record<string, unknown>) => void): NationalWebhooks {
  const subscriptions = NationalSubscriptions.open(options.dbPath);
  const claimForMs = (options.deliverer?.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs) + 5_000;
  const deliverer = new WebhookDeliverer({ claimForMs, ...options.deliverer, database: subscriptions.database, log, collect: () => subscriptions.collect(events) });
  let stopListening: (() => void) | null = null;
  return {
    subscriptions,
    deliverer,
    start: () => {
      stopListening ??= events.onAppend(() => deliverer.wake());
      deliverer.start();
    },
    close: async () => {
      stopListening?.();
      stopListening = null;
      await deliverer.stop();
      subscriptions.close();
    },
  };
}
