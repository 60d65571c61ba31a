// Per-council resilience with cockatiel: a circuit breaker for each council, around retries with backoff
// that fit inside the fetch's deadline. A council that keeps failing is left alone for a while (the breaker
// answers at once, without touching it), then tried with one request (half-open) before traffic resumes.
//
// The common case costs nothing of cockatiel: while a council's breaker is closed with no failure counted,
// its first attempt runs directly (a national fan-out makes 361 of these per client request). Only if that
// attempt fails does the fetch go through the retry policy and the breaker, with the failed attempt replayed
// as their first, so retries and failure counting are exactly as if cockatiel had run it from the start.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { CouncilFailure } from '../council-router/council-http.js';
import type { Deadline } from './deadline.js';
import { forCouncil, type PerCouncil } from './per-council.js';

export interface RetryOptions {
  /** Further attempts after the first; 0 turns retrying off. */
  retries: number;
  /** Backoff before the first retry (full jitter), doubling up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A retry starts only if at least this long is left of the deadline after the longest backoff. */
  minAttemptMs: number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failed fetches that open the circuit. */
  consecutiveFailures: number;
  /** How long an open circuit answers at once before letting one test request through. */
  halfOpenAfterMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface CouncilPolicyOptions {
  retry?: PerCouncil<Partial<RetryOptions> | false>;
  circuitBreaker?: PerCouncil<Partial<CircuitBreakerOptions> | false>;
  /** Called with 'closed' when a council's breaker is first made, then on every change. */
  onCircuitStateChange?: (councilCode: string, state: CircuitStateName) => void;
  onRetry?: (councilCode: string, attempt: number, error: unknown) => void;
  /** Breakers kept (one per council endpoint); the least recently used beyond this are forgotten. */
  maxBreakers?: number;
  /**
   * An answer that arrived but is the council's fault (not valid for the standard): returned as it is, and
   * counted toward the breaker like a thrown failure.
   */
  isFailedAnswer?: (answer: unknown) => boolean;
}

/**
 * Whose breaker a fetch runs under. Breakers belong to an endpoint, not a council: a council moved to a
 * new endpoint starts afresh instead of staying refused for the old endpoint's failures.
 */
export type BreakerTarget = string | { councilCode: string; endpointUrl: string };

export const DEFAULT_RETRY: RetryOptions = { retries: 1, initialDelayMs: 25, maxDelayMs: 200, minAttemptMs: 100 };
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 10_000 };

export interface PolicyRun {
  deadline: Deadline;
  /**
   * Only an operation that cannot change anything may be sent twice. `_entities` fetches are queries;
   * a mutation must never be retried, whatever failed.
   */
  idempotent: boolean;
}

interface KeptBreaker {
  policy: CircuitBreakerPolicy | null;
  /** The breaker's count of consecutive failures (`state`): 0 means a success would change nothing. */
  counter: ConsecutiveBreaker | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class CouncilPolicies {
  private readonly breakers: LRUCache<string, KeptBreaker>;

  constructor(private readonly options: CouncilPolicyOptions = {}) {
    this.breakers = new LRUCache({ max: options.maxBreakers ?? 10_000 });
  }

  /**
   * Runs `attempt` under the endpoint's breaker and the council's retry policy; failures come out as
   * CouncilFailure. Only the council's own failures count toward its breaker: a timeout, a connection
   * failure, a 5xx, an answer that is not valid. A refusal of what it was sent (4xx) does not, since a
   * client's request could cause it.
   */
  async run<T>(target: BreakerTarget, run: PolicyRun, attempt: () => Promise<T>): Promise<T> {
    const kept = this.breakerFor(target);
    const { policy: breaker, counter } = kept;
    if (breaker && !(breaker.state === CircuitState.Closed && counter!.state === 0)) return this.underPolicies(target, run, attempt, breaker);
    // Closed with nothing counted (or no breaker): the first attempt needs none of cockatiel.
    let first: Outcome<T>;
    try {
      first = { ok: true, value: await attempt() };
    } catch (error) {
      first = { ok: false, error };
    }
    if (first.ok && !(breaker && this.isFailedAnswer(first.value))) {
      // As cockatiel's closed breaker does on a success (another fetch may have counted a failure meanwhile).
      if (counter && counter.state !== 0) counter.success();
      return first.value;
    }
    let replayed = false;
    const again = (): Promise<T> => {
      if (replayed) return attempt();
      replayed = true;
      return first.ok ? Promise.resolve(first.value) : Promise.reject(first.error);
    };
    // A breaker another fetch opened meanwhile did not refuse this one, which started while it was closed.
    return this.underPolicies(target, run, again, breaker?.state === CircuitState.Closed ? breaker : null);
  }

  private isFailedAnswer(answer: unknown): boolean {
    return this.options.isFailedAnswer?.(answer) ?? false;
  }

  private async underPolicies<T>(target: BreakerTarget, run: PolicyRun, attempt: () => Promise<T>, breaker: CircuitBreakerPolicy | null): Promise<T> {
    const councilCode = typeof target === 'string' ? target : target.councilCode;
    const retrying = this.retryPolicy(councilCode, run);
    const withRetries = () => (retrying ? retrying.execute(attempt) : attempt());
    if (!breaker) return withRetries();
    try {
      return await breaker.execute(withRetries);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new CouncilFailure('circuit_open', 'it failed repeatedly, so Binfo is not asking it for a short while', false);
      }
      throw error;
    }
  }

  state(target: BreakerTarget): CircuitStateName {
    const breaker = this.breakers.get(breakerKey(target))?.policy;
    return breaker ? stateName(breaker.state) : 'closed';
  }

  private retryPolicy(councilCode: string, run: PolicyRun) {
    const configured = forCouncil(this.options.retry ?? {}, councilCode);
    if (configured === false || !run.idempotent) return undefined;
    const options = { ...DEFAULT_RETRY, ...configured };
    if (options.retries <= 0) return undefined;
    // cockatiel's backoff sleep is not abortable, so decide before sleeping that the retry still fits.
    const worthRetrying = (error: Error) =>
      error instanceof CouncilFailure && error.retryable && run.deadline.remainingMs() >= options.maxDelayMs + options.minAttemptMs;
    const policy = retry(handleWhen(worthRetrying), {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs, generator: fullJitterGenerator }),
    });
    if (this.options.onRetry) policy.onRetry((event) => this.options.onRetry!(councilCode, event.attempt, 'error' in event ? event.error : undefined));
    return policy;
  }

  private breakerFor(target: BreakerTarget): KeptBreaker {
    const key = breakerKey(target);
    const kept = this.breakers.get(key);
    if (kept) return kept;
    const councilCode = typeof target === 'string' ? target : target.councilCode;
    const configured = forCouncil(this.options.circuitBreaker ?? {}, councilCode);
    let made: KeptBreaker;
    if (configured === false) {
      made = { policy: null, counter: null };
    } else {
      const options = { ...DEFAULT_CIRCUIT_BREAKER, ...configured };
      const councilsFault = handleWhen((error) => !(error instanceof CouncilFailure) || error.countsAgainstCouncil).orWhenResult((answer) => this.isFailedAnswer(answer));
      const counter = new ConsecutiveBreaker(options.consecutiveFailures);
      const breaker = circuitBreaker(councilsFault, { halfOpenAfter: options.halfOpenAfterMs, breaker: counter });
      const onChange = this.options.onCircuitStateChange;
      if (onChange) {
        breaker.onStateChange((state) => onChange(councilCode, stateName(state)));
        onChange(councilCode, 'closed'); // a new breaker starts closed: lets the state gauge show it
      }
      made = { policy: breaker, counter };
    }
    this.breakers.set(key, made);
    return made;
  }
}

function breakerKey(target: BreakerTarget): string {
  return typeof target === 'string' ? target : `${target.councilCode} ${target.endpointUrl}`;
}

function stateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'open';
}
