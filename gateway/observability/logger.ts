// Structured JSON logs (pino): one line per GraphQL request and per council failure, each with the
// request id that the gateway also sends to the councils, so one resident's request can be followed.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level?: string): Logger {
  return pino({
    // Under vitest, only warnings and worse unless LOG_LEVEL says otherwise: test output stays readable.
    level: level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? 'warn' : 'info'),
    base: { service: 'binfo-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
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
