// What one request's answer was made of, noted while it runs, so the response cache knows how long the
// whole answer may be reused: never longer than the freshest-expiring council answer in it (so a response
// is never fresher than the entity cache would have made its parts, and the 60-second freshness rule for
// disruptions holds), and only while every council it asked still has the endpoint it was asked at.
//
// The council router notes each council entity it serves (from the entity cache, or fetched now); the
// councils-proxy data source notes the proxy's Cache-Control; the response-cache plugin notes the
// operation's type and whether the answer has errors.

export class ResponseFreshness {
  /** Epoch ms until which every council answer used is fresh; Infinity while no council was involved. */
  freshUntil = Infinity;
  /** The endpoint URL each council was asked at (undefined: the council has no endpoint). */
  readonly councils = new Map<string, string | undefined>();
  /** Set when something in the answer must never be reused (a mutation, an error, a part that may not be cached). */
  uncacheable = false;
  operation: string | undefined;

  /** A council answer used in this response, fresh until `until` (epoch ms; 0 or less: not reusable). */
  note(until: number): void {
    if (until < this.freshUntil) this.freshUntil = until;
  }

  council(code: string, url: string | undefined): void {
    this.councils.set(code, url);
  }

  forbid(): void {
    this.uncacheable = true;
  }
}
