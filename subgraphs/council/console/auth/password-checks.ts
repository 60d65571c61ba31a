// A bound on password checks in progress. Each is a memory-hard scrypt on libuv's thread pool (4 threads,
// shared with file reads, DNS lookups for webhook deliveries and zlib): without a bound, a flood of sign-in
// POSTs queues minutes of scrypt work ahead of a real person's sign-in and starves the pool's other users.
// Beyond `maxInFlight` running and `maxWaiting` queued, a check is refused at once (the route answers 429).

export interface PasswordCheckLimits {
  /** Checks running at once. Default 2: half the thread pool, so the other half stays free. */
  maxInFlight: number;
  /** Checks waiting for a turn. Default 8: about four checks' time (1-2 s at the default scrypt cost on a quiet core). */
  maxWaiting: number;
}

export const DEFAULT_PASSWORD_CHECK_LIMITS: PasswordCheckLimits = { maxInFlight: 2, maxWaiting: 8 };

export class PasswordCheckGate {
  private readonly limits: PasswordCheckLimits;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(limits: Partial<PasswordCheckLimits> = {}) {
    this.limits = { ...DEFAULT_PASSWORD_CHECK_LIMITS, ...limits };
  }

  /** Runs `check` when a turn comes; null (nothing run) when too many are running and waiting already. */
  run<T>(check: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.limits.maxInFlight && this.waiting.length >= this.limits.maxWaiting) return null;
    return this.turn().then(async () => {
      try {
        return await check();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    });
  }

  /** Checks running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private turn(): Promise<void> {
    if (this.running < this.limits.maxInFlight) {
      this.running++;
      return Promise.resolve();
    }
    // A waiting check takes a freed slot in the same tick it is freed, so no newcomer jumps the queue.
    return new Promise((resolve) => this.waiting.push(() => (this.running++, resolve())));
  }
}
