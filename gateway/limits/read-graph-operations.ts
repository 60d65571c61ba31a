// The national graph answers queries, one per request. What Apollo Server leaves to the gateway's query
// planner, which throws (HTTP 500), is refused here first with HTTP 400 and a code the client can act on:
// an `operationName` the document does not define, several operations with none named, and a mutation or
// subscription (the graph has no writes, and the gateway cannot run subscriptions). A mutation sent as GET
// never gets here: Apollo Server answers it 405 with `Allow: POST`.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { EdgeErrorCode } from '../../lib/http/apollo-handler.js';
import { ErrorCode } from '../../schema/error-codes.js';

const badRequest = (message: string, code: string) => new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

export function readGraphOperationsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (!operation) {
            const named = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
            const choices = named.length ? ` It defines: ${named.map((n) => JSON.stringify(n)).join(', ')}.` : '';
            throw badRequest(
              request.operationName
                ? `The document has no operation named ${JSON.stringify(request.operationName)}.${choices}`
                : `The document has several operations: name the one to run in "operationName".${choices}`,
              ErrorCode.OPERATION_RESOLUTION_FAILURE,
            );
          }
          if (operation.operation !== 'query') {
            // The graph has no Mutation or Subscription root: the document is not valid for it.
            throw badRequest(`The national graph is read-only and answers queries only, not a ${operation.operation}.`, ErrorCode.GRAPHQL_VALIDATION_FAILED);
          }
        },
      };
    },
  };
}

/**
 * Apollo Server refuses some requests with an HTTP 4xx but no code (a persisted query of an unknown version,
 * a hash that does not match its text), which would read as an internal error once masked. They are the
 * client's mistakes, in Apollo's own plain words: BAD_REQUEST.
 */
export function codeApolloRefusal(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR || !(error instanceof GraphQLError)) return formatted;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: EdgeErrorCode.BAD_REQUEST } };
}
