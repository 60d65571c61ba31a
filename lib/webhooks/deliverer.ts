// The webhook deliverer: takes due rows from an outbox (outbox.ts), POSTs them signed, and records every
// attempt. A failed attempt is retried with capped, jittered exponential backoff until the event is
// `retryForMs` old (24 h by default), then marked failed; a subscription failing `pauseAfterFailures` times in
// a row is paused until resumed. Each subscription's deliveries go in order, one at a time, and different
// subscriptions' side by side, so a receiver that never answers delays only itself. The clock, the jitter's
// randomness and the HTTP transport are injected, so all of this is tested with fake timers and no sleeps.
// Several processes on one database may each send an event: at-least-once, never lost; the receiver dedupes
// by the event id.
import type Database from 'better-sqlite3';
import { signWebhook, WEBHOOK_HEADERS } from './signing.js';
import { fetchTransport, type WebhookTransport } from './transport.js';
import { backoffDelayMs } from '../backoff.js';

export interface WebhookDelivererOptions {
  /** Holds the outbox tables (outbox.ts). */
  database: Database.Database;
  /**
   * Called at the start of every pass, before due rows are read: e.g. to move new events from elsewhere into
   * the outbox. A failure is logged and the pass goes on with what is already queued.
   */
  collect?: () => void;
  transport?: WebhookTransport;
  /** Epoch milliseconds. */
  now?: () => number;
  /** In [0, 1): the jitter. */
  random?: () => number;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** First retry after about this long, doubling each time… Default 10 s. */
  backoffBaseMs?: number;
  /** …up to this. Default 1 h. */
  backoffCapMs?: number;
  /** An event still undelivered this long after it was written is marked failed. Default 24 h. */
  retryForMs?: number;
  /** Failed attempts in a row (any event) after which a subscription is paused. Default 50. */
  pauseAfterFailures?: number;
  /** How often to look for work written by another process. Default 1 s. */
  pollIntervalMs?: number;
  /** Attempts per pass. Default 50. */
  batchSize?: number;
  /** Subscriptions being delivered to at once (each one's deliveries in turn). Default 100. */
  concurrency?: number;
  /**
   * For several processes on one database (the gateway's workers): each delivery is claimed for this long
   * just before its attempt, so only one process sends it; one that dies mid-attempt leaves it to the others
   * once the claim runs out. Keep it above `timeoutMs`. Default 0: no claim (one process per database, as a
   * council host is), so a restarted process retries at once.
   */
  claimForMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export const WEBHOOK_DEFAULTS = {
  timeoutMs: 10_000,
  backoffBaseMs: 10_000,
  backoffCapMs: 60 * 60_000,
  retryForMs: 24 * 60 * 60_000,
  pauseAfterFailures: 50,
  pollIntervalMs: 1_000,
  batchSize: 50,
  concurrency: 100,
  claimForMs: 0,
};

/** Delay before attempt `failedAttempts + 1` (lib/backoff.ts). */
export const retryDelayMs = backoffDelayMs;

interface DueRow {
  subscription_id: string;
  event_seq: number;
  next_attempt_at: number;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  council_code: string;
  type: string;
  payload: string;
  created_at: string;
}

/** The body of an event: built from the stored row alone, so every attempt sends the same bytes. */
export function webhookBody(event: { id: string; type: string; councilCode: string; createdAt: string; payload: string }): string {
  return `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"councilCode":${JSON.stringify(event.councilCode)},"createdAt":${JSON.stringify(event.createdAt)},"disruption":${event.payload}}`;
}

export class WebhookDeliverer {
  private readonly settings: typeof WEBHOOK_DEFAULTS;
  private readonly transport: WebhookTransport;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: (entry: Record<string, unknown>) => void;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Subscriptions with attempts under way: each is worked through on its own, so a stuck receiver holds up only itself. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private again = false;
  private stopped = true;
  private readonly statements;

  constructor(private readonly options: WebhookDelivererOptions) {
    this.settings = { ...WEBHOOK_DEFAULTS, ...definedOnly(options) };
    this.transport = options.transport ?? fetchTransport;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = (entry) => {
      try {
        options.log?.(entry);
      } catch {
        /* best effort */
      }
    };
    const db = options.database;
    this.statements = {
      // Subscriptions already being worked on (a JSON list) are left out, so their rows cannot fill the batch.
      due: db.prepare<[number, string, number], DueRow>(
        `SELECT d.subscription_id, d.event_seq, d.next_attempt_at, d.attempts, s.url, s.secret, e.id AS event_id, e.council_code, e.type, e.payload, e.created_at
           FROM webhook_deliveries d
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
           JOIN webhook_events e ON e.seq = d.event_seq
          WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.removed_at IS NULL AND s.paused_at IS NULL
            AND d.subscription_id NOT IN (SELECT value FROM json_each(?))
          ORDER BY d.next_attempt_at, d.event_seq
          LIMIT ?`,
      ),
      nextDue: db
        .prepare(
          `SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
            WHERE d.state = 'pending' AND s.removed_at IS NULL AND s.paused_at IS NULL`,
        )
        .pluck(),
      // Compare-and-set on next_attempt_at: of several processes that read the same due row, one wins.
      claim: db.prepare(
        "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE subscription_id = ? AND event_seq = ? AND state = 'pending' AND next_attempt_at = ?",
      ),
      isActive: db.prepare<[string]>('SELECT 1 FROM webhook_subscriptions WHERE id = ? AND removed_at IS NULL AND paused_at IS NULL').pluck(),
      logAttempt: db.prepare('INSERT INTO webhook_delivery_log (subscription_id, event_id, attempt, status, error, at) VALUES (?, ?, ?, ?, ?, ?)'),
      delivery: db.prepare('UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, updated_at = ? WHERE subscription_id = ? AND event_seq = ?'),
      succeeded: db.prepare('UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = ?'),
      failed: db.prepare('UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures').pluck(),
      pause: db.prepare('UPDATE webhook_subscriptions SET paused_at = ? WHERE id = ? AND paused_at IS NULL'),
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake();
  }

  /** Deliver now rather than at the next poll (called after each new event). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Stops scheduling and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
    await Promise.all(this.inFlight.values());
  }

  /**
   * One pass: starts the due deliveries (up to batchSize) of every subscription not already being worked on,
   * each subscription's in order, different subscriptions side by side; returns how many rows it started.
   * Resolves once they are started, not done: one receiver's timeouts must not hold up everyone else's events.
   */
  async deliverDue(): Promise<number> {
    if (this.options.collect) {
      try {
        this.options.collect();
      } catch (error) {
        this.log({ level: 'error', msg: 'webhook outbox could not collect new events', error: String(error) });
      }
    }
    const due = this.statements.due.all(this.now(), JSON.stringify([...this.inFlight.keys()]), this.settings.batchSize);
    const bySubscription = new Map<string, DueRow[]>();
    for (const row of due) {
      const rows = bySubscription.get(row.subscription_id);
      if (rows) rows.push(row);
      else bySubscription.set(row.subscription_id, [row]);
    }
    let started = 0;
    for (const [subscriptionId, rows] of bySubscription) {
      // The rest wait for a place: each subscription that finishes wakes the deliverer.
      if (this.inFlight.size >= this.settings.concurrency) break;
      started += rows.length;
      const work = this.attemptInOrder(rows)
        .catch((error) => this.log({ level: 'error', msg: 'webhook delivery failed', subscription: subscriptionId, error: String(error) }))
        .finally(() => {
          this.inFlight.delete(subscriptionId);
          // It may have more due now (beyond this batch, or retries): look again.
          this.wake();
        });
      this.inFlight.set(subscriptionId, work);
    }
    return started;
  }

  private async attemptInOrder(rows: DueRow[]): Promise<void> {
    for (const row of rows) {
      // An earlier failure may have paused the subscription.
      if (this.stopped || !this.statements.isActive.get(row.subscription_id)) return;
      if (this.settings.claimForMs > 0 && this.statements.claim.run(this.now() + this.settings.claimForMs, row.subscription_id, row.event_seq, row.next_attempt_at).changes === 0) continue;
      await this.attempt(row);
    }
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        while ((await this.deliverDue()) === this.settings.batchSize && !this.stopped) {
          /* a full batch: there may be more due */
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.log({ level: 'error', msg: 'webhook delivery pass failed', error: String(error) });
    }
    if (this.stopped) return;
    let nextDue: number | null;
    try {
      nextDue = this.statements.nextDue.get() as number | null;
    } catch (error) {
      // The outbox cannot be read just now: look again at the next poll rather than never.
      this.log({ level: 'error', msg: 'webhook outbox could not be read', error: String(error) });
      nextDue = null;
    }
    const now = this.now();
    // What is due now is being attempted (each subscription wakes the deliverer when it is done): poll as usual.
    const dueNowIsUnderWay = nextDue !== null && nextDue <= now && this.inFlight.size > 0;
    const delay = dueNowIsUnderWay ? this.settings.pollIntervalMs : Math.max(0, Math.min(this.settings.pollIntervalMs, nextDue === null ? Infinity : nextDue - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, delay);
    this.timer.unref?.();
  }

  private async attempt(row: DueRow): Promise<void> {
    const body = webhookBody({ id: row.event_id, type: row.type, councilCode: row.council_code, createdAt: row.created_at, payload: row.payload });
    const timestamp = Math.floor(this.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Binfo-Webhooks/1',
      [WEBHOOK_HEADERS.eventId]: row.event_id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(row.secret, timestamp, body),
    };
    let status: number | null = null;
    let error: string | null = null;
    try {
      ({ status } = await this.transport({ url: row.url, headers, body, timeoutMs: this.settings.timeoutMs }));
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (failure) {
      error = describe(failure);
    }
    const attempt = row.attempts + 1;
    const now = this.now();
    const at = new Date(now).toISOString();
    this.options.database
      .transaction(() => {
        this.statements.logAttempt.run(row.subscription_id, row.event_id, attempt, status, error, at);
        if (error === null) {
          this.statements.delivery.run('delivered', attempt, 0, at, row.subscription_id, row.event_seq);
          this.statements.succeeded.run(row.subscription_id);
          return;
        }
        const expired = now - Date.parse(row.created_at) >= this.settings.retryForMs;
        const next = now + retryDelayMs(attempt, this.settings.backoffBaseMs, this.settings.backoffCapMs, this.random);
        this.statements.delivery.run(expired ? 'failed' : 'pending', attempt, expired ? 0 : next, at, row.subscription_id, row.event_seq);
        const failures = this.statements.failed.get(row.subscription_id) as number;
        if (failures >= this.settings.pauseAfterFailures && this.statements.pause.run(at, row.subscription_id).changes > 0) {
          this.log({ level: 'warn', msg: 'webhook subscription paused', subscription: row.subscription_id, failures });
        }
        if (expired) this.log({ level: 'warn', msg: 'webhook event given up', subscription: row.subscription_id, event: row.event_id, attempts: attempt });
      })
      .immediate();
    this.log({ level: error ? 'warn' : 'info', msg: error ? 'webhook attempt failed' : 'webhook delivered', subscription: row.subscription_id, event: row.event_id, attempt, status, error });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'no answer within the timeout';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
}

function definedOnly(options: WebhookDelivererOptions): Partial<typeof WEBHOOK_DEFAULTS> {
  const picked: Partial<typeof WEBHOOK_DEFAULTS> = {};
  for (const key of Object.keys(WEBHOOK_DEFAULTS) as (keyof typeof WEBHOOK_DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
