// One council fetch has one time budget, the council's timeout, however many attempts it takes:
// retries spend what the first attempt left, so a failing council never costs a client more than its timeout.
import { systemClock, type Clock } from './clock.js';

export class Deadline {
  readonly endsAt: number;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private finished = false;

  constructor(
    readonly budgetMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.endsAt = clock.now() + budgetMs;
  }

  /**
   * Aborts when the budget is spent. Made on first use: a council reached through its host's batch never
   * asks for it (the batch keeps one timer for all its councils, host-batch.ts), and a national fan-out
   * would otherwise make an AbortController and a timer for each of 361 councils.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      const remaining = this.endsAt - this.clock.now();
      if (this.finished) return controller.signal;
      if (remaining <= 0) controller.abort(timeoutReason());
      else {
        // A timer, not AbortSignal.timeout: fake timers can move it, and `done()` releases it at once.
        this.timer = setTimeout(() => controller.abort(timeoutReason()), Math.max(1, remaining));
        this.timer.unref?.();
      }
    }
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.clock.now());
  }

  /** The fetch is over: its timer is no longer needed. */
  done(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function timeoutReason(): DOMException {
  return new DOMException('The council did not answer in time.', 'TimeoutError');
}
