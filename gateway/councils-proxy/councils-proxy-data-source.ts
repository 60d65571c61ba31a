// The gateway's `councils` data source when the council router runs as its own process (the councils proxy
// subgraph, BINFO_COUNCILS_URL): a plain RemoteGraphQLDataSource, as Apollo Router, Hive Router or Cosmo
// would use, plus what keeps this project's gateway behaving exactly as with the router in-process:
//   - the councils-per-operation cap is counted here, across the operation's fetches (the proxy only sees one);
//   - the request id goes to the proxy as `x-request-id`, which passes it on to each council;
//   - the proxy's stale marks (`extensions.binfo.stale`) join the response's, and its `Cache-Control: max-age`
//     bounds the response cache as the router's entity freshness would;
//   - if the proxy itself cannot be reached, each council in the fetch gets COUNCIL_UNAVAILABLE with its
//     fallback link, as when the council itself fails.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { fanOutRefused } from '../limits/council-fan-out.js';
import { unavailable, type EntityFetchRequest, type EntityFetchResult } from '../council-router/council-router-data-source.js';
import type { GraphQLErrorShape } from '../council-router/partition.js';
import { councilCodeOf, type Representation } from '../council-router/partition.js';
import { requestScopeOf } from '../council-router/request-scope.js';
import { subgraphFetcher } from '../council-router/subgraph-fetcher.js';

export interface CouncilsProxyLookup {
  /** Whether the council has an endpoint (only those count towards the councils-per-operation cap). */
  hasEndpoint(code: string): boolean;
  describe(code: string): { name: string; fallbackUrl: string; collectsWaste: boolean } | undefined;
}

interface StaleMark {
  councilCode?: unknown;
  ageSeconds?: unknown;
}

export class CouncilsProxyDataSource extends RemoteGraphQLDataSource {
  private readonly lookup: CouncilsProxyLookup;

  constructor(url: string, lookup: CouncilsProxyLookup, options: { timeoutMs?: number } = {}) {
    // The proxy answers within its councils' own timeouts; this is only the backstop for a proxy that hangs.
    super({ url, fetcher: subgraphFetcher({ timeoutMs: options.timeoutMs ?? 30_000 }), honorSubgraphCacheControlHeader: false });
    this.lookup = lookup;
  }

  override async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const representations = options.request.variables?.representations;
    const reps = Array.isArray(representations) ? (representations as Representation[]) : [];
    const scope = requestScopeOf(options.context);
    if (scope && reps.length) {
      const codes = [...new Set(reps.map(councilCodeOf).filter((code): code is string => !!code && this.lookup.hasEndpoint(code)))];
      const decision = scope.fanOut.admit(codes);
      if (!decision.ok) return fanOutRefused(reps.length, decision);
    }
    try {
      return await super.process(options);
    } catch {
      scope?.freshness?.forbid();
      return { data: { _entities: reps.map(() => null) }, errors: this.unreachable(reps) as never };
    }
  }

  /** The national views' fan-out, sent to the proxy as one `_entities` request (see CouncilRouterDataSource.fetchEntities). */
  async fetchEntities(request: EntityFetchRequest, context?: unknown): Promise<EntityFetchResult | { refusal: unknown }> {
    const reps = request.representations;
    const scope = requestScopeOf(context);
    if (scope && reps.length) {
      const codes = [...new Set(reps.map(councilCodeOf).filter((code): code is string => !!code && this.lookup.hasEndpoint(code)))];
      const decision = scope.fanOut.admit(codes);
      if (!decision.ok) return { refusal: fanOutRefused(reps.length, decision) };
    }
    try {
      const response = await this.fetcher(this.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(scope?.requestId ? { 'x-request-id': scope.requestId } : {}) },
        body: JSON.stringify({ query: request.query, operationName: request.operationName, variables: { ...request.variables, representations: reps } }),
      });
      const body = (await response.json()) as { data?: { _entities?: unknown[] } | null; errors?: GraphQLErrorShape[] };
      const entities = body.data?._entities;
      if (!Array.isArray(entities) || entities.length !== reps.length) throw new Error('the councils proxy answered without one entity per representation');
      return { entities, errors: Array.isArray(body.errors) ? body.errors : [] };
    } catch {
      scope?.freshness?.forbid();
      return { entities: reps.map(() => null), errors: this.unreachable(reps) };
    }
  }

  /** The proxy itself could not be reached: each council asked gets COUNCIL_UNAVAILABLE with its fallback link. */
  private unreachable(reps: readonly Representation[]): GraphQLErrorShape[] {
    return reps.flatMap((rep, index) => {
      const code = councilCodeOf(rep);
      const council = code ? this.lookup.describe(code) : undefined;
      if (!code || !council?.collectsWaste) return [];
      return [unavailable({ code, name: council.name, fallbackUrl: council.fallbackUrl }, 'network', index)];
    });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions): void {
    const requestId = requestScopeOf(options.context)?.requestId;
    if (requestId) options.request.http?.headers.set('x-request-id', requestId);
  }

  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource['didReceiveResponse']>>[0]): GatewayGraphQLResponse {
    const scope = requestScopeOf(context);
    if (!scope) return response;
    const stale = (response.extensions?.binfo as { stale?: StaleMark[] } | undefined)?.stale;
    if (Array.isArray(stale)) {
      for (const mark of stale) {
        if (typeof mark?.councilCode === 'string' && typeof mark.ageSeconds === 'number') scope.stale.mark(mark.councilCode, mark.ageSeconds);
      }
      if (stale.length) scope.freshness?.forbid();
    }
    const maxAge = /(?:^|,)\s*max-age=(\d+)/.exec(response.http?.headers.get('cache-control') ?? '')?.[1];
    scope.freshness?.note(maxAge === undefined ? 0 : Date.now() + Number(maxAge) * 1000);
    return response;
  }
}
