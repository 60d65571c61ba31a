// What a client may see of an error. Always: an error without a stable code becomes "Internal server error"
// (the details go to the log), and no stack, exception or internal subgraph name travels in extensions.
// In production, also: no "Did you mean …?" (it maps the schema for whoever probes it; Apollo Server's
// hideSchemaDetailsFromClientErrors covers validation, this covers variable coercion too), and no message
// that names internals (an error class such as RangeError, a socket error such as ECONNRESET, a subgraph,
// a loopback address, a source file, a stack frame): such a message is replaced by a plain sentence for
// its code, which the client can still act on.
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../schema/error-codes.js';

export interface MaskOptions {
  /** Production answers: no suggestions, no internal names in messages. */
  production?: boolean;
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

const INTERNAL_NAMES = [
  /\b[A-Z][A-Za-z]*Error\b/, // RangeError, TypeError, FetchError, GraphQLError…
  /\b(?:ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRINUSE|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)\b/,
  /\bsubgraphs?\b/i,
  /\b(?:127\.\d+\.\d+\.\d+|localhost|0\.0\.0\.0)\b|\[::1?\]/,
  /\bnode_modules\b|(?:\/[\w.@-]+)+\.[cm]?[jt]s\b|\bat .+:\d+:\d+/,
  /_binfo_/, // the council router's own names for what it adds to a council query
  /\bApollo\b|\bApolloServer\b/, // the server's software and its settings ("pass introspection: true to ApolloServer")
];

/** A sentence per code for a message that had to be withheld. */
function plainMessage(extensions: Readonly<Record<string, unknown>>): string {
  switch (extensions.code) {
    case ErrorCode.COUNCIL_UNAVAILABLE:
      return typeof extensions.fallbackUrl === 'string'
        ? `This council's bin-collection service is unavailable. Check ${extensions.fallbackUrl}`
        : "This council's bin-collection service is unavailable.";
    case ErrorCode.BAD_USER_INPUT:
      return 'A value in the request is not valid.';
    case ErrorCode.GRAPHQL_VALIDATION_FAILED:
      return extensions.validationErrorCode === 'INTROSPECTION_DISABLED'
        ? 'Introspection is off on this server: the schema is published with the Binfo standard.'
        : 'The operation is not valid for the national graph.';
    default:
      return 'The request could not be answered.';
  }
}

export function revealsInternals(message: string): boolean {
  return INTERNAL_NAMES.some((pattern) => pattern.test(message));
}

export function maskError(formatted: GraphQLFormattedError, options: MaskOptions = {}): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const known = typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== 'DOWNSTREAM_SERVICE_ERROR';
  if (!known) {
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  // serviceName is the gateway's internal subgraph name ("directory", "councils"): not the client's business.
  const { exception: _exception, stacktrace: _stacktrace, serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
  if (!options.production) return { ...formatted, extensions };
  const withoutSuggestions = formatted.message.replace(SUGGESTION, '');
  const message = revealsInternals(withoutSuggestions) ? plainMessage(extensions) : withoutSuggestions;
  return { ...formatted, message, extensions };
}
