// Writes the stale answers the council router noted for a request into the response:
//   "extensions": { "binfo": { "stale": [{ "councilCode": "E06000038", "ageSeconds": 95 }] } }
// Data sources cannot touch the response, so the router notes them in the request's scope and this plugin,
// which runs as the response is sent, reads them back.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestScopeOf } from '../council-router/request-scope.js';

export function staleAnswersPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const stale = requestScopeOf(contextValue)?.stale.list();
          if (!stale?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const binfo = (result.extensions?.binfo as Record<string, unknown> | undefined) ?? {};
          result.extensions = { ...result.extensions, binfo: { ...binfo, stale } };
        },
      };
    },
  };
}
