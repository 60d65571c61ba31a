// The council host's live stream of disruption events (text/event-stream), read from the same durable
// outbox the webhooks are delivered from (`webhook_events`, written in the disruption's own transaction):
//
//   GET /councils/events          every council this host serves
//   GET /councils/<GSS>/events    one council
//
// Each event is `id: <outbox seq>`, `event: disruption.published|changed|withdrawn` and, as data, the
// webhook body: {"id","type","councilCode","createdAt","disruption":{…}}. A client resumes with
// `Last-Event-ID` (or `?after=<seq>`): everything after it is replayed from the outbox, then new events
// follow as they are written. Without either, only new events come. New events are noticed at once for
// this process's writes (store.onCommit) and within `pollIntervalMs` for other processes' (the CLI, a second
// host on the file), through SQLite's data_version. Heartbeat comments every ~15 s; a bounded number of
// streams (503 with Retry-After past it), and of them per remote address (429); a reader that does not read
// is cut off, not buffered for.
// The events are what the council has published (drafts never appear), so the stream needs no token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../../lib/http/apollo-handler.js';
import { pumpEvents, resumePointOf, SseConnection, startingCursor, StreamPlaces, versionChanged, Wakeup, type SseConnectionOptions } from '../../../lib/http/sse.js';
import type { DisruptionStore } from './disruption-store.js';
import { webhookBody } from '../../../lib/webhooks/deliverer.js';

export interface CouncilEventStreamOptions {
  isServed: (councilCode: string) => boolean;
  /** Streams open at once, across every council of the host. Default 200. */
  maxStreams?: number;
  /**
   * Streams open at once from one remote address (429 with Retry-After past it). Default 20: enough for a
   * gateway's workers, and one outsider can no longer hold every place and shut the gateway's relay out.
   */
  maxStreamsPerClient?: number;
  /** How often to look for events written by another process. Default 1 s. */
  pollIntervalMs?: number;
  /** Heartbeat, drain timeout, retry. */
  connection?: SseConnectionOptions;
  log?: (entry: Record<string, unknown>) => void;
}

export interface CouncilEventStreams {
  /** The route: true when it answered the request. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  openStreams(): number;
  /** Ends every stream and stops watching the database. */
  close(): void;
}

interface OutboxRow {
  seq: number;
  id: string;
  council_code: string;
  type: string;
  payload: string;
  created_at: string;
}

const HOST_EVENTS = /^\/councils\/events\/?$/;
const COUNCIL_EVENTS = /^\/councils\/([A-Z]\d{8})\/events\/?$/;

export function councilEventStreams(store: DisruptionStore, options: CouncilEventStreamOptions): CouncilEventStreams {
  const db = store.database;
  const statements = {
    latest: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM webhook_events').pluck(),
    all: db.prepare<[number, number], OutboxRow>('SELECT seq, id, council_code, type, payload, created_at FROM webhook_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    council: db.prepare<[number, string, number], OutboxRow>(
      'SELECT seq, id, council_code, type, payload, created_at FROM webhook_events WHERE seq > ? AND council_code = ? ORDER BY seq LIMIT ?',
    ),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
  };
  const wakeup = new Wakeup({
    intervalMs: options.pollIntervalMs ?? 1000,
    // data_version changes only when another connection commits: a cheap check, once a second per host.
    changedElsewhere: versionChanged(() => statements.dataVersion.get() as number),
  });
  const stopWaking = store.onCommit(() => wakeup.wake());
  const places = new StreamPlaces({ max: options.maxStreams ?? 200, maxPerClient: options.maxStreamsPerClient ?? 20 });
  const refuse = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error: { code, message } }, headers);

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const councilMatch = COUNCIL_EVENTS.exec(url.pathname);
    if (!councilMatch && !HOST_EVENTS.test(url.pathname)) return false;
    const councilCode = councilMatch?.[1];
    if (req.method !== 'GET') {
      refuse(res, 405, 'METHOD_NOT_ALLOWED', 'The event stream is read with GET (an EventSource).', { allow: 'GET' });
      return true;
    }
    if (councilCode && !options.isServed(councilCode)) {
      refuse(res, 404, 'NOT_FOUND', `No council ${councilCode} is served by this host.`);
      return true;
    }
    const resume = resumePointOf(req, url);
    if (resume === 'invalid') {
      refuse(res, 400, 'BAD_USER_INPUT', 'Last-Event-ID (or ?after=) must be the whole-number id of an event this stream sent.');
      return true;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    const full = places.refusalFor(client);
    if (full === 'full') {
      refuse(res, 503, 'RATE_LIMITED', 'Too many event streams are open on this host; try again shortly.', { 'retry-after': '10' });
      return true;
    }
    if (full === 'client') {
      refuse(res, 429, 'RATE_LIMITED', `You already have ${places.limits.maxPerClient} event streams open on this host; close one (/councils/events follows every council) or try again later.`, { 'retry-after': '10' });
      return true;
    }
    const connection = new SseConnection(res, options.connection);
    places.add(connection, client);
    const after = startingCursor(resume, statements.latest.get() as number);
    pumpEvents<OutboxRow>(connection, {
      after,
      wakeup,
      read: councilCode ? (cursor, limit) => statements.council.all(cursor, councilCode, limit) : (cursor, limit) => statements.all.all(cursor, limit),
      positionOf: (row) => row.seq,
      // A database shared with another host may hold events of councils this one does not serve.
      format: (row) =>
        options.isServed(row.council_code)
          ? { id: row.seq, event: row.type, data: webhookBody({ id: row.id, type: row.type, councilCode: row.council_code, createdAt: row.created_at, payload: row.payload }) }
          : null,
    })
      .catch((error) => {
        options.log?.({ level: 'error', msg: 'event stream failed', error: String(error) });
        res.destroy();
      })
      .finally(() => connection.close());
    return true;
  };

  return {
    handle,
    openStreams: () => places.size,
    close: () => {
      stopWaking();
      wakeup.close();
      places.closeAll();
    },
  };
}
