// Signed webhooks: apps register a URL per council and are told of every disruption written, at least once.
//
// The store writes each event to `webhook_events` in the same transaction as the disruption, and a trigger
// queues one `webhook_deliveries` row per live subscription (disruption-store.ts). The deliverer, shared with
// the gateway's national webhooks (lib/webhooks/deliverer.ts), takes due rows, POSTs them signed, retries
// with backoff for a day, logs every attempt and pauses a subscriber that keeps failing. This file is the
// council's registry of subscriptions over that outbox.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { deliveryLogOf, resumeSubscription, type DeliveryLogEntry } from '../../../lib/webhooks/outbox.js';
import { newWebhookSecret, webhookUrlProblem } from '../../../lib/webhooks/webhook-url.js';
import { openDisruptionsDatabase } from './disruption-store.js';


// ---- Subscriptions -------------------------------------------------------------------------------

export interface WebhookSubscription {
  id: string;
  councilCode: string;
  url: string;
  createdAt: string;
  pausedAt: string | null;
  consecutiveFailures: number;
}

export class WebhookUrlError extends Error {}
export class WebhookNotFoundError extends Error {
  constructor(councilCode: string, id: string) {
    super(`Council ${councilCode} has no webhook subscription ${id}.`);
  }
}

const GSS_CODE = /^[A-Z]\d{8}$/;

interface SubscriptionRow {
  id: string;
  council_code: string;
  url: string;
  created_at: string;
  paused_at: string | null;
  consecutive_failures: number;
}

const toSubscription = (row: SubscriptionRow): WebhookSubscription => ({
  id: row.id,
  councilCode: row.council_code,
  url: row.url,
  createdAt: row.created_at,
  pausedAt: row.paused_at,
  consecutiveFailures: row.consecutive_failures,
});

export class WebhookSubscriptions {
  static open(path: string): WebhookSubscriptions {
    return new WebhookSubscriptions(openDisruptionsDatabase(path), true);
  }

  constructor(
    readonly database: Database.Database,
    private readonly ownsDatabase = false,
  ) {}

  /** Registers `url` for the council's events from now on. The secret is returned here only: it is never shown again. */
  add(councilCode: string, url: string): { subscription: WebhookSubscription; secret: string } {
    if (!GSS_CODE.test(councilCode)) throw new WebhookUrlError(`${JSON.stringify(councilCode)} is not a GSS council code such as E06000038.`);
    const problem = webhookUrlProblem(url);
    if (problem) throw new WebhookUrlError(problem);
    const secret = newWebhookSecret();
    const id = `wh_${randomUUID()}`;
    this.database
      .prepare('INSERT INTO webhook_subscriptions (id, council_code, url, secret, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, councilCode, url, secret, new Date().toISOString());
    return { subscription: this.get(councilCode, id)!, secret };
  }

  list(councilCode: string): WebhookSubscription[] {
    return this.database
      .prepare<[string], SubscriptionRow>(
        'SELECT id, council_code, url, created_at, paused_at, consecutive_failures FROM webhook_subscriptions WHERE council_code = ? AND removed_at IS NULL ORDER BY created_at, id',
      )
      .all(councilCode)
      .map(toSubscription);
  }

  get(councilCode: string, id: string): WebhookSubscription | null {
    const row = this.database
      .prepare<[string, string], SubscriptionRow>(
        'SELECT id, council_code, url, created_at, paused_at, consecutive_failures FROM webhook_subscriptions WHERE council_code = ? AND id = ? AND removed_at IS NULL',
      )
      .get(councilCode, id);
    return row ? toSubscription(row) : null;
  }

  /** Stops deliveries to it, queued ones included; its log is kept. */
  remove(councilCode: string, id: string): void {
    const done = this.database
      .prepare('UPDATE webhook_subscriptions SET removed_at = ? WHERE council_code = ? AND id = ? AND removed_at IS NULL')
      .run(new Date().toISOString(), councilCode, id);
    if (done.changes === 0) throw new WebhookNotFoundError(councilCode, id);
  }

  /** Unpauses it and makes its pending deliveries due at once. */
  resume(councilCode: string, id: string): WebhookSubscription {
    if (!resumeSubscription(this.database, id, { sql: 'council_code = ?', value: councilCode })) throw new WebhookNotFoundError(councilCode, id);
    return this.get(councilCode, id)!;
  }

  /** The latest attempts, newest first. */
  log(councilCode: string, id: string, limit = 50): DeliveryLogEntry[] {
    if (!this.get(councilCode, id)) throw new WebhookNotFoundError(councilCode, id);
    return deliveryLogOf(this.database, id, limit);
  }

  close(): void {
    if (this.ownsDatabase && this.database.open) this.database.close();
  }
}
