// The outbox the deliverer works from: four SQLite tables that a webhook registry (a council host's, the
// gateway's national one) keeps in its own database. The deliverer reads and writes only these columns:
//
//   webhook_subscriptions  id, url, secret, removed_at, paused_at, consecutive_failures   (plus the owner's own columns:
//                          a council code, an app's name and filter…)
//   webhook_events         seq, id (the receiver's idempotency key), council_code, type, payload (JSON text), created_at
//   webhook_deliveries     subscription_id, event_seq, state, attempts, next_attempt_at, updated_at
//   webhook_delivery_log   subscription_id, event_id, attempt, status, error, at
//
// The registry fills webhook_events and webhook_deliveries in the transaction that makes the event durable
// (the council's disruption write; the gateway's cursor over the national event log), so a crash loses none.
import type Database from 'better-sqlite3';

/**
 * The events, deliveries and delivery log, for a registry that creates its own tables. (The council host's
 * were created by an earlier migration, in the same layout; a migration never changes once shipped.)
 */
export const WEBHOOK_OUTBOX_TABLES = `
  CREATE TABLE webhook_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,     -- sent as binfo-event-id: the receiver's idempotency key
    council_code TEXT NOT NULL,
    type TEXT NOT NULL,          -- disruption.published | disruption.changed | disruption.withdrawn
    payload TEXT NOT NULL,       -- the disruption as JSON
    created_at TEXT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    subscription_id TEXT NOT NULL,
    event_seq INTEGER NOT NULL REFERENCES webhook_events (seq),
    state TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0, -- epoch ms
    updated_at TEXT,
    PRIMARY KEY (subscription_id, event_seq)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
  CREATE TABLE webhook_delivery_log (
    subscription_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER,              -- the receiver's HTTP status; NULL when no answer came
    error TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX webhook_delivery_log_by_subscription ON webhook_delivery_log (subscription_id, at);`;

export interface DeliveryLogEntry {
  eventId: string;
  attempt: number;
  /** The receiver's HTTP status; null when no answer came. */
  status: number | null;
  /** Why the attempt failed; null when it was delivered. */
  error: string | null;
  at: string;
}

/** A subscription's latest attempts, newest first. The caller checks the subscription is the asker's. */
export function deliveryLogOf(database: Database.Database, subscriptionId: string, limit = 50): DeliveryLogEntry[] {
  return database
    .prepare<[string, number], { event_id: string; attempt: number; status: number | null; error: string | null; at: string }>(
      'SELECT event_id, attempt, status, error, at FROM webhook_delivery_log WHERE subscription_id = ? ORDER BY rowid DESC LIMIT ?',
    )
    .all(subscriptionId, limit)
    .map((row) => ({ eventId: row.event_id, attempt: row.attempt, status: row.status, error: row.error, at: row.at }));
}

/**
 * Unpauses a live subscription and makes its pending deliveries due at once; false when there is no such
 * live subscription. `ownedBy` is the owner's condition on webhook_subscriptions (e.g. `council_code = ?`).
 */
export function resumeSubscription(database: Database.Database, id: string, ownedBy: { sql: string; value: string }): boolean {
  return database
    .transaction(() => {
      const done = database
        .prepare(`UPDATE webhook_subscriptions SET paused_at = NULL, consecutive_failures = 0 WHERE id = ? AND ${ownedBy.sql} AND removed_at IS NULL`)
        .run(id, ownedBy.value);
      if (done.changes === 0) return false;
      database.prepare("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE subscription_id = ? AND state = 'pending'").run(id);
      return true;
    })
    .immediate();
}
