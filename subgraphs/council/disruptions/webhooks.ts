// Signed webhooks: apps register a URL per council and are told of every disruption written, at least once.
//
// The store writes each event to `webhook_events` in the same transaction as the disruption, and a trigger
// queues one `webhook_deliveries` row per live subscription (disruption-store.ts). The deliverer here takes
// due rows, POSTs them, and records every attempt in `webhook_delivery_log`. A failed attempt is retried
// with capped, jittered exponential backoff until the event is `retryForMs` old (24 h by default), then
// marked failed; a subscription failing `pauseAfterFailures` times in a row is paused until resumed.
// The clock, the jitter's randomness and the HTTP transport are injected, so all of this is tested with fake
// timers and no sleeps. Several hosts on one database may each send an event: at-least-once, never lost.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDisruptionsDatabase, type WebhookEventType } from './disruption-store.js';

// ---- Signing -------------------------------------------------------------------------------------

export const WEBHOOK_HEADERS = { eventId: 'binfo-event-id', timestamp: 'binfo-timestamp', signature: 'binfo-signature' } as const;

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; the timestamp is whole seconds since the epoch. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What an app runs on each request (copy it; it needs only node:crypto): true when the signature is ours
 * and the timestamp is within `toleranceSeconds` of now, which stops an old request being replayed.
 * Pass the body exactly as received (the raw text, not re-serialised JSON).
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  nowSeconds?: number;
}): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---- Subscriptions -------------------------------------------------------------------------------

export interface WebhookSubscription {
  id: string;
  councilCode: string;
  url: string;
  createdAt: string;
  pausedAt: string | null;
  consecutiveFailures: number;
}

export interface DeliveryLogEntry {
  eventId: string;
  attempt: number;
  status: number | null;
  error: string | null;
  at: string;
}

export class WebhookUrlError extends Error {}
export class WebhookNotFoundError extends Error {
  constructor(councilCode: string, id: string) {
    super(`Council ${councilCode} has no webhook subscription ${id}.`);
  }
}

const GSS_CODE = /^[A-Z]\d{8}$/;

/** Why `url` cannot receive webhooks, or null when it can: http(s) only, no credentials in it. */
export function webhookUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 2000) return 'url must be an http(s) address of at most 2000 characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `url ${JSON.stringify(url)} is not an address`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `url must start with https:// or http://, got ${parsed.protocol}`;
  if (parsed.username || parsed.password) return 'url must not carry a user name or password; the signature authenticates us to you';
  return null;
}

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
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
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
    this.database
      .transaction(() => {
        const done = this.database
          .prepare('UPDATE webhook_subscriptions SET paused_at = NULL, consecutive_failures = 0 WHERE council_code = ? AND id = ? AND removed_at IS NULL')
          .run(councilCode, id);
        if (done.changes === 0) throw new WebhookNotFoundError(councilCode, id);
        this.database.prepare("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE subscription_id = ? AND state = 'pending'").run(id);
      })
      .immediate();
    return this.get(councilCode, id)!;
  }

  /** The latest attempts, newest first. */
  log(councilCode: string, id: string, limit = 50): DeliveryLogEntry[] {
    if (!this.get(councilCode, id)) throw new WebhookNotFoundError(councilCode, id);
    return this.database
      .prepare<[string, number], { event_id: string; attempt: number; status: number | null; error: string | null; at: string }>(
        'SELECT event_id, attempt, status, error, at FROM webhook_delivery_log WHERE subscription_id = ? ORDER BY rowid DESC LIMIT ?',
      )
      .all(id, limit)
      .map((row) => ({ eventId: row.event_id, attempt: row.attempt, status: row.status, error: row.error, at: row.at }));
  }

  close(): void {
    if (this.ownsDatabase && this.database.open) this.database.close();
  }
}

// ---- Delivery --------------------------------------------------------------------------------------

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Sends one request; resolves with the HTTP status, rejects when no answer came (refused, timed out…). */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number }>;

/** fetch, without following redirects (we deliver to the registered URL only), aborted after `timeoutMs`. */
export const fetchTransport: WebhookTransport = async ({ url, headers, body, timeoutMs }) => {
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  // Drain the body so the connection is released; its content is not ours to keep.
  await response.arrayBuffer().catch(() => undefined);
  return { status: response.status };
};

export interface WebhookDelivererOptions {
  database: Database.Database;
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
};

/** Delay before attempt `failedAttempts + 1`: base·2^(n-1) capped, then "equal jitter" (between half and all of it). */
export function retryDelayMs(failedAttempts: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failedAttempts - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface DueRow {
  subscription_id: string;
  event_seq: number;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  council_code: string;
  type: WebhookEventType;
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
      due: db.prepare<[number, number], DueRow>(
        `SELECT d.subscription_id, d.event_seq, d.attempts, s.url, s.secret, e.id AS event_id, e.council_code, e.type, e.payload, e.created_at
           FROM webhook_deliveries d
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
           JOIN webhook_events e ON e.seq = d.event_seq
          WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.removed_at IS NULL AND s.paused_at IS NULL
          ORDER BY d.next_attempt_at, d.event_seq
          LIMIT ?`,
      ),
      nextDue: db
        .prepare(
          `SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
            WHERE d.state = 'pending' AND s.removed_at IS NULL AND s.paused_at IS NULL`,
        )
        .pluck(),
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

  /** Deliver now rather than at the next poll (called after each disruption write). */
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
  }

  /** One pass: attempts every due delivery (up to batchSize); returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const due = this.statements.due.all(this.now(), this.settings.batchSize);
    let attempted = 0;
    for (const row of due) {
      // An earlier failure in this pass may have paused the subscription.
      if (!this.statements.isActive.get(row.subscription_id)) continue;
      await this.attempt(row);
      attempted++;
    }
    return attempted;
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
    const nextDue = this.statements.nextDue.get() as number | null;
    const now = this.now();
    const delay = Math.max(0, Math.min(this.settings.pollIntervalMs, nextDue === null ? Infinity : nextDue - now));
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
