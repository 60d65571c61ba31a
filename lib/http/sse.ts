// Server-sent events (text/event-stream), both ends, shared by the council host's stream and the gateway's
// national stream and relay:
//   - SseConnection writes one stream: the head, events, heartbeat comments, and backpressure (a write the
//     socket will not take is awaited, never queued; a reader that takes nothing for `drainTimeoutMs` is cut off);
//   - pumpEvents feeds a connection from a durable log by cursor: the replay after Last-Event-ID and the live
//     tail are one loop over pages read from the log, so a slow reader only lags its cursor and never makes
//     the server hold more than one page for it;
//   - Wakeup tells the pumps that the log may have grown (a commit here, or a poll for commits elsewhere);
//   - SseParser reads a stream, incrementally, with caps on line and event sizes (for reading what a council sends).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseEvent {
  /** Sent as `id:`: what a reconnecting client sends back as Last-Event-ID. */
  id?: string | number;
  /** Sent as `event:` (the listener name in EventSource). */
  event?: string;
  data: string;
}

/** Formats one event; multi-line data becomes several `data:` lines, as the format requires. */
export function formatSseEvent(event: SseEvent): string {
  let text = '';
  if (event.id !== undefined) text += `id: ${String(event.id).replace(/[\r\n]/g, '')}\n`;
  if (event.event !== undefined) text += `event: ${event.event.replace(/[\r\n]/g, '')}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

export interface SseConnectionOptions {
  /** A comment line this often keeps proxies and clients from timing the stream out. Default 15 s. */
  heartbeatMs?: number;
  /** A reader that has not taken a pending write for this long is disconnected. Default 30 s. */
  drainTimeoutMs?: number;
  /** Sent as `retry:`: how long EventSource waits before reconnecting. Default 2 s. */
  retryMs?: number;
  /** Extra response headers (CORS). */
  headers?: Record<string, string>;
}

export const SSE_DEFAULTS = { heartbeatMs: 15_000, drainTimeoutMs: 30_000, retryMs: 2_000 };

export class SseConnection {
  private isClosed = false;
  private readonly closeListeners = new Set<() => void>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly drainTimeoutMs: number;

  constructor(
    private readonly res: ServerResponse,
    options: SseConnectionOptions = {},
  ) {
    const settings = { ...SSE_DEFAULTS, ...definedOnly(options) };
    this.drainTimeoutMs = settings.drainTimeoutMs;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      // Every client sees its own stream: never stored, never transformed (compressing proxies would buffer it).
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      ...options.headers,
    });
    // The head and a first line at once, so the client knows the stream is open before any event.
    res.write(`retry: ${settings.retryMs}\n: connected\n\n`);
    res.once('close', () => this.markClosed());
    this.heartbeat = setInterval(() => {
      // Skipped while the reader is behind: a heartbeat must not queue behind unsent events.
      if (!this.isClosed && !res.writableNeedDrain) res.write(': heartbeat\n\n');
    }, settings.heartbeatMs);
    this.heartbeat.unref?.();
  }

  get closed(): boolean {
    return this.isClosed || this.res.destroyed;
  }

  /** Called once, when the stream ends for any reason (client gone, server closing, reader too slow). */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  /**
   * Writes one event. Resolves true once the socket has taken it (at once, usually; after a drain when the
   * reader is behind), false when the stream is closed. A reader that does not drain in time is cut off.
   */
  async send(event: SseEvent): Promise<boolean> {
    if (this.closed) return false;
    if (this.res.write(formatSseEvent(event))) return true;
    return this.drained();
  }

  close(): void {
    if (!this.res.writableEnded) this.res.end();
    this.markClosed();
  }

  private drained(): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.res.off('drain', onDrain);
        this.closeListeners.delete(onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => {
        // Too slow: its unsent events would otherwise sit in memory. It reconnects with Last-Event-ID and misses nothing.
        this.res.destroy();
        done(false);
      }, this.drainTimeoutMs);
      this.res.on('drain', onDrain);
      this.closeListeners.add(onClose);
    });
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.heartbeat);
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}

/**
 * Tells waiting pumps that their log may have grown. `changedElsewhere`, when given, is polled every
 * `pollIntervalMs` while anyone listens (for commits by another process, which no in-process hook sees).
 */
/** A Wakeup poll over a version number (SQLite's `PRAGMA data_version`): true when it moved since the last call. */
export function versionChanged(version: () => number): () => boolean {
  let seen = version();
  return () => {
    const now = version();
    const changed = now !== seen;
    seen = now;
    return changed;
  };
}

/**
 * The open streams of one endpoint, bounded in all and per client, so one client cannot take every place.
 * A stream's place is freed when its connection closes.
 */
export class StreamPlaces {
  private readonly open = new Set<SseConnection>();
  private readonly perClient = new Map<string, number>();

  constructor(readonly limits: { max: number; maxPerClient: number }) {}

  get size(): number {
    return this.open.size;
  }

  /** Why `client` cannot open another stream now ('full': every place taken; 'client': its own limit), or null. */
  refusalFor(client: string): 'full' | 'client' | null {
    if (this.open.size >= this.limits.max) return 'full';
    if ((this.perClient.get(client) ?? 0) >= this.limits.maxPerClient) return 'client';
    return null;
  }

  add(connection: SseConnection, client: string): void {
    this.open.add(connection);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    connection.onClose(() => {
      this.open.delete(connection);
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    });
  }

  closeAll(): void {
    for (const connection of [...this.open]) connection.close();
    this.open.clear();
    this.perClient.clear();
  }
}

export class Wakeup {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly poll?: { changedElsewhere: () => boolean; intervalMs: number }) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.poll && !this.timer) {
      this.timer = setInterval(() => {
        let changed = false;
        try {
          changed = this.poll!.changedElsewhere();
        } catch {
          /* a failed poll is a missed tick, not a crash */
        }
        if (changed) this.wake();
      }, this.poll.intervalMs);
      this.timer.unref?.();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  close(): void {
    this.listeners.clear();
    this.stopPolling();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export interface PumpOptions<T> {
  /** The cursor to start after (events with a greater position are sent). */
  after: number;
  /** Up to `limit` entries after `cursor`, oldest first. */
  read: (cursor: number, limit: number) => readonly T[];
  /** The entry's position in the log: the next cursor, and its SSE id unless `format` sets another. */
  positionOf: (entry: T) => number;
  /** The event to send, or null to skip the entry (filtered out) while still moving past it. */
  format: (entry: T) => SseEvent | null;
  wakeup: Wakeup;
  /** Entries read at a time. Default 200. */
  pageSize?: number;
}

/**
 * Sends every entry after `after`, then each new one as it is written, until the connection closes.
 * At most one page is held at a time, and the next is read only once the socket has taken the last.
 */
export async function pumpEvents<T>(connection: SseConnection, options: PumpOptions<T>): Promise<void> {
  const pageSize = options.pageSize ?? 200;
  let cursor = options.after;
  // Set by a wake that comes while a page is being sent, so a write in that moment is not slept through.
  let pending = true;
  let wakeWaiter: (() => void) | null = null;
  const unsubscribe = options.wakeup.subscribe(() => {
    pending = true;
    wakeWaiter?.();
  });
  connection.onClose(() => wakeWaiter?.());
  try {
    while (!connection.closed) {
      pending = false;
      const page = options.read(cursor, pageSize);
      for (const entry of page) {
        cursor = options.positionOf(entry);
        const event = options.format(entry);
        if (event && !(await connection.send(event))) return;
      }
      if (page.length === pageSize || pending) continue;
      await new Promise<void>((resolve) => {
        wakeWaiter = resolve;
      });
      wakeWaiter = null;
    }
  } finally {
    unsubscribe();
  }
}

/**
 * Where a client resumes: `Last-Event-ID` (what EventSource sends on reconnecting), else `?after=`.
 * undefined when neither is given; 'invalid' when one is not a whole number.
 */
export function resumePointOf(req: IncomingMessage, url: URL): number | undefined | 'invalid' {
  const header = req.headers['last-event-id'];
  const text = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('after') ?? undefined;
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(text.trim())) return 'invalid';
  return Number(text.trim());
}

/**
 * Where to start a stream: after the resume point, or (without one) after the newest entry: live only.
 * A resume point beyond the newest entry means the log is not the one the client read before (restored,
 * recreated): it gets what there is, from the start.
 */
export function startingCursor(resumeAfter: number | undefined, latest: number): number {
  if (resumeAfter === undefined) return latest;
  return resumeAfter > latest ? 0 : resumeAfter;
}

// ---- Reading a stream ----------------------------------------------------------------------------

export class SseProtocolError extends Error {}

export interface ParsedSseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * The text/event-stream format, fed chunk by chunk (as they arrive from the socket). A line longer than
 * `maxLineChars` or an event's data longer than `maxEventChars` throws SseProtocolError: a sender that
 * never ends a line must not grow our memory.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];
  private dataChars = 0;
  private eventType = '';
  private id: string | undefined;
  private lastWasCr = false;

  constructor(private readonly limits: { maxLineChars: number; maxEventChars: number }) {}

  /** The events completed by this chunk. */
  push(chunk: Uint8Array | string): ParsedSseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    // A CRLF split across chunks: the LF belongs to the line the CR ended.
    if (this.lastWasCr && text.startsWith('\n')) text = text.slice(1);
    this.lastWasCr = text.endsWith('\r');
    this.buffer += text;
    const events: ParsedSseEvent[] = [];
    let start = 0;
    const lineEnd = /\r\n|\r|\n/g;
    let match: RegExpExecArray | null;
    while ((match = lineEnd.exec(this.buffer))) {
      const line = this.buffer.slice(start, match.index);
      start = match.index + match[0].length;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > this.limits.maxLineChars) throw new SseProtocolError(`a line is longer than ${this.limits.maxLineChars} characters`);
    return events;
  }

  private line(line: string): ParsedSseEvent | null {
    if (line.length > this.limits.maxLineChars) throw new SseProtocolError(`a line is longer than ${this.limits.maxLineChars} characters`);
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.dataChars += value.length + 1;
      if (this.dataChars > this.limits.maxEventChars) throw new SseProtocolError(`an event is longer than ${this.limits.maxEventChars} characters`);
      this.data.push(value);
    } else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }

  private dispatch(): ParsedSseEvent | null {
    const event = this.data.length ? { id: this.id, event: this.eventType || 'message', data: this.data.join('\n') } : null;
    this.data = [];
    this.dataChars = 0;
    this.eventType = '';
    return event;
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
