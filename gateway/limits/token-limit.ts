// The token limit is graphql-js's own `maxTokens` parse option (given to Apollo Server as parseOptions):
// the parser stops at the limit, so a huge document costs no more than `maxTokens` tokens of work. It reports
// a syntax error (GRAPHQL_PARSE_FAILED); this turns that one error into the gateway's OPERATION_TOO_LARGE.
// (Refusing earlier, from a plugin hook before parsing, makes Apollo Server answer 500.)
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../schema/error-codes.js';

/** graphql-js's message: "Document contains more that N tokens." in 16 (sic), "more than" once corrected. */
const TOO_MANY_TOKENS = /Document contains more tha[nt] (\d+) tokens/;

export function asTokenLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return formatted;
  const match = TOO_MANY_TOKENS.exec(formatted.message);
  if (!match) return formatted;
  return {
    message: `The operation has more than ${match[1]} tokens. Split it into smaller operations.`,
    extensions: { code: ErrorCode.OPERATION_TOO_LARGE, limit: Number(match[1]) },
  };
}
