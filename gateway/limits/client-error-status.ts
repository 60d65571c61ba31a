// A request refused for what the client sent is answered 400, not 500. Apollo Server answers 500 for an
// error thrown before execution (e.g. from a plugin's didResolveOperation, as the Date argument check does)
// unless the error carries its own HTTP status. This plugin gives such refusals 400 when their code says the
// client was at fault; any other error keeps Apollo's 500, and errors during execution keep their 200.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '../../schema/error-codes.js';

const CLIENT_FAULTS = new Set<unknown>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.OPERATION_TOO_LARGE,
  ErrorCode.OPERATION_TOO_COSTLY,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
]);

export function clientErrorStatusPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      let executing = false;
      return {
        async executionDidStart() {
          executing = true;
        },
        async didEncounterErrors({ errors, response }) {
          if (executing || response.http.status) return;
          if (errors.length > 0 && errors.every((error) => CLIENT_FAULTS.has(error.extensions?.code))) response.http.status = 400;
        },
      };
    },
  };
}
