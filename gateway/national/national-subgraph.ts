// National views answered inside the gateway: it asks every council through the same council router
// that serves client queries (so timeouts, isolation and batching apply), then returns entity references
// that the gateway resolves from the councils and the directory as usual.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { todayInLondon } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/types.js';
import { DateScalar } from '../../schema/scalars.js';
import { projectPath } from '../../lib/project-path.js';
import type { EntityFetchRequest, EntityFetchResult } from '../council-router/council-router-data-source.js';
import type { Representation } from '../council-router/partition.js';

/** The council router's typed fan-out (in-process, or the councils proxy's). */
export interface CouncilEntityFetcher {
  fetchEntities(request: EntityFetchRequest, context?: unknown): Promise<EntityFetchResult | { refusal: unknown }>;
}

const NATIONAL_SDL = readFileSync(projectPath('schema', 'national.graphql'), 'utf8');

const ACTIVE_DISRUPTIONS = `query NationalDisruptions($representations: [_Any!]!, $activeOn: Date) {
  _entities(representations: $representations) { ... on Council { disruptions(activeOn: $activeOn) { id startsOn } } }
}`;

export interface NationalOptions {
  /** The council router's fan-out. */
  councils: CouncilEntityFetcher;
  /** The GSS codes of every council with an endpoint, asked in this order. */
  councilCodes: () => string[];
}

interface FanOutError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export function nationalSubgraphSchema(options: NationalOptions): GraphQLSchema {
  const resolvers = {
    Date: DateScalar,
    Query: {
      disruptions: async (_: unknown, args: { activeOn?: IsoDate | null }, context: Record<string, unknown>) => {
        const codes = options.councilCodes();
        const representations: Representation[] = codes.map((code) => ({ __typename: 'Council', code }));
        // The client's context: request id forwarding, stale marks and the councils-per-operation cap apply.
        const response = await options.councils.fetchEntities(
          { query: ACTIVE_DISRUPTIONS, variables: { activeOn: args.activeOn ?? todayInLondon(new Date()) }, representations, operationName: 'NationalDisruptions' },
          context,
        );
        if ('refusal' in response) {
          const refused = (response.refusal as { errors?: FanOutError[] }).errors?.[0];
          throw new GraphQLError(refused?.message ?? 'This operation asks too many councils.', { extensions: refused?.extensions });
        }
        const entities = response.entities as Array<{ disruptions?: Array<{ id: string; startsOn: string }> | null } | null>;
        const found = entities.flatMap((entity, index) =>
          (entity?.disruptions ?? []).map((d) => ({ __typename: 'Disruption', councilCode: codes[index], id: d.id, startsOn: d.startsOn })),
        );
        found.sort((a, b) => (a.councilCode < b.councilCode ? -1 : a.councilCode > b.councilCode ? 1 : a.startsOn < b.startsOn ? -1 : 1));
        // A council that could not answer becomes a null item carrying its error (code, councilCode, fallbackUrl).
        const failures = ((response.errors ?? []) as FanOutError[]).map(
          (error) => new GraphQLError(error.message, { extensions: error.extensions }),
        );
        return [...found.map(({ startsOn: _startsOn, ...ref }) => ref), ...failures];
      },
    },
  };
  return buildSubgraphSchema({ typeDefs: parse(NATIONAL_SDL), resolvers: resolvers as never });
}
