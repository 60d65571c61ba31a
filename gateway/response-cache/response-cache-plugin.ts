// Notes, for the response cache, what only Apollo Server knows of a request: its operation type and whether
// the answer carries errors. Written into the request scope's ResponseFreshness as the response is sent.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestScopeOf } from '../council-router/request-scope.js';

export function responseCachePlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          const freshness = requestScopeOf(contextValue)?.freshness;
          if (!freshness) return;
          freshness.operation = operation?.operation;
          if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) freshness.forbid();
        },
      };
    },
  };
}
