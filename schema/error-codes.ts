// Stable `extensions.code` values of the Binfo graph. Clients rely on these strings: never rename one.

export const ErrorCode = {
  /** The request was understood but a value in it is wrong (a malformed postcode or date). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A council's service failed, timed out or answered wrongly; `fallbackUrl` says where residents can look instead. */
  COUNCIL_UNAVAILABLE: 'COUNCIL_UNAVAILABLE',
  /** The council collects waste but no endpoint is registered for it yet. */
  COUNCIL_NOT_CONNECTED: 'COUNCIL_NOT_CONNECTED',
  /** A disruption write without a valid token for that council. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** The operation asks for too much (depth, aliases, councils fanned out to, a list argument too long). */
  OPERATION_TOO_LARGE: 'OPERATION_TOO_LARGE',
  /**
   * The operation's estimated cost (councils it can reach times the work asked of each) is over the limit;
   * HTTP 400 with `cost` and `limit`, before any council is asked. Narrow it, or split it into several.
   */
  OPERATION_TOO_COSTLY: 'OPERATION_TOO_COSTLY',
  /**
   * Apollo Server's code: the request does not say which operation to run (an unknown `operationName`, or
   * several operations and no `operationName`); HTTP 400.
   */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Apollo Server's code: the document is not valid for the graph (including a mutation or subscription: it has neither); HTTP 400. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The client (its `x-api-key`, else its IP) sent too many requests; HTTP 429 with `Retry-After`. */
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
