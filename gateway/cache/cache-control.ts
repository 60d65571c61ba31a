// How long a council's answer may be served from the entity cache without asking it again.
//
// THE FRESHNESS RULE: a disruption must show through the gateway within 60 seconds of being posted, edited
// or withdrawn. So no cached entity is served as fresh for more than MAX_FRESH_SECONDS, whatever the council's
// Cache-Control says and whatever the configuration asks; startGateway refuses a configuration above it.
// (An older answer is only ever served when the council cannot be reached, and is then marked stale.)

export const MAX_FRESH_SECONDS = 60;
/**
 * Fresh time when a council says nothing. Short enough that an edit shows within seconds (residents re-check
 * after a post on social media), long enough to absorb a burst of identical questions.
 */
export const DEFAULT_FRESH_SECONDS = 10;

export interface CachePolicy {
  /** False when the council said its answer must not be kept at all. */
  store: boolean;
  freshSeconds: number;
}

/**
 * Reads a council's `Cache-Control` header. `s-maxage` (meant for shared caches, which the gateway is) wins
 * over `max-age`; `no-cache` keeps the answer for stale-if-error but never serves it fresh; `private` is not kept.
 *
 * `no-store` is read as "no opinion" (the default below): Apollo Server sends `no-store` on every response
 * without cache hints, which is every council built on the Binfo kit today, so honouring it would turn the
 * cache off for all of them. A council that wants no caching says `max-age=0`.
 */
export function cachePolicyFrom(header: string | undefined, defaultSeconds: number, maxSeconds: number = MAX_FRESH_SECONDS): CachePolicy {
  const cap = Math.min(maxSeconds, MAX_FRESH_SECONDS);
  const fallback = { store: true, freshSeconds: clamp(defaultSeconds, cap) };
  if (!header) return fallback;
  const directives = new Map<string, string | undefined>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name) directives.set(name, value?.replace(/^"|"$/g, ''));
  }
  if (directives.has('private')) return { store: false, freshSeconds: 0 };
  if (directives.has('no-cache')) return { store: true, freshSeconds: 0 };
  const seconds = parseSeconds(directives.get('s-maxage')) ?? parseSeconds(directives.get('max-age'));
  return seconds === undefined ? fallback : { store: true, freshSeconds: clamp(seconds, cap) };
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function clamp(seconds: number, cap: number): number {
  return Math.max(0, Math.min(seconds, cap));
}
