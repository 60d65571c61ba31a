// The national gateway: one graph over the directory and every council.
import './disable-telemetry.js';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { handleGraphQLRequest, sendJson } from '../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../lib/http/listen.js';
import { ErrorCode } from '../schema/error-codes.js';
import type { CouncilEndpoint } from './council-registry.js';
import { CouncilRouterDataSource, type CouncilRouterOptions } from './council-router/council-router-data-source.js';
import { nationalSubgraphSchema } from './national/national-subgraph.js';
import { dateArgumentsPlugin } from './plugins/date-arguments.js';

export interface CouncilDirectoryEntry {
  name: string;
  fallbackUrl: string;
  collectsWaste: boolean;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** URLs of the remote subgraphs by name (directory, calendar); councils go through the router, national is in-process. */
  subgraphUrls: Record<string, string>;
  councilEndpoints: ReadonlyMap<string, CouncilEndpoint>;
  councilDirectory: ReadonlyMap<string, CouncilDirectoryEntry>;
  port?: number;
  host?: string;
  /** Introspection is off in production unless asked for. */
  introspection?: boolean;
  router?: CouncilRouterOptions;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningGateway extends RunningServer {
  graphqlUrl: string;
}

/** Hide internals from clients: errors without a stable code become a plain message. */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const known = typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== 'DOWNSTREAM_SERVICE_ERROR';
  if (known) {
    const { exception: _exception, stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

const defaultLog = (entry: Record<string, unknown>) => console.error(JSON.stringify(entry));

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const router = new CouncilRouterDataSource(
    {
      endpoint: (code) => options.councilEndpoints.get(code),
      describe: (code) => options.councilDirectory.get(code),
    },
    options.router,
  );
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }): GraphQLDataSource => {
      if (name === 'councils') return router;
      if (name === 'national') {
        return new LocalGraphQLDataSource(nationalSubgraphSchema({ councils: router, councilCodes: () => [...options.councilEndpoints.keys()] }));
      }
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      return new RemoteGraphQLDataSource({ url: target });
    },
  });
  const apollo = new ApolloServer<BaseContext>({
    gateway,
    csrfPrevention: true,
    introspection: options.introspection ?? process.env.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      const masked = maskError(formatted);
      // Internals stay in the server's log, with enough to debug; the client gets the masked error.
      if (masked.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) (options.log ?? defaultLog)({ level: 'error', msg: 'internal error', error: String(error), path: formatted.path });
      return masked;
    },
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), dateArgumentsPlugin()],
  });
  await apollo.start();

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/ready') return sendJson(res, 200, { status: 'ready', councils: options.councilEndpoints.size });
      if (url.pathname === '/graphql') return handleGraphQLRequest(apollo, req, res, async () => ({}));
      sendJson(res, 404, { error: 'Not found. The national graph is at /graphql.' });
    },
    { port: options.port, host: options.host, onError: (error) => options.log?.({ level: 'error', msg: 'gateway request failed', error: String(error) }) },
  );
  return {
    ...running,
    graphqlUrl: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
      await router.close();
    },
  };
}
