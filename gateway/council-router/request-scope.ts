// What the council router needs to know about the client request a fetch belongs to. The gateway's data
// sources see the request's context object but cannot write the response, so the server puts a scope in
// that object and reads back what the router noted (stale answers) before the response is sent.
import type { StaleAnswers } from '../cache/stale-answers.js';
import type { CouncilFanOut } from '../limits/council-fan-out.js';
import type { ResponseFreshness } from '../response-cache/freshness.js';

export interface RequestScope {
  /** Sent to each council as `x-request-id`, so one request can be followed through every log. */
  requestId: string;
  stale: StaleAnswers;
  fanOut: CouncilFanOut;
  /** How long the answer may be reused, noted by the router for the response cache (absent: nobody asks). */
  freshness?: ResponseFreshness;
}

// A property, not a WeakMap keyed on the context: Apollo Server shallow-copies the context object for each
// operation, and a copy keeps its own enumerable properties (symbols included) but not its identity.
const SCOPE = Symbol('binfo.requestScope');

export function bindRequestScope(context: object, scope: RequestScope): void {
  Object.defineProperty(context, SCOPE, { value: scope, enumerable: true });
}

export function requestScopeOf(context: unknown): RequestScope | undefined {
  return context !== null && typeof context === 'object' ? (context as { [SCOPE]?: RequestScope })[SCOPE] : undefined;
}
