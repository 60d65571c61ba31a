// One council fetch has one time budget, the council's timeout, however many attempts it takes:
// retries spend what the first attempt left, so a failing council never costs a client more than its timeout.

export class Deadline {
  private readonly endsAt: number;
  readonly signal: AbortSignal;

  constructor(readonly budgetMs: number, private readonly now: () => number = () => performance.now()) {
    this.endsAt = now() + budgetMs;
    this.signal = AbortSignal.timeout(Math.max(1, budgetMs));
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }
}
