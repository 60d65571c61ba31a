// Disruptions a council's waste team posts, kept in SQLite by the council host.
//
// Durability: WAL with synchronous = FULL, so a committed write is on disk before the API answers 201;
// a crash (or power cut) after the answer cannot lose it.
// Speed: the kit calls `forCouncil` on every request, so it is served from memory. The cache is dropped
// by this store's own writes and whenever `PRAGMA data_version` says another connection (another
// process, the CLI, a second store on the same file) committed something.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { disruptionProblems, parsePostcodeArea, type Disruption, type DisruptionArea, type DisruptionEffect } from '../../../domain/disruptions/apply.js';
import type { ChangeReason, IsoDate, ServiceType } from '../../../domain/types.js';
import type { DisruptionReader } from '../subgraph.js';
import { disruptionJson } from './disruption-json.js';
import { projectPath } from '../../../lib/project-path.js';
import { openDurableDatabase } from '../../../lib/sqlite/durable-database.js';

/** `<project>/var/disruptions.sqlite` (resolved from this file, not the cwd); npm start passes BINFO_DISRUPTIONS_DB's. */
export const DEFAULT_DISRUPTIONS_DB = projectPath('var', 'disruptions.sqlite');

/** What a council team writes; the store adds id, councilCode and the timestamps. */
export interface DisruptionInput {
  title: string;
  reason: ChangeReason;
  message?: string | null;
  /** null or absent = every service. */
  serviceTypes?: ServiceType[] | null;
  area: DisruptionArea;
  effect: DisruptionEffect;
  startsOn: IsoDate;
  /** null or absent = until further notice. */
  endsOn?: IsoDate | null;
  url?: string | null;
}

/** A partial edit: absent keys keep their value; null clears the nullable ones. */
export type DisruptionPatch = Partial<DisruptionInput>;

/**
 * Who made a change, for the audit trail: a named person of the council (the console), the council's
 * token (its own systems, through the API) or the CLI (an administrator on the host).
 */
export type DisruptionActor = { kind: 'person'; accountId: string; name: string } | { kind: 'token'; name?: string } | { kind: 'cli'; name?: string };

/** The default for callers that do not say: the council's own systems, through its token. */
export const TOKEN_ACTOR: DisruptionActor = { kind: 'token' };

export type AuditAction = 'drafted' | 'published' | 'changed' | 'withdrawn' | 'reviewed' | 'discarded';

/** One line of the audit trail, newest first when listed. */
export interface AuditEntry {
  seq: number;
  councilCode: string;
  disruptionId: string | null;
  draftId: string | null;
  action: AuditAction;
  /** `person:<account id>`, `token` or `cli`. */
  actor: string;
  actorName: string;
  /** What changed: for a change, each changed field's value before and after. */
  detail: Record<string, unknown> | null;
  at: string;
}

/** A disruption as filled in so far in the console: every field optional until it is published. */
export type DraftInput = Partial<DisruptionInput>;

export interface DisruptionDraft {
  id: string;
  councilCode: string;
  input: DraftInput;
  /** The published disruption this draft changes; null for a new one. */
  disruptionId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export class DisruptionStoreError extends Error {}

export class DisruptionValidationError extends DisruptionStoreError {
  constructor(readonly problems: string[]) {
    super(`The disruption is not valid: ${problems.join('; ')}`);
  }
}

export class DisruptionNotFoundError extends DisruptionStoreError {
  constructor(councilCode: string, id: string) {
    // The same answer whether the id does not exist or belongs to another council: no probing across councils.
    super(`Council ${councilCode} has no disruption ${id}.`);
  }
}

export class DraftNotFoundError extends DisruptionStoreError {
  constructor(councilCode: string, id: string) {
    // As for disruptions: the same answer for another council's draft as for none.
    super(`Council ${councilCode} has no draft ${id}.`);
  }
}

export class DisruptionWithdrawnError extends DisruptionStoreError {
  constructor(readonly disruption: Disruption) {
    super(`Disruption ${disruption.id} was withdrawn at ${disruption.withdrawnAt} and can no longer be edited; post a new one.`);
  }
}

const PATCHABLE = ['title', 'reason', 'message', 'serviceTypes', 'area', 'effect', 'startsOn', 'endsOn', 'url'] as const satisfies readonly (keyof DisruptionInput)[];
const GSS_CODE = /^[A-Z]\d{8}$/;
const LIMITS = { title: 200, message: 2000, url: 2000, areaEntries: 1000, roundId: 100 };

/** Bump when the schema changes, and add the step to MIGRATIONS. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE disruptions (
     id TEXT PRIMARY KEY,
     council_code TEXT NOT NULL,
     title TEXT NOT NULL,
     reason TEXT NOT NULL,
     message TEXT,
     service_types TEXT,          -- JSON array; NULL = every service
     area TEXT NOT NULL,          -- JSON DisruptionArea
     effect TEXT NOT NULL,        -- JSON DisruptionEffect
     starts_on TEXT NOT NULL,
     ends_on TEXT,
     url TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     withdrawn_at TEXT
   );
   CREATE INDEX disruptions_by_council ON disruptions (council_code, created_at);
   CREATE TABLE council_tokens (
     token_hash BLOB PRIMARY KEY, -- SHA-256 of the token; the token itself is never stored
     council_code TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE INDEX council_tokens_by_council ON council_tokens (council_code);`,
  // Webhooks. Every disruption write adds its event to the outbox in the same transaction, and the trigger
  // queues one delivery per live subscription of that council in that transaction too: a crash after the
  // commit leaves the deliveries on disk, a crash before it leaves neither the disruption nor its event.
  `CREATE TABLE webhook_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,     -- sent as binfo-event-id: the receiver's idempotency key
     council_code TEXT NOT NULL,
     type TEXT NOT NULL,          -- disruption.published | disruption.changed | disruption.withdrawn
     payload TEXT NOT NULL,       -- the disruption as JSON, as the API shows it
     created_at TEXT NOT NULL
   );
   CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY,
     council_code TEXT NOT NULL,
     url TEXT NOT NULL,
     secret TEXT NOT NULL,        -- kept in clear: it must sign; shown to the app once, at creation
     created_at TEXT NOT NULL,
     removed_at TEXT,
     paused_at TEXT,
     consecutive_failures INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX webhook_subscriptions_by_council ON webhook_subscriptions (council_code);
   CREATE TABLE webhook_deliveries (
     subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
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
   CREATE INDEX webhook_delivery_log_by_subscription ON webhook_delivery_log (subscription_id, at);
   CREATE TRIGGER webhook_events_fan_out AFTER INSERT ON webhook_events BEGIN
     INSERT INTO webhook_deliveries (subscription_id, event_seq)
       SELECT id, NEW.seq FROM webhook_subscriptions WHERE council_code = NEW.council_code AND removed_at IS NULL;
   END;`,
  // The council console (subgraphs/council/console/): named people of a council, their sessions.
  `CREATE TABLE console_accounts (
     id TEXT PRIMARY KEY,
     council_code TEXT NOT NULL,
     email TEXT NOT NULL,         -- lower-cased; one account per address
     name TEXT NOT NULL,
     roles TEXT NOT NULL,         -- JSON array of editor | publisher
     password_hash TEXT NOT NULL, -- scrypt, with its parameters and salt; never the password
     failed_attempts INTEGER NOT NULL DEFAULT 0,
     locked_until INTEGER,        -- epoch ms; sign-in refused until then
     created_at TEXT NOT NULL,
     disabled_at TEXT
   );
   CREATE UNIQUE INDEX console_accounts_by_email ON console_accounts (email);
   CREATE TABLE console_sessions (
     id_hash BLOB PRIMARY KEY,    -- SHA-256 of the cookie's session id; the id itself is never stored
     account_id TEXT NOT NULL REFERENCES console_accounts (id),
     csrf_token TEXT NOT NULL,
     created_at INTEGER NOT NULL, -- epoch ms
     last_seen_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX console_sessions_by_account ON console_sessions (account_id);`,
  // Drafts (an editor's disruption before a publisher publishes it) and the audit trail of every change.
  `CREATE TABLE disruption_drafts (
     id TEXT PRIMARY KEY,
     council_code TEXT NOT NULL,
     input TEXT NOT NULL,         -- JSON: the DisruptionInput as filled in so far
     disruption_id TEXT,          -- the published disruption this draft changes; NULL for a new one
     created_by TEXT NOT NULL,    -- console account id
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX disruption_drafts_by_council ON disruption_drafts (council_code, updated_at);
   CREATE TABLE disruption_audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     council_code TEXT NOT NULL,
     disruption_id TEXT,
     draft_id TEXT,
     action TEXT NOT NULL,        -- drafted | published | changed | withdrawn | reviewed | discarded
     actor TEXT NOT NULL,         -- person:<account id> | token | cli
     actor_name TEXT NOT NULL,
     detail TEXT,                 -- JSON: what changed
     at TEXT NOT NULL
   );
   CREATE INDEX disruption_audit_by_council ON disruption_audit (council_code, seq);
   ALTER TABLE disruptions ADD COLUMN reviewed_at TEXT; -- open-ended ones: when a person last confirmed it still holds`,
];

export type WebhookEventType = 'disruption.published' | 'disruption.changed' | 'disruption.withdrawn';

/**
 * Opens (creating directories and tables as needed) the SQLite file holding disruptions and council
 * tokens. Shared by DisruptionStore and CouncilTokens, so both can use one connection or one each.
 */
export function openDisruptionsDatabase(path: string): Database.Database {
  return openDurableDatabase(path, { name: 'disruptions', migrations: MIGRATIONS });
}

interface DisruptionRow {
  id: string;
  council_code: string;
  title: string;
  reason: string;
  message: string | null;
  service_types: string | null;
  area: string;
  effect: string;
  starts_on: string;
  ends_on: string | null;
  url: string | null;
  created_at: string;
  updated_at: string;
  withdrawn_at: string | null;
}

const COLUMNS = 'id, council_code, title, reason, message, service_types, area, effect, starts_on, ends_on, url, created_at, updated_at, withdrawn_at';

export class DisruptionStore implements DisruptionReader {
  private readonly cache = new Map<string, readonly Disruption[]>();
  private readonly commitListeners = new Set<() => void>();
  private seenDataVersion: number;
  private readonly statements;

  static open(path: string): DisruptionStore {
    return new DisruptionStore(openDisruptionsDatabase(path), true);
  }

  /** Over a connection opened by `openDisruptionsDatabase`; `ownsDatabase` decides whether close() closes it. */
  constructor(
    readonly database: Database.Database,
    private readonly ownsDatabase = false,
  ) {
    this.statements = {
      dataVersion: database.prepare('PRAGMA data_version').pluck(),
      // Withdrawn ones never change a collection, so the hot path does not carry them.
      inForce: database.prepare<[string], DisruptionRow>(
        `SELECT ${COLUMNS} FROM disruptions WHERE council_code = ? AND withdrawn_at IS NULL ORDER BY created_at DESC, rowid DESC`,
      ),
      all: database.prepare<[string], DisruptionRow>(`SELECT ${COLUMNS} FROM disruptions WHERE council_code = ? ORDER BY created_at DESC, rowid DESC`),
      one: database.prepare<[string, string], DisruptionRow>(`SELECT ${COLUMNS} FROM disruptions WHERE council_code = ? AND id = ?`),
      insert: database.prepare(
        `INSERT INTO disruptions (${COLUMNS}) VALUES (@id, @council_code, @title, @reason, @message, @service_types, @area, @effect, @starts_on, @ends_on, @url, @created_at, @updated_at, @withdrawn_at)`,
      ),
      event: database.prepare('INSERT INTO webhook_events (id, council_code, type, payload, created_at) VALUES (?, ?, ?, ?, ?)'),
      update: database.prepare(
        `UPDATE disruptions SET title = @title, reason = @reason, message = @message, service_types = @service_types, area = @area, effect = @effect,
           starts_on = @starts_on, ends_on = @ends_on, url = @url, updated_at = @updated_at, withdrawn_at = @withdrawn_at
         WHERE council_code = @council_code AND id = @id`,
      ),
      reviewed: database.prepare<[string, string, string]>('UPDATE disruptions SET reviewed_at = ? WHERE council_code = ? AND id = ?'),
      reviewTimes: database.prepare<[string], { id: string; reviewed_at: string | null }>(
        'SELECT id, reviewed_at FROM disruptions WHERE council_code = ? AND withdrawn_at IS NULL AND ends_on IS NULL',
      ),
      audit: database.prepare(
        `INSERT INTO disruption_audit (council_code, disruption_id, draft_id, action, actor, actor_name, detail, at)
         VALUES (@council_code, @disruption_id, @draft_id, @action, @actor, @actor_name, @detail, @at)`,
      ),
      auditOf: database.prepare<[string, number], AuditRow>(
        'SELECT seq, council_code, disruption_id, draft_id, action, actor, actor_name, detail, at FROM disruption_audit WHERE council_code = ? ORDER BY seq DESC LIMIT ?',
      ),
      auditOfDisruption: database.prepare<[string, string, number], AuditRow>(
        'SELECT seq, council_code, disruption_id, draft_id, action, actor, actor_name, detail, at FROM disruption_audit WHERE council_code = ? AND disruption_id = ? ORDER BY seq DESC LIMIT ?',
      ),
      draftInsert: database.prepare(
        `INSERT INTO disruption_drafts (id, council_code, input, disruption_id, created_by, created_at, updated_at)
         VALUES (@id, @council_code, @input, @disruption_id, @created_by, @created_at, @updated_at)`,
      ),
      draftUpdate: database.prepare<[string, string, string, string]>('UPDATE disruption_drafts SET input = ?, updated_at = ? WHERE council_code = ? AND id = ?'),
      draftOne: database.prepare<[string, string], DraftRow>('SELECT * FROM disruption_drafts WHERE council_code = ? AND id = ?'),
      draftsOf: database.prepare<[string], DraftRow>('SELECT * FROM disruption_drafts WHERE council_code = ? ORDER BY updated_at DESC, rowid DESC'),
      draftDelete: database.prepare<[string, string]>('DELETE FROM disruption_drafts WHERE council_code = ? AND id = ?'),
    };
    this.seenDataVersion = this.statements.dataVersion.get() as number;
  }

  /** The council's disruptions that are not withdrawn (past, present and future), newest first. */
  forCouncil(councilCode: string): Disruption[] {
    this.dropCacheIfChangedElsewhere();
    let list = this.cache.get(councilCode);
    if (!list) {
      list = Object.freeze(this.statements.inForce.all(councilCode).map(fromRow));
      this.cache.set(councilCode, list);
    }
    // A copy of the list (the records themselves are frozen), so no caller can change what others see.
    return [...list];
  }

  /** Every disruption of the council, withdrawn ones included, newest first. Read from disk: not for the hot path. */
  list(councilCode: string): Disruption[] {
    return this.statements.all.all(councilCode).map(fromRow);
  }

  get(councilCode: string, id: string): Disruption | null {
    const row = this.statements.one.get(councilCode, id);
    return row ? fromRow(row) : null;
  }

  /**
   * Publishes a disruption: the row, its webhook event and its audit line commit together. `fromDraft`
   * (the console) deletes that draft in the same transaction, so a draft is never published twice.
   */
  create(councilCode: string, input: DisruptionInput, actor: DisruptionActor = TOKEN_ACTOR, options: { fromDraft?: string } = {}): Disruption {
    const disruption = checked(normalised(disruptionFromInput(councilCode, randomUUID(), input, new Date().toISOString())));
    this.write(() => {
      if (options.fromDraft !== undefined && this.statements.draftDelete.run(councilCode, options.fromDraft).changes === 0) {
        throw new DraftNotFoundError(councilCode, options.fromDraft);
      }
      this.statements.insert.run(toRow(disruption));
      this.recordEvent('disruption.published', disruption);
      this.recordAudit(councilCode, actor, 'published', { disruptionId: disruption.id, draftId: options.fromDraft ?? null, detail: { title: disruption.title } });
    });
    return disruption;
  }

  /** Applies a partial edit and bumps updatedAt; a withdrawn disruption cannot be edited. */
  update(councilCode: string, id: string, patch: DisruptionPatch, actor: DisruptionActor = TOKEN_ACTOR): Disruption {
    return this.write(() => {
      const current = this.existing(councilCode, id);
      if (current.withdrawnAt !== null) throw new DisruptionWithdrawnError(current);
      // Only the editable fields, and only those given: absent (or undefined) keeps, null clears.
      const changes = Object.fromEntries(PATCHABLE.filter((key) => patch[key] !== undefined).map((key) => [key, patch[key]]));
      const next = checked(normalised({ ...current, ...changes, updatedAt: laterThan(current.updatedAt) }));
      this.statements.update.run(toRow(next));
      this.recordEvent('disruption.changed', next);
      this.recordAudit(councilCode, actor, 'changed', { disruptionId: id, detail: changedFields(current, next) });
      return next;
    });
  }

  /** Marks the disruption withdrawn. Withdrawing it again changes nothing and returns the same record. */
  withdraw(councilCode: string, id: string, actor: DisruptionActor = TOKEN_ACTOR): Disruption {
    return this.write(() => {
      const current = this.existing(councilCode, id);
      if (current.withdrawnAt !== null) return current;
      const now = laterThan(current.updatedAt);
      const withdrawn: Disruption = { ...current, updatedAt: now, withdrawnAt: now };
      this.statements.update.run(toRow(withdrawn));
      this.recordEvent('disruption.withdrawn', withdrawn);
      this.recordAudit(councilCode, actor, 'withdrawn', { disruptionId: id, detail: { title: current.title } });
      return withdrawn;
    });
  }

  /** A person confirms an open-ended disruption still holds: the console's reminder stops until the next interval. */
  markReviewed(councilCode: string, id: string, actor: DisruptionActor, at: Date = new Date()): void {
    this.write(() => {
      const current = this.existing(councilCode, id);
      if (current.withdrawnAt !== null) throw new DisruptionWithdrawnError(current);
      this.statements.reviewed.run(at.toISOString(), councilCode, id);
      this.recordAudit(councilCode, actor, 'reviewed', { disruptionId: id, detail: { title: current.title } }, at);
    });
  }

  /**
   * When each open-ended disruption in force was last confirmed by a person: its last review or its last
   * change, whichever is later (a change is made by someone looking at it).
   */
  lastConfirmed(councilCode: string): Map<string, string> {
    const reviewed = new Map(this.statements.reviewTimes.all(councilCode).map((row) => [row.id, row.reviewed_at]));
    const times = new Map<string, string>();
    for (const d of this.forCouncil(councilCode)) {
      if (!reviewed.has(d.id)) continue;
      const review = reviewed.get(d.id) ?? null;
      times.set(d.id, review !== null && review > d.updatedAt ? review : d.updatedAt);
    }
    return times;
  }

  /** The council's audit trail, newest first. */
  auditTrail(councilCode: string, limit = 200): AuditEntry[] {
    return this.statements.auditOf.all(councilCode, limit).map(auditEntryOf);
  }

  /** One disruption's audit lines, newest first. */
  auditTrailOf(councilCode: string, disruptionId: string, limit = 200): AuditEntry[] {
    return this.statements.auditOfDisruption.all(councilCode, disruptionId, limit).map(auditEntryOf);
  }


  // ---- Drafts (the console's disruptions before a publisher publishes them) ----------------------

  /** Starts a draft; audited as drafted. Drafts are not validated as a whole until they are published. */
  createDraft(councilCode: string, input: DraftInput, actor: DisruptionActor & { kind: 'person' }, options: { disruptionId?: string } = {}): DisruptionDraft {
    const now = new Date().toISOString();
    const draft: DisruptionDraft = { id: randomUUID(), councilCode, input, disruptionId: options.disruptionId ?? null, createdBy: actor.accountId, createdAt: now, updatedAt: now };
    this.database
      .transaction(() => {
        this.statements.draftInsert.run({
          id: draft.id,
          council_code: councilCode,
          input: JSON.stringify(input),
          disruption_id: draft.disruptionId,
          created_by: draft.createdBy,
          created_at: now,
          updated_at: now,
        });
        this.recordAudit(councilCode, actor, 'drafted', { draftId: draft.id, detail: input.title ? { title: input.title } : null });
      })
      .immediate();
    return draft;
  }

  /** Replaces what the draft holds so far (a step of the console's form was saved). */
  saveDraft(councilCode: string, id: string, input: DraftInput): DisruptionDraft {
    const now = new Date().toISOString();
    if (this.statements.draftUpdate.run(JSON.stringify(input), now, councilCode, id).changes === 0) throw new DraftNotFoundError(councilCode, id);
    return this.draft(councilCode, id)!;
  }

  draft(councilCode: string, id: string): DisruptionDraft | null {
    const row = this.statements.draftOne.get(councilCode, id);
    return row ? draftFromRow(row) : null;
  }

  drafts(councilCode: string): DisruptionDraft[] {
    return this.statements.draftsOf.all(councilCode).map(draftFromRow);
  }

  discardDraft(councilCode: string, id: string, actor: DisruptionActor): void {
    this.database
      .transaction(() => {
        const draft = this.statements.draftOne.get(councilCode, id);
        if (!draft) throw new DraftNotFoundError(councilCode, id);
        this.statements.draftDelete.run(councilCode, id);
        const title = (JSON.parse(draft.input) as DraftInput).title;
        this.recordAudit(councilCode, actor, 'discarded', { draftId: id, detail: title ? { title } : null });
      })
      .immediate();
  }

  /** Called after each committed write (e.g. to wake the webhook deliverer); returns a function that unsubscribes. */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  close(): void {
    this.cache.clear();
    if (this.ownsDatabase && this.database.open) this.database.close();
  }

  private existing(councilCode: string, id: string): Disruption {
    const row = this.statements.one.get(councilCode, id);
    if (!row) throw new DisruptionNotFoundError(councilCode, id);
    return fromRow(row);
  }

  /**
   * Runs a write in an IMMEDIATE transaction (the write lock is taken before the read, so a
   * read-modify-write cannot interleave with another process) and drops the cache: data_version
   * does not change for this connection's own commits.
   */
  private write<T>(body: () => T): T {
    let result: T;
    try {
      result = this.database.transaction(body).immediate();
    } finally {
      this.cache.clear();
    }
    for (const listener of this.commitListeners) {
      try {
        listener();
      } catch {
        /* a listener's failure must not turn a committed write into an error */
      }
    }
    return result;
  }

  /** Inside the write's transaction: the event commits with the disruption or not at all. */
  private recordEvent(type: WebhookEventType, disruption: Disruption): void {
    this.statements.event.run(randomUUID(), disruption.councilCode, type, JSON.stringify(disruptionJson(disruption)), new Date().toISOString());
  }

  /** Inside the write's transaction: the audit line commits with the change or not at all. */
  private recordAudit(
    councilCode: string,
    actor: DisruptionActor,
    action: AuditAction,
    about: { disruptionId?: string | null; draftId?: string | null; detail?: Record<string, unknown> | null },
    at: Date = new Date(),
  ): void {
    this.statements.audit.run({
      council_code: councilCode,
      disruption_id: about.disruptionId ?? null,
      draft_id: about.draftId ?? null,
      action,
      actor: actorId(actor),
      actor_name: actorName(actor),
      detail: about.detail ? JSON.stringify(about.detail) : null,
      at: at.toISOString(),
    });
  }

  private dropCacheIfChangedElsewhere(): void {
    // One cheap pragma per call (microseconds): it changes only when another connection commits.
    const version = this.statements.dataVersion.get() as number;
    if (version !== this.seenDataVersion) {
      this.seenDataVersion = version;
      this.cache.clear();
    }
  }
}

function actorId(actor: DisruptionActor): string {
  return actor.kind === 'person' ? `person:${actor.accountId}` : actor.kind;
}

function actorName(actor: DisruptionActor): string {
  if (actor.kind === 'person') return actor.name;
  return actor.name ?? (actor.kind === 'token' ? "The council's systems (API token)" : 'An administrator (command line)');
}

/** Each field a change touched, with its value before and after: what the audit trail shows. */
function changedFields(before: Disruption, after: Disruption): Record<string, { from: unknown; to: unknown }> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of PATCHABLE) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = { from: before[key], to: after[key] };
  }
  return changed;
}

function auditEntryOf(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    councilCode: row.council_code,
    disruptionId: row.disruption_id,
    draftId: row.draft_id,
    action: row.action as AuditAction,
    actor: row.actor,
    actorName: row.actor_name,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    at: row.at,
  };
}

interface AuditRow {
  seq: number;
  council_code: string;
  disruption_id: string | null;
  draft_id: string | null;
  action: string;
  actor: string;
  actor_name: string;
  detail: string | null;
  at: string;
}

interface DraftRow {
  id: string;
  council_code: string;
  input: string;
  disruption_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

function draftFromRow(row: DraftRow): DisruptionDraft {
  return {
    id: row.id,
    councilCode: row.council_code,
    input: JSON.parse(row.input) as DraftInput,
    disruptionId: row.disruption_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The disruption a council's input describes, as first published at `now` (not yet checked or tidied). */
export function disruptionFromInput(councilCode: string, id: string, input: DisruptionInput, now: string): Disruption {
  return {
    id,
    councilCode,
    title: input.title,
    reason: input.reason,
    message: input.message ?? null,
    serviceTypes: input.serviceTypes ?? null,
    area: input.area,
    effect: input.effect,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? null,
    url: input.url ?? null,
    createdAt: now,
    updatedAt: now,
    withdrawnAt: null,
  };
}

/** Now, but strictly after `previous`, so "most recently updated" stays well-defined even within one millisecond. */
function laterThan(previous: string): string {
  const now = Date.now();
  const before = Date.parse(previous);
  return new Date(Number.isNaN(before) || now > before ? now : before + 1).toISOString();
}

// ---- Validation and normalisation ------------------------------------------------------------

/** Tidies what people type: trimmed text, empty text as null, postcodes written canonically, no duplicates. */
function normalised(d: Disruption): Disruption {
  const text = (value: string | null) => (value === null || typeof value !== 'string' ? value : value.trim() || null);
  return {
    ...d,
    title: typeof d.title === 'string' ? d.title.trim() : d.title,
    message: text(d.message),
    url: text(d.url),
    serviceTypes: Array.isArray(d.serviceTypes) ? [...new Set(d.serviceTypes)] : d.serviceTypes,
    area: normalisedArea(d.area),
  };
}

function normalisedArea(area: DisruptionArea): DisruptionArea {
  if (area?.kind === 'postcodes' && Array.isArray(area.postcodes)) {
    const canonical = area.postcodes.map((entry) => {
      const parts = typeof entry === 'string' ? parsePostcodeArea(entry) : null;
      return parts ? `${parts.outward}${parts.inwardPrefix ? ` ${parts.inwardPrefix}` : ''}` : entry;
    });
    return { kind: 'postcodes', postcodes: [...new Set(canonical)] };
  }
  if (area?.kind === 'rounds' && Array.isArray(area.roundIds)) {
    return { kind: 'rounds', roundIds: [...new Set(area.roundIds.map((id) => (typeof id === 'string' ? id.trim() : id)))] };
  }
  return area;
}

/** The disruption, or a DisruptionValidationError listing every problem (the domain's checks and the store's). */
function checked(d: Disruption): Disruption {
  const shape = shapeProblems(d);
  // The domain's checks assume the shapes (lists are lists, known kinds); everything else is reported together.
  const problems = [...shape, ...contentProblems(d), ...(shape.length === 0 ? disruptionProblems(d) : [])];
  if (problems.length > 0) throw new DisruptionValidationError(problems);
  // A frozen copy: the cache hands these records to every request, and the caller's objects stay theirs.
  return deepFreeze(structuredClone(d));
}

/** Wrong types or kinds: the store is a boundary too (scripts call it directly), so do not trust TypeScript alone. */
function shapeProblems(d: Disruption): string[] {
  const problems: string[] = [];
  if (d.serviceTypes !== null && !Array.isArray(d.serviceTypes)) problems.push('serviceTypes must be a list, or null for every service');
  for (const [name, value] of [['startsOn', d.startsOn], ['endsOn', d.endsOn]] as const) {
    if (value !== null && typeof value !== 'string') problems.push(`${name} must be a date written YYYY-MM-DD`);
  }
  const { area, effect } = d;
  if (area?.kind === 'postcodes') {
    if (!Array.isArray(area.postcodes) || area.postcodes.some((p) => typeof p !== 'string')) problems.push('area.postcodes must be a list of postcodes');
  } else if (area?.kind === 'rounds') {
    if (!Array.isArray(area.roundIds) || area.roundIds.some((id) => typeof id !== 'string')) problems.push('area.roundIds must be a list of round ids');
  } else if (area?.kind !== 'council') {
    problems.push('area must be the whole council, a list of postcodes or a list of rounds');
  }
  if (effect?.kind === 'leave-out') {
    if (effect.note !== undefined && typeof effect.note !== 'string') problems.push('effect.note must be text');
  } else if (effect?.kind !== 'cancelled' && effect?.kind !== 'delayed') {
    problems.push('effect must be cancelled, delayed by a number of days, or leave-out');
  }
  return problems;
}

/** Limits the domain does not set: what a banner, a log line and a database row can sensibly hold. */
function contentProblems(d: Disruption): string[] {
  const problems: string[] = [];
  if (typeof d.councilCode !== 'string' || !GSS_CODE.test(d.councilCode)) problems.push(`councilCode must be a GSS code such as E06000038, got ${JSON.stringify(d.councilCode)}`);
  if (typeof d.title !== 'string' || d.title.length === 0) problems.push('title must not be empty');
  else if (d.title.length > LIMITS.title) problems.push(`title must be at most ${LIMITS.title} characters (it has ${d.title.length})`);
  if (d.message !== null && (typeof d.message !== 'string' || d.message.length > LIMITS.message)) problems.push(`message must be text of at most ${LIMITS.message} characters`);
  if (d.url !== null && !isWebUrl(d.url)) problems.push(`url must be an http(s) address of at most ${LIMITS.url} characters, got ${JSON.stringify(d.url)}`);
  const { area, effect } = d;
  if (area?.kind === 'postcodes' && Array.isArray(area.postcodes) && area.postcodes.length > LIMITS.areaEntries) {
    problems.push(`area.postcodes must list at most ${LIMITS.areaEntries} entries`);
  }
  if (area?.kind === 'rounds' && Array.isArray(area.roundIds)) {
    if (area.roundIds.length > LIMITS.areaEntries) problems.push(`area.roundIds must list at most ${LIMITS.areaEntries} rounds`);
    for (const id of area.roundIds) {
      if (typeof id === 'string' && (id.length === 0 || id.length > LIMITS.roundId)) problems.push(`area.roundIds: ${JSON.stringify(id)} is not a round id (1 to ${LIMITS.roundId} characters)`);
    }
  }
  if (effect?.kind === 'leave-out' && typeof effect.note === 'string' && effect.note.length > LIMITS.message) {
    problems.push(`effect.note must be at most ${LIMITS.message} characters`);
  }
  return problems;
}

function isWebUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > LIMITS.url) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// ---- Rows ----------------------------------------------------------------------------------------

function toRow(d: Disruption): DisruptionRow {
  return {
    id: d.id,
    council_code: d.councilCode,
    title: d.title,
    reason: d.reason,
    message: d.message,
    service_types: d.serviceTypes === null ? null : JSON.stringify(d.serviceTypes),
    area: JSON.stringify(d.area),
    effect: JSON.stringify(d.effect),
    starts_on: d.startsOn,
    ends_on: d.endsOn,
    url: d.url,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    withdrawn_at: d.withdrawnAt,
  };
}

function fromRow(row: DisruptionRow): Disruption {
  return deepFreeze({
    id: row.id,
    councilCode: row.council_code,
    title: row.title,
    reason: row.reason as ChangeReason,
    message: row.message,
    serviceTypes: row.service_types === null ? null : (JSON.parse(row.service_types) as ServiceType[]),
    area: JSON.parse(row.area) as DisruptionArea,
    effect: JSON.parse(row.effect) as DisruptionEffect,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    url: row.url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    withdrawnAt: row.withdrawn_at,
  });
}
