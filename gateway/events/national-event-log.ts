// The gateway's durable national event log: every disruption event heard from any council's stream, once,
// numbered in the order this gateway received it (`seq`). The national live stream (GET /events) and the
// national webhooks read it by cursor.
//
// STABLE API (other modules build on it; change it only compatibly):
//   append(event, source?)   -> the new national seq, or null when the event id is already in the log (a
//                               replay after a reconnect, or another process of this gateway got it first);
//                               `source` also records how far that council stream has been read, in the same
//                               transaction, so a restarted gateway resumes there
//   readAfter(seq, limit, councils?) -> up to `limit` events with seq > `seq`, oldest first (optionally of
//                               some councils only)
//   latestSeq()              -> the newest seq, 0 when empty
//   onAppend(listener)       -> called after each append by this process; returns the unsubscribe function
//   sourceCursor(url)        -> the last seq read from that source, or null
//   dataVersion()            -> SQLite's data_version: it changes when another connection (another gateway
//                               process on the file) commits, which onAppend cannot see; poll it to notice
// Readers keep their own cursors (a national seq) in their own tables; this log never forgets an event.
// Several gateway processes may share the file (WAL, busy timeout); `id` is UNIQUE, so each event is
// kept once however many of them relay it.
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../../lib/sqlite/durable-database.js';
import { webhookBody } from '../../lib/webhooks/deliverer.js';

export const DISRUPTION_EVENT_TYPES = ['disruption.published', 'disruption.changed', 'disruption.withdrawn'] as const;
export type DisruptionEventType = (typeof DISRUPTION_EVENT_TYPES)[number];

/** An event as a council sent it (already checked by the relay). */
export interface NationalEventInput {
  /** The council's event id: the same on every replay, so it is the key that de-duplicates. */
  id: string;
  councilCode: string;
  type: DisruptionEventType;
  /** The disruption as the council published it (JSON). */
  disruption: unknown;
  /** When the council wrote the event (ISO 8601). */
  occurredAt: string;
}

export interface NationalEvent {
  seq: number;
  id: string;
  councilCode: string;
  type: DisruptionEventType;
  /** The disruption as JSON text, exactly as stored. */
  payload: string;
  occurredAt: string;
  receivedAt: string;
}

/** `{"id","type","councilCode","createdAt","disruption"}`: the same body as a council's stream and webhooks. */
export function nationalEventBody(event: NationalEvent): string {
  return webhookBody({ ...event, createdAt: event.occurredAt });
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE national_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,      -- the council's event id: a replayed event is not kept twice
     council_code TEXT NOT NULL,
     type TEXT NOT NULL,           -- disruption.published | disruption.changed | disruption.withdrawn
     payload TEXT NOT NULL,        -- the disruption as JSON
     occurred_at TEXT NOT NULL,    -- when the council wrote it
     received_at TEXT NOT NULL     -- when this gateway heard it
   );
   CREATE INDEX national_events_by_council ON national_events (council_code, seq);
   CREATE TABLE event_sources (
     url TEXT PRIMARY KEY,         -- a council (host) event stream
     last_seq INTEGER NOT NULL,    -- the last event id read from it: sent as Last-Event-ID on reconnecting
     updated_at TEXT NOT NULL
   );`,
];

interface EventRow {
  seq: number;
  id: string;
  council_code: string;
  type: DisruptionEventType;
  payload: string;
  occurred_at: string;
  received_at: string;
}

const toEvent = (row: EventRow): NationalEvent => ({
  seq: row.seq,
  id: row.id,
  councilCode: row.council_code,
  type: row.type,
  payload: row.payload,
  occurredAt: row.occurred_at,
  receivedAt: row.received_at,
});

const COLUMNS = 'seq, id, council_code, type, payload, occurred_at, received_at';

export class NationalEventLog {
  private readonly listeners = new Set<(event: NationalEvent) => void>();
  /** The filtered read, prepared once per number of councils (streams re-read on every event). */
  private readonly filteredReads = new Map<number, Database.Statement<unknown[], EventRow>>();
  private readonly statements;

  static open(path: string, options: { now?: () => number } = {}): NationalEventLog {
    // Durable: an event the gateway has acknowledged reading (its cursor moved) must survive a crash.
    const db = openDurableDatabase(path, { name: 'national events', migrations: MIGRATIONS });
    return new NationalEventLog(db, options.now ?? Date.now);
  }

  private constructor(
    readonly database: Database.Database,
    private readonly now: () => number,
  ) {
    this.statements = {
      // Looked up first rather than ON CONFLICT DO NOTHING, which spends an AUTOINCREMENT number on every replay.
      known: database.prepare<[string]>('SELECT 1 FROM national_events WHERE id = ?').pluck(),
      insert: database.prepare<[string, string, string, string, string, string], EventRow>(
        `INSERT INTO national_events (id, council_code, type, payload, occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      ),
      cursor: database.prepare(
        `INSERT INTO event_sources (url, last_seq, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (url) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq), updated_at = excluded.updated_at`,
      ),
      sourceCursor: database.prepare<[string]>('SELECT last_seq FROM event_sources WHERE url = ?').pluck(),
      after: database.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM national_events WHERE seq > ? ORDER BY seq LIMIT ?`),
      latest: database.prepare('SELECT COALESCE(MAX(seq), 0) FROM national_events').pluck(),
      dataVersion: database.prepare('PRAGMA data_version').pluck(),
    };
  }

  /** Appends the event unless its id is already logged; returns its national seq, or null for a duplicate. */
  append(event: NationalEventInput, source?: { url: string; seq: number }): number | null {
    const receivedAt = new Date(this.now()).toISOString();
    const row = this.database
      .transaction(() => {
        const inserted = this.statements.known.get(event.id)
          ? undefined
          : this.statements.insert.get(event.id, event.councilCode, event.type, JSON.stringify(event.disruption), event.occurredAt, receivedAt);
        if (source) this.statements.cursor.run(source.url, source.seq, receivedAt);
        return inserted;
      })
      .immediate();
    if (!row) return null;
    const appended = toEvent(row);
    for (const listener of this.listeners) {
      try {
        listener(appended);
      } catch {
        /* a listener's failure must not undo or fail an append */
      }
    }
    return appended.seq;
  }

  /** Events after `seq`, oldest first, at most `limit`; only those of `councils` when given. */
  readAfter(seq: number, limit: number, councils?: readonly string[]): NationalEvent[] {
    if (!councils) return this.statements.after.all(seq, limit).map(toEvent);
    if (councils.length === 0) return [];
    let statement = this.filteredReads.get(councils.length);
    if (!statement) {
      statement = this.database.prepare<unknown[], EventRow>(
        `SELECT ${COLUMNS} FROM national_events WHERE seq > ? AND council_code IN (${councils.map(() => '?').join(', ')}) ORDER BY seq LIMIT ?`,
      );
      this.filteredReads.set(councils.length, statement);
    }
    return statement.all(seq, ...councils, limit).map(toEvent);
  }

  latestSeq(): number {
    return this.statements.latest.get() as number;
  }

  onAppend(listener: (event: NationalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last seq read from a council stream (its Last-Event-ID on reconnecting), or null if never read. */
  sourceCursor(url: string): number | null {
    return (this.statements.sourceCursor.get(url) as number | undefined) ?? null;
  }

  /** Changes when another connection (another gateway process) commits to the file: appends onAppend cannot see. */
  dataVersion(): number {
    return this.statements.dataVersion.get() as number;
  }

  close(): void {
    this.listeners.clear();
    if (this.database.open) this.database.close();
  }
}
