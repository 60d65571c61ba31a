// Structured JSON logs (pino): one line per GraphQL request and per council failure, each with the
// request id that the gateway also sends to the councils, so one resident's request can be followed.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** A logger writing JSON lines to stdout from `level` up (npm start passes LOG_LEVEL; tests pass `warn` or their own logger). */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'binfo-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    bufferedStdout(),
  );
}

/**
 * Stdout written in blocks of about 4 KB, off the request path, and at least once a second. A synchronous
 * write(2) per request line cost the gateway about 5% of its CPU on the cold path and most of its warm-path
 * throughput (bench/profile.ts); batched, it is noise. pino flushes what is pending when the process exits.
 */
function bufferedStdout() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      destination.flush(); // nothing to do when empty or already writing
    } catch {
      // destroyed: the process is exiting and pino's exit handler wrote what was left
    }
  }, 1000);
  timer.unref();
  return destination;
}

/** Logs at most one line per `intervalMs` for a noisy source (a Redis that is down fails every command). */
export function throttled(log: (message: string, error: Error) => void, intervalMs = 10_000): (error: Error) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (error) => {
    const now = performance.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    last = now;
    log(suppressed ? `${error.message} (${suppressed} similar errors not logged)` : error.message, error);
    suppressed = 0;
  };
}
