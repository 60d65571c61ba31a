// National webhook subscriptions: an app (named by its gateway API key) registers a URL and hears every
// council's disruption events, or those of the councils it names, signed as a council's webhooks are.
//
// Kept in a SQLite file of their own (default var/national-webhooks.sqlite), not in the national event log's:
// the two migrate independently. What joins them is a cursor, a national seq kept here: `collect()` reads
// the log after it, queues one delivery per matching subscription and advances the cursor in one
// transaction. A crash before the commit leaves the cursor where it was and the events are read again; a
// crash after it leaves the deliveries on disk. Either way nothing is lost, and a repeat carries the same
// idempotency key (the council's event id), which is also unique in webhook_events here, so an event the log
// holds once is queued once per subscription however often it is read.
//
// The outbox tables are lib/webhooks/outbox.ts's layout, so lib/webhooks/deliverer.ts delivers from them.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../../lib/sqlite/durable-database.js';
import { deliveryLogOf, resumeSubscription, WEBHOOK_OUTBOX_TABLES, type DeliveryLogEntry } from '../../lib/webhooks/outbox.js';
import { newWebhookSecret, webhookUrlProblem } from '../../lib/webhooks/webhook-url.js';
import { isGssCode } from '../../contracts/council.js';


/** What this module reads of the gateway's national event log (gateway/events/national-event-log.ts). */
export interface NationalEventSource {
  readAfter(seq: number, limit: number): ReadonlyArray<{ seq: number; id: string; councilCode: string; type: string; payload: string; occurredAt: string }>;
  latestSeq(): number;
  onAppend(listener: () => void): () => void;
}

export interface NationalSubscription {
  id: string;
  url: string;
  /** The councils whose events it hears (GSS codes); null = every council. */
  councils: string[] | null;
  createdAt: string;
  pausedAt: string | null;
  consecutiveFailures: number;
}

/** A request that cannot be met as made; the message says why, in words for the app's developer. */
export class NationalWebhookError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'limit',
    message: string,
  ) {
    super(message);
  }
}

/** Enough for any app; a bound so one API key cannot make the gateway a request amplifier. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 20;
const COLLECT_BATCH = 500;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,         -- the API key's client name: only that client sees or changes it
     url TEXT NOT NULL,
     secret TEXT NOT NULL,        -- kept in clear: it must sign; shown to the app once, at creation
     council_codes TEXT,          -- JSON array of GSS codes; NULL = every council
     created_at TEXT NOT NULL,
     removed_at TEXT,
     paused_at TEXT,
     consecutive_failures INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX webhook_subscriptions_by_owner ON webhook_subscriptions (owner);
   ${WEBHOOK_OUTBOX_TABLES}
   CREATE TABLE national_log_cursor (
     only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
     seq INTEGER NOT NULL         -- the last national seq turned into deliveries
   );`,
];

/** Opens (creating directories and tables as needed) the national webhooks database. */
export function openNationalWebhooksDatabase(path: string): Database.Database {
  // Durable: the cursor and the deliveries it created must both survive a power cut, or neither.
  return openDurableDatabase(path, { name: 'national webhooks', migrations: MIGRATIONS });
}

interface SubscriptionRow {
  id: string;
  url: string;
  council_codes: string | null;
  created_at: string;
  paused_at: string | null;
  consecutive_failures: number;
}

const toSubscription = (row: SubscriptionRow): NationalSubscription => ({
  id: row.id,
  url: row.url,
  councils: row.council_codes === null ? null : (JSON.parse(row.council_codes) as string[]),
  createdAt: row.created_at,
  pausedAt: row.paused_at,
  consecutiveFailures: row.consecutive_failures,
});

/** A live subscription that hears the council bound to the statement's last parameter. */
const HEARS_COUNCIL = 'removed_at IS NULL AND (council_codes IS NULL OR EXISTS (SELECT 1 FROM json_each(council_codes) WHERE value = ?))';

const SUBSCRIPTION_COLUMNS = 'id, url, council_codes, created_at, paused_at, consecutive_failures';

export class NationalSubscriptions {
  private readonly statements;

  static open(path: string): NationalSubscriptions {
    return new NationalSubscriptions(openNationalWebhooksDatabase(path), true);
  }

  constructor(
    readonly database: Database.Database,
    private readonly ownsDatabase = false,
  ) {
    const db = database;
    this.statements = {
      cursor: db.prepare('SELECT seq FROM national_log_cursor').pluck(),
      setCursor: db.prepare('INSERT INTO national_log_cursor (only_row, seq) VALUES (1, ?) ON CONFLICT (only_row) DO UPDATE SET seq = excluded.seq'),
      storeEvent: db.prepare('INSERT INTO webhook_events (id, council_code, type, payload, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'),
      eventSeq: db.prepare<[string]>('SELECT seq FROM webhook_events WHERE id = ?').pluck(),
      // Paused subscriptions are queued too: resuming sends what they missed.
      listening: db.prepare<[string]>(`SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE ${HEARS_COUNCIL})`).pluck(),
      queue: db.prepare<[number, string]>(
        `INSERT INTO webhook_deliveries (subscription_id, event_seq) SELECT id, ? FROM webhook_subscriptions WHERE ${HEARS_COUNCIL} ON CONFLICT DO NOTHING`,
      ),
      owned: db.prepare<[string, string], SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE owner = ? AND id = ? AND removed_at IS NULL`),
      ownedAll: db.prepare<[string], SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE owner = ? AND removed_at IS NULL ORDER BY created_at, id`),
      countOwned: db.prepare<[string]>('SELECT COUNT(*) FROM webhook_subscriptions WHERE owner = ? AND removed_at IS NULL').pluck(),
    };
  }

  /**
   * Registers `url` for `owner` (an API key's client name). The secret is returned here only: it is never
   * shown again. `councils` (GSS codes) limits it to their events; absent or null = every council.
   */
  add(owner: string, input: { url: unknown; councils?: unknown }, isKnownCouncil: (code: string) => boolean = () => true): { subscription: NationalSubscription; secret: string } {
    const problem = webhookUrlProblem(input.url);
    if (problem) throw new NationalWebhookError('invalid', `${problem}.`);
    const councils = councilFilter(input.councils, isKnownCouncil);
    const secret = newWebhookSecret();
    const id = `whn_${randomUUID()}`;
    this.database
      .transaction(() => {
        if ((this.statements.countOwned.get(owner) as number) >= MAX_SUBSCRIPTIONS_PER_OWNER) {
          throw new NationalWebhookError('limit', `An app may have at most ${MAX_SUBSCRIPTIONS_PER_OWNER} national webhook subscriptions; remove one first.`);
        }
        this.database
          .prepare('INSERT INTO webhook_subscriptions (id, owner, url, secret, council_codes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, owner, input.url as string, secret, councils === null ? null : JSON.stringify(councils), new Date().toISOString());
      })
      .immediate();
    return { subscription: this.get(owner, id)!, secret };
  }

  list(owner: string): NationalSubscription[] {
    return this.statements.ownedAll.all(owner).map(toSubscription);
  }

  /** The owner's live subscription `id`; null for none, including another app's (no probing across apps). */
  get(owner: string, id: string): NationalSubscription | null {
    const row = this.statements.owned.get(owner, id);
    return row ? toSubscription(row) : null;
  }

  /** Stops deliveries to it, queued ones included; its log is kept. */
  remove(owner: string, id: string): void {
    const done = this.database.prepare('UPDATE webhook_subscriptions SET removed_at = ? WHERE owner = ? AND id = ? AND removed_at IS NULL').run(new Date().toISOString(), owner, id);
    if (done.changes === 0) throw notFound(id);
  }

  /** Unpauses it and makes its pending deliveries due at once. */
  resume(owner: string, id: string): NationalSubscription {
    if (!resumeSubscription(this.database, id, { sql: 'owner = ?', value: owner })) throw notFound(id);
    return this.get(owner, id)!;
  }

  /** The latest attempts, newest first. */
  log(owner: string, id: string, limit = 50): DeliveryLogEntry[] {
    if (!this.get(owner, id)) throw notFound(id);
    return deliveryLogOf(this.database, id, limit);
  }

  /**
   * Turns the log's new events into deliveries and moves the cursor past them, in one transaction per batch.
   * The first run starts at the log's end: subscriptions hear events from when national webhooks first ran.
   * Returns how many events were read.
   */
  collect(source: NationalEventSource): number {
    let read = 0;
    for (;;) {
      const latest = source.latestSeq();
      let cursor = this.statements.cursor.get() as number | undefined;
      if (cursor === undefined) {
        this.statements.setCursor.run(latest);
        return read;
      }
      if (cursor > latest) {
        // The log is behind the cursor: it was replaced by a fresh file, whose events are all new to us.
        this.statements.setCursor.run(0);
        cursor = 0;
      }
      if (cursor >= latest) return read;
      const events = source.readAfter(cursor, COLLECT_BATCH);
      if (events.length === 0) return read;
      this.database
        .transaction(() => {
          // Another process sharing this file may have collected some of them meanwhile.
          const current = this.statements.cursor.get() as number;
          for (const event of events) {
            // Only events someone is to hear are copied into the outbox.
            if (event.seq <= current || this.statements.listening.get(event.councilCode) !== 1) continue;
            this.statements.storeEvent.run(event.id, event.councilCode, event.type, event.payload, event.occurredAt);
            this.statements.queue.run(this.statements.eventSeq.get(event.id) as number, event.councilCode);
          }
          this.statements.setCursor.run(Math.max(current, events[events.length - 1].seq));
        })
        .immediate();
      read += events.length;
      if (events.length < COLLECT_BATCH) return read;
    }
  }

  close(): void {
    if (this.ownsDatabase && this.database.open) this.database.close();
  }
}

function notFound(id: string): NationalWebhookError {
  // The same answer whether it never existed or is another app's.
  return new NationalWebhookError('not-found', `You have no national webhook subscription ${id}.`);
}

/** The `councils` filter as given: absent/null = every council, else a non-empty list of known GSS codes. */
function councilFilter(value: unknown, isKnownCouncil: (code: string) => boolean): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > 500) {
    throw new NationalWebhookError('invalid', 'councils must be a list of 1 to 500 GSS council codes such as ["E06000038"], or left out for every council.');
  }
  const problems: string[] = [];
  for (const code of value) {
    if (!isGssCode(code)) problems.push(`${JSON.stringify(code)} is not a GSS council code such as E06000038`);
    else if (!isKnownCouncil(code)) problems.push(`${code} is not a council Binfo knows`);
  }
  if (problems.length > 0) throw new NationalWebhookError('invalid', `councils: ${problems.join('; ')}.`);
  return [...new Set(value as string[])].sort();
}
