// Exponential backoff with "equal jitter", for anything that retries against someone else's server (webhook
// deliveries, the gateway following council event streams): the delay doubles from `baseMs` up to `capMs`,
// then a random half of it is added to the other half, so many retriers do not come back in step.

/** Delay before retry `attempt` (1, 2, …): base·2^(attempt-1) capped, then between half and all of it. */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
