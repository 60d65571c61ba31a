// The in-process `execute` for the web routes inside the gateway: the operation runs through the gateway's
// own ApolloServer (its plugins, limits and error masking), without an HTTP round trip to itself.
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { ExecuteGraphQL } from './graph.js';

/**
 * `context` makes the context of each operation, as the HTTP route does per request (the council
 * router keeps per-request state in it), so every operation gets a fresh one.
 */
export function apolloExecute(apollo: ApolloServer<BaseContext>, context: () => BaseContext | Promise<BaseContext> = () => ({})): ExecuteGraphQL {
  return async (query, variables) => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: await context() });
    // The web routes' operations have no @defer or @stream, so the answer always comes whole.
    if (response.body.kind !== 'single') throw new Error('Expected a single GraphQL result for a web route operation');
    const { data, errors } = response.body.singleResult;
    return { data, errors: errors ? [...errors] : undefined };
  };
}
