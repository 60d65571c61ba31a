// One council fetch has one time budget, the council's timeout, however many attempts it takes:
// retries spend what the first attempt left, so a failing council never costs a client more than its timeout.
import { systemClock, type Clock } from './clock.js';

export class Deadline {
  private readonly endsAt: number;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  readonly signal: AbortSignal;

  constructor(
    readonly budgetMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.endsAt = clock.now() + budgetMs;
    this.signal = this.controller.signal;
    // A timer, not AbortSignal.timeout: fake timers can move it, and `done()` releases it at once.
    this.timer = setTimeout(() => this.controller.abort(new DOMException('The council did not answer in time.', 'TimeoutError')), Math.max(1, budgetMs));
    this.timer.unref?.();
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.clock.now());
  }

  /** The fetch is over: its timer is no longer needed. */
  done(): void {
    clearTimeout(this.timer);
  }
}
