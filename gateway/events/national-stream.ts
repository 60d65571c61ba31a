// GET /events: the national live stream of disruption events, for dashboards (text/event-stream, so a
// browser's EventSource reads it, from any site CORS allows, as /graphql).
//
//   GET /events                         every council
//   GET /events?council=E06000038       some councils (repeat `council`)
//
// `id:` is the national seq (the gateway's log, national-event-log.ts). A client that reconnects with
// `Last-Event-ID` (EventSource does so by itself), or asks `?after=<seq>`, gets every event after it from the
// log, oldest first, then the live ones: nothing is missed across a reconnect. Without either, live events
// only. Hostile clients: streams are bounded in total (503) and per client (429), both with Retry-After; a
// slow reader holds one page at most and is cut off when it stops reading (lib/http/sse.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EdgeErrorCode, graphqlErrorBody, sendJson } from '../../lib/http/apollo-handler.js';
import { answerPreflight, applyCors, type CorsOptions } from '../../lib/http/cors.js';
import { pumpEvents, resumePointOf, SseConnection, startingCursor, StreamPlaces, versionChanged, Wakeup, type SseConnectionOptions } from '../../lib/http/sse.js';
import { GSS_CODE_PATTERN } from '../../contracts/council.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { nationalEventBody, type NationalEvent, type NationalEventLog } from './national-event-log.js';

export const EVENTS_PATH = '/events';

export interface NationalStreamOptions {
  log: NationalEventLog;
  cors: CorsOptions;
  /** Whether a GSS code is a council the graph knows (for `?council=`). */
  isCouncil: (code: string) => boolean;
  /** Who is asking, for the per-client bound (the rate limiter's identity: API key or IP). */
  clientOf: (req: IncomingMessage) => string;
  /** Streams open at once. Default 1,000. */
  maxStreams?: number;
  /** Streams open at once per client. Default 10. */
  maxStreamsPerClient?: number;
  /** Councils one stream may filter on. Default 400 (all of them). */
  maxCouncils?: number;
  /** How often to look for events another gateway process appended to a shared log. Default 1 s. */
  pollIntervalMs?: number;
  connection?: SseConnectionOptions;
  logger?: (entry: Record<string, unknown>) => void;
}

export interface NationalStream {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  openStreams(): number;
  close(): void;
}

const RETRY_AFTER_SECONDS = '30';

export function nationalStream(options: NationalStreamOptions): NationalStream {
  const wakeup = new Wakeup({ intervalMs: options.pollIntervalMs ?? 1000, changedElsewhere: versionChanged(() => options.log.dataVersion()) });
  const stopWaking = options.log.onAppend(() => wakeup.wake());
  const places = new StreamPlaces({ max: options.maxStreams ?? 1000, maxPerClient: options.maxStreamsPerClient ?? 10 });
  const maxCouncils = options.maxCouncils ?? 400;

  const refuse = (res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, graphqlErrorBody(message, code), headers);

  const handle = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    applyCors(req, res, options.cors);
    if (req.method === 'OPTIONS') return answerPreflight(req, res, options.cors);
    if (req.method !== 'GET') return refuse(res, 405, 'The event stream is read with GET, for example by an EventSource.', EdgeErrorCode.BAD_REQUEST, { allow: 'GET, OPTIONS' });
    const councils = url.searchParams.getAll('council').map((code) => code.trim().toUpperCase());
    if (councils.length > maxCouncils) return refuse(res, 400, `A stream can follow at most ${maxCouncils} councils; leave out ?council= to follow them all.`, ErrorCode.BAD_USER_INPUT);
    for (const code of councils) {
      if (!GSS_CODE_PATTERN.test(code)) {
        return refuse(res, 400, `"${code.slice(0, 40)}" is not a council code: use a GSS code such as E06000038 (?council=E06000038).`, ErrorCode.BAD_USER_INPUT);
      }
      if (!options.isCouncil(code)) return refuse(res, 400, `${code} is not a UK council that Binfo knows.`, ErrorCode.BAD_USER_INPUT);
    }
    const resume = resumePointOf(req, url);
    if (resume === 'invalid') {
      return refuse(res, 400, 'Last-Event-ID (or ?after=) must be the whole-number id of an event this stream sent.', ErrorCode.BAD_USER_INPUT);
    }
    const client = options.clientOf(req);
    const full = places.refusalFor(client);
    if (full === 'full') {
      return refuse(res, 503, 'Too many people are following the live stream right now; try again shortly.', ErrorCode.RATE_LIMITED, { 'retry-after': RETRY_AFTER_SECONDS });
    }
    if (full === 'client') {
      return refuse(res, 429, `You already have ${places.limits.maxPerClient} live streams open; close one (one stream can follow many councils) or try again later.`, ErrorCode.RATE_LIMITED, {
        'retry-after': RETRY_AFTER_SECONDS,
      });
    }

    // The CORS headers applyCors set are on `res` already; writeHead keeps them.
    const connection = new SseConnection(res, options.connection);
    places.add(connection, client);
    const filter = councils.length ? [...new Set(councils)] : undefined;
    pumpEvents<NationalEvent>(connection, {
      after: startingCursor(resume, options.log.latestSeq()),
      wakeup,
      read: (cursor, limit) => options.log.readAfter(cursor, limit, filter),
      positionOf: (event) => event.seq,
      format: (event) => ({ id: event.seq, event: event.type, data: nationalEventBody(event) }),
    })
      .catch((error) => {
        options.logger?.({ level: 'error', msg: 'national event stream failed', error: String(error) });
        res.destroy();
      })
      .finally(() => connection.close());
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
