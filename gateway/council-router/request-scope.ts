// What the council router needs to know about the client request a fetch belongs to. The gateway's data
// sources see the request's context object but cannot write the response, so the server binds a scope to
// that object and reads back what the router noted (stale answers) before the response is sent.
import type { StaleAnswers } from '../cache/stale-answers.js';
import type { CouncilFanOut } from '../limits/council-fan-out.js';

export interface RequestScope {
  /** Sent to each council as `x-request-id`, so one request can be followed through every log. */
  requestId: string;
  stale: StaleAnswers;
  fanOut: CouncilFanOut;
}

const scopes = new WeakMap<object, RequestScope>();

export function bindRequestScope(context: object, scope: RequestScope): void {
  scopes.set(context, scope);
}

export function requestScopeOf(context: unknown): RequestScope | undefined {
  return context !== null && typeof context === 'object' ? scopes.get(context) : undefined;
}
