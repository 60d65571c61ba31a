import { ApolloServer, type BaseContext } from '@apollo/server';
import { handleGraphQLRequest, sendJson } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { loadCouncilRegistry } from './council-registry.js';
import { PostcodeIndex } from './postcode-index.js';
import { directorySubgraphSchema, type DirectoryData } from './subgraph.js';

export function loadDirectoryData(): DirectoryData {
  return { councils: loadCouncilRegistry(), postcodes: PostcodeIndex.load() };
}

export async function startDirectory(options: { data?: DirectoryData; port?: number } = {}): Promise<RunningServer & { graphqlUrl: string }> {
  const data = options.data ?? loadDirectoryData();
  const apollo = new ApolloServer<BaseContext>({
    schema: directorySubgraphSchema(data),
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    introspection: true,
  });
  await apollo.start();
  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health' || url.pathname === '/ready') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'Not found. The directory subgraph is at /graphql.' });
    await handleGraphQLRequest(apollo, req, res, async () => ({}));
  }, { port: options.port });
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}
