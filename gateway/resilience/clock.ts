// The router's sense of time, injected so tests can move it (vitest's fake timers fake both by default).

export interface Clock {
  /** Wall-clock milliseconds since the epoch: cache freshness and stale ages. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
