// Serves one subgraph schema at /graphql with /health and /ready: the shape every Binfo subgraph shares.
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServer, type BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { handleGraphQLRequest, sendJson } from './apollo-handler.js';
import { listen, type RunningServer } from './listen.js';

export interface ServedSchema extends RunningServer {
  graphqlUrl: string;
}

/** The Apollo Server settings every Binfo subgraph shares, started and ready to handle requests. */
export async function startSubgraphServer<TContext extends BaseContext>(schema: GraphQLSchema): Promise<ApolloServer<TContext>> {
  const apollo = new ApolloServer<TContext>({
    schema,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // The gateway reads the SDL through `_service`; introspection is still useful to council developers.
    introspection: true,
    // Federated tracing (ftv1) goes to Apollo's cloud, which Binfo never uses.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  return apollo;
}

export async function serveSchema(options: { name: string; schema: GraphQLSchema; port?: number; host?: string }): Promise<ServedSchema> {
  const apollo = await startSubgraphServer(options.schema);
  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health' || url.pathname === '/ready') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname !== '/graphql') return sendJson(res, 404, { error: `Not found. The ${options.name} subgraph is at /graphql.` });
      await handleGraphQLRequest(apollo, req, res, async () => ({}));
    },
    { port: options.port, host: options.host },
  );
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
