// Follows every council event stream in the registry (one connection per distinct stream: the shared council
// host's, and any council's own `eventsUrl`), and on each event drops that council's cached answers and
// appends the event to the national log. A council's stream is an input like its answers: never trusted.
// Each event's data is checked with zod, sizes are capped, and an event naming a council that the registry
// does not serve from that stream is dropped and logged. A lost connection is retried with capped, jittered
// exponential backoff and resumed with Last-Event-ID (the cursor kept in the national log, so a restarted
// gateway resumes too; the log de-duplicates replays by the council's event id).
import { z } from 'zod';
import { backoffDelayMs } from '../../lib/backoff.js';
import { SseParser, SseProtocolError, type ParsedSseEvent } from '../../lib/http/sse.js';
import { GSS_CODE_PATTERN } from '../../contracts/council.js';
import { CHANGE_REASONS, SERVICE_TYPES } from '../../domain/types.js';
import { hostEventsUrl, type CouncilEndpoint } from '../council-registry.js';
import { DISRUPTION_EVENT_TYPES, type NationalEventLog } from './national-event-log.js';

export type Log = (entry: Record<string, unknown>) => void;

/** The stream that may speak for this council, if any. */
function eventStreamOf(endpoint: CouncilEndpoint | undefined): string | undefined {
  if (!endpoint?.eventsUrl) return undefined;
  // A council moved off its shared host (to an endpoint of its own) is no longer spoken for by the host's stream.
  const host = endpoint.sharedHost;
  if (host && host.councilUrl !== endpoint.url && endpoint.eventsUrl === hostEventsUrl(host.batchUrl)) return undefined;
  return endpoint.eventsUrl;
}

/** Which councils each stream may speak for, from the registry as it is now. */
export function eventSourcesOf(endpoints: ReadonlyMap<string, CouncilEndpoint>): Map<string, Set<string>> {
  const sources = new Map<string, Set<string>>();
  for (const endpoint of endpoints.values()) {
    const url = eventStreamOf(endpoint);
    if (!url) continue;
    let councils = sources.get(url);
    if (!councils) sources.set(url, (councils = new Set()));
    councils.add(endpoint.code);
  }
  return sources;
}

const text = (max: number) => z.string().max(max);
const isoDate = z.iso.date();
const timestamp = z.iso.datetime({ offset: true });
const webUrl = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * A disruption as a council stream sends it (the disruptions API's shape), checked field by field: what apps
 * receive from the national stream and national webhooks is the standard's shape, whatever a council sends.
 * Unknown fields are dropped, not passed on.
 */
const DisruptionData = z.object({
  id: z.string().min(1).max(200),
  councilCode: z.string().regex(GSS_CODE_PATTERN),
  title: z.string().min(1).max(200),
  reason: z.enum(CHANGE_REASONS),
  message: text(2000).nullable(),
  serviceTypes: z.array(z.enum(SERVICE_TYPES)).max(SERVICE_TYPES.length).nullable(),
  area: z.union([z.literal('council'), z.object({ postcodes: z.array(text(10)).max(1000) }), z.object({ rounds: z.array(text(100)).max(1000) })]),
  effect: z.union([z.literal('cancelled'), z.literal('leave-out'), z.object({ delayedDays: z.number().int().min(1).max(31) })]),
  startsOn: isoDate,
  endsOn: isoDate.nullable(),
  url: webUrl.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  withdrawnAt: timestamp.nullable(),
});

/** The data of one event, as a council stream sends it (the webhook body). Extra fields are dropped. */
const CouncilEventData = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(DISRUPTION_EVENT_TYPES),
  councilCode: z.string().regex(GSS_CODE_PATTERN),
  createdAt: timestamp,
  disruption: DisruptionData,
});

export interface BackoffOptions {
  /** First retry after about this long; doubling each time… Default 1 s. */
  baseMs?: number;
  /** …up to this. Default 60 s. */
  capMs?: number;
}

/** Delay before reconnect attempt `failures` (1, 2, …): lib/backoff.ts's doubling with equal jitter. */
export function reconnectDelayMs(failures: number, options: Required<BackoffOptions>, random: () => number): number {
  return backoffDelayMs(failures, options.baseMs, options.capMs, random);
}

export interface CouncilEventRelayOptions {
  /** The registry, live: re-read on every refresh and for every event. */
  endpoints: ReadonlyMap<string, CouncilEndpoint>;
  log: NationalEventLog;
  /** Drops the council's cached answers: the entity cache, the response cache. */
  invalidate: (councilCode: string) => void;
  logger?: Log;
  fetch?: typeof fetch;
  random?: () => number;
  backoff?: BackoffOptions;
  /** No byte (an event or a heartbeat) for this long: the connection is taken as dead. Default 45 s (3 heartbeats). */
  idleTimeoutMs?: number;
  /** Longest one event's data may be. Default 256 KiB. */
  maxEventChars?: number;
  /** How often the registry is re-read for added and removed streams. Default 30 s. */
  refreshIntervalMs?: number;
}

export interface RelaySourceStatus {
  url: string;
  connected: boolean;
  /** The last event id read from it. */
  lastSeq: number | null;
  failures: number;
}

const DEFAULTS = { idleTimeoutMs: 45_000, maxEventChars: 256 * 1024, refreshIntervalMs: 30_000 };

export class CouncilEventRelay {
  private readonly sources = new Map<string, SourceFollower>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly options: CouncilEventRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.refresh();
    this.refreshTimer = setInterval(() => this.refresh(), this.options.refreshIntervalMs ?? DEFAULTS.refreshIntervalMs);
    this.refreshTimer.unref?.();
  }

  /** Follows the streams the registry names now: new ones are connected, ones no longer named are closed. */
  refresh(): void {
    if (!this.running) return;
    const wanted = eventSourcesOf(this.options.endpoints);
    for (const [url, follower] of this.sources) {
      if (!wanted.has(url)) {
        follower.stop();
        this.sources.delete(url);
      }
    }
    for (const url of wanted.keys()) {
      if (this.sources.has(url)) continue;
      const follower = new SourceFollower(url, this.options);
      this.sources.set(url, follower);
      follower.start();
    }
  }

  status(): RelaySourceStatus[] {
    return [...this.sources.values()].map((follower) => follower.status());
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    await Promise.all([...this.sources.values()].map((follower) => follower.stop()));
    this.sources.clear();
  }
}

/** One stream: connect, read, reconnect after a pause; until stopped. */
class SourceFollower {
  private stopped = false;
  private connected = false;
  private failures = 0;
  private abort: AbortController | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private wakeRetry: (() => void) | null = null;
  private readonly logger: Log;
  private readonly backoff: Required<BackoffOptions>;

  constructor(
    private readonly url: string,
    private readonly options: CouncilEventRelayOptions,
  ) {
    this.logger = (entry) => {
      try {
        options.logger?.({ source: url, ...entry });
      } catch {
        /* best effort */
      }
    };
    this.backoff = { baseMs: options.backoff?.baseMs ?? 1000, capMs: options.backoff?.capMs ?? 60_000 };
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    await this.loop;
  }

  status(): RelaySourceStatus {
    return { url: this.url, connected: this.connected, lastSeq: this.options.log.sourceCursor(this.url), failures: this.failures };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const outcome = await this.connectOnce();
      if (this.stopped) return;
      // A stream that delivered something was healthy: start the backoff again from the bottom.
      this.failures = outcome.receivedAnything ? 1 : this.failures + 1;
      const delay = reconnectDelayMs(this.failures, this.backoff, this.options.random ?? Math.random);
      this.logger({ level: outcome.receivedAnything ? 'info' : 'warn', msg: `council event stream lost (${outcome.reason}); reconnecting in ${delay} ms`, failures: this.failures });
      await new Promise<void>((resolve) => {
        this.wakeRetry = resolve;
        this.retryTimer = setTimeout(resolve, delay);
      });
      this.wakeRetry = null;
      this.retryTimer = null;
    }
  }

  /** One connection, until it ends; never throws. */
  private async connectOnce(): Promise<{ receivedAnything: boolean; reason: string }> {
    const abort = new AbortController();
    this.abort = abort;
    let receivedAnything = false;
    let idle: NodeJS.Timeout | null = null;
    const idleTimeoutMs = this.options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
    const resetIdle = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error(`nothing for ${idleTimeoutMs} ms`)), idleTimeoutMs);
    };
    try {
      resetIdle();
      const cursor = this.options.log.sourceCursor(this.url);
      const response = await (this.options.fetch ?? fetch)(this.url, {
        // Never read before: from the start of the council's outbox, so nothing published before now is missed.
        headers: { accept: 'text/event-stream', 'last-event-id': String(cursor ?? 0), 'user-agent': 'Binfo-Gateway-Events/1' },
        redirect: 'error',
        signal: abort.signal,
      });
      if (response.status !== 200 || !/^text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        await response.body?.cancel().catch(() => {});
        return { receivedAnything, reason: `it answered HTTP ${response.status} ${response.headers.get('content-type') ?? ''}`.trim() };
      }
      if (!response.body) return { receivedAnything, reason: 'no body' };
      this.connected = true;
      const maxEventChars = this.options.maxEventChars ?? DEFAULTS.maxEventChars;
      const parser = new SseParser({ maxLineChars: maxEventChars + 16, maxEventChars });
      // A reader cancelled on abort: aborting the fetch alone ends a body being read only when the next
      // bytes arrive (up to a heartbeat later), which held up the gateway's shutdown by seconds.
      const reader = response.body.getReader();
      const cancel = () => void reader.cancel().catch(() => {});
      abort.signal.addEventListener('abort', cancel, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.stopped) break;
          resetIdle();
          for (const event of parser.push(value)) {
            if (this.stopped) break;
            if (this.handle(event)) receivedAnything = true;
          }
        }
      } finally {
        abort.signal.removeEventListener('abort', cancel);
      }
      return { receivedAnything, reason: abort.signal.aborted ? abortReason(abort) : 'the stream ended' };
    } catch (error) {
      if (error instanceof SseProtocolError) this.logger({ level: 'warn', msg: `council event stream broke the format: ${error.message}; disconnected` });
      const reason = abort.signal.aborted ? abortReason(abort) : describe(error);
      return { receivedAnything, reason };
    } finally {
      if (idle) clearTimeout(idle);
      abort.abort();
      this.connected = false;
      this.abort = null;
    }
  }

  /** Checks, logs and relays one event; true when it was a well-formed event (even a duplicate). */
  private handle(event: ParsedSseEvent): boolean {
    const seq = event.id !== undefined && /^\d{1,15}$/.test(event.id) ? Number(event.id) : null;
    if (seq === null) {
      this.logger({ level: 'warn', msg: 'council event dropped: its id is not a whole number', id: event.id?.slice(0, 40) });
      return false;
    }
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      this.logger({ level: 'warn', msg: 'council event dropped: its data is not JSON', seq });
      return false;
    }
    const parsed = CouncilEventData.safeParse(json);
    if (!parsed.success) {
      this.logger({ level: 'warn', msg: 'council event dropped: not a disruption event', seq, problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) });
      return false;
    }
    const data = parsed.data;
    // One lookup in the live registry (keyed by council code), not a rebuild of every stream's councils per event.
    if (eventStreamOf(this.options.endpoints.get(data.councilCode)) !== this.url || data.disruption.councilCode !== data.councilCode || (event.event !== 'message' && event.event !== data.type)) {
      // Another council's data from this stream would let one council (or a compromised host) change another's answers.
      this.logger({ level: 'warn', msg: `council event dropped: council ${data.councilCode} is not served by this stream according to the registry`, seq, councilCode: data.councilCode, eventId: data.id });
      return false;
    }
    const nationalSeq = this.options.log.append(
      { id: data.id, councilCode: data.councilCode, type: data.type, disruption: data.disruption, occurredAt: data.createdAt },
      { url: this.url, seq },
    );
    // Also for a duplicate: another process of this gateway may have logged it first, but this one's caches are its own.
    this.options.invalidate(data.councilCode);
    this.logger({ level: 'debug', msg: nationalSeq === null ? 'council event already logged' : 'council event relayed', seq, nationalSeq, councilCode: data.councilCode, type: data.type });
    return true;
  }
}

function abortReason(abort: AbortController): string {
  return String((abort.signal.reason as Error | undefined)?.message ?? 'aborted');
}

function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
}
