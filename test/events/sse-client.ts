// A small EventSource for tests: opens a text/event-stream with fetch, parses it with the project's own
// parser, and lets a test wait for the next events (polling, no fixed sleeps) or close the connection.
import { SseParser, type ParsedSseEvent } from '../../lib/http/sse.js';

export interface TestStream {
  status: number;
  headers: Headers;
  events: ParsedSseEvent[];
  /** Raw text received, comments included (to see heartbeats). */
  raw: () => string;
  /** Resolves once at least `count` events have arrived in total; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedSseEvent[]>;
  /** Waits until the raw text satisfies `check`. */
  waitForRaw(check: (raw: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<TestStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: ParsedSseEvent[] = [];
  let raw = '';
  const parser = new SseParser({ maxLineChars: 10_000_000, maxEventChars: 10_000_000 });
  const decoder = new TextDecoder();
  const ended = (async () => {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        events.push(...parser.push(chunk));
      }
    } catch {
      /* closed by us or the server */
    }
  })();
  const until = async (check: () => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${events.length} events: ${events.map((e) => e.id).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    status: response.status,
    headers: response.headers,
    events,
    raw: () => raw,
    waitFor: async (count, timeoutMs = 5_000) => {
      await until(() => events.length >= count, `${count} events`, timeoutMs);
      return events.slice(0, count);
    },
    waitForRaw: (check, timeoutMs = 5_000) => until(() => check(raw), 'the stream text', timeoutMs),
    ended,
    close: () => abort.abort(),
  };
}
