// National views answered inside the gateway: it asks every council through the same council router
// that serves client queries (so timeouts, isolation and batching apply), and hands on what the councils
// answered. Every view answers from that one fan-out: `disruptions` provides each Disruption's fields
// (`@provides` over the council standard's shareable `Disruption`), so the gateway does not ask the councils
// again, and a disruption withdrawn in between cannot turn into a null item without an error. The service
// views return the councils' services themselves (the standard's `Service`, shareable); `services` and
// `serviceSummary` in one operation share one fan-out (memoised on the request).
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { todayInLondon } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/types.js';
import { DateScalar, DateTimeScalar } from '../../schema/scalars.js';
import { projectPath } from '../../lib/project-path.js';
import type { EntityFetchRequest, EntityFetchResult } from '../council-router/council-router-data-source.js';
import type { GraphQLErrorShape, Representation } from '../council-router/partition.js';
import { readServiceAnswers, servicesOfType, summariseServices, type ServiceAnswers } from './service-views.js';

/** The council router's typed fan-out (in-process, or the councils proxy's). */
export interface CouncilEntityFetcher {
  fetchEntities(request: EntityFetchRequest, context?: unknown): Promise<EntityFetchResult | { refusal: unknown }>;
}

const NATIONAL_SDL = readFileSync(projectPath('schema', 'national.graphql'), 'utf8');

const ACTIVE_DISRUPTIONS = `query NationalDisruptions($representations: [_Any!]!, $activeOn: Date) {
  _entities(representations: $representations) { ... on Council { disruptions(activeOn: $activeOn) {
    id title reason message serviceTypes area effect delayDays startsOn endsOn url updatedAt
  } } }
}`;

const COUNCIL_SERVICES = `query NationalServices($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Council {
    services { id name type containers { name colour kind } frequency { description rrule } subscription { required description url } }
    dataSource { kind }
  } }
}`;

/** What the service views need to know of a council from the directory. */
export interface NationalCouncilFacts {
  collectsWaste: boolean;
  nation?: string;
  tier?: string;
}

export interface NationalOptions {
  /** The council router's fan-out. */
  councils: CouncilEntityFetcher;
  /** The GSS codes of every council with an endpoint, asked in this order. */
  councilCodes: () => string[];
  /**
   * The council directory (by GSS code): the service views ask every waste-collecting council in it, so
   * one without an endpoint is named (COUNCIL_NOT_CONNECTED) rather than silently missing, and filter by
   * nation and tier. Without it they ask the councils with an endpoint, and a nation or tier matches none.
   */
  councilDirectory?: ReadonlyMap<string, NationalCouncilFacts>;
}

interface ServiceFilter {
  nation?: string | null;
  tier?: string | null;
}

interface FanOutError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** The councils a service view asks, in GSS-code order: every waste collector in the directory and every endpoint, filtered. */
function councilsToAsk(options: NationalOptions, filter: ServiceFilter): string[] {
  const directory = options.councilDirectory;
  const codes = new Set(options.councilCodes());
  for (const [code, facts] of directory ?? []) if (facts.collectsWaste) codes.add(code);
  return [...codes]
    .filter((code) => {
      if (!filter.nation && !filter.tier) return true;
      const facts = directory?.get(code);
      return (!filter.nation || facts?.nation === filter.nation) && (!filter.tier || facts?.tier === filter.tier);
    })
    .sort();
}

/** A refused fan-out (too many councils for one operation) as the client's error. */
function refusalError(refusal: unknown): GraphQLError {
  const refused = (refusal as { errors?: FanOutError[] }).errors?.[0];
  return new GraphQLError(refused?.message ?? 'This operation asks too many councils.', { extensions: refused?.extensions });
}

export function nationalSubgraphSchema(options: NationalOptions): GraphQLSchema {
  // One fan-out per client operation and filter, shared by `services` and `serviceSummary` (the context is the request's).
  const fanOuts = new WeakMap<object, Map<string, Promise<ServiceAnswers>>>();
  const serviceAnswers = (filter: ServiceFilter, context: Record<string, unknown> | undefined): Promise<ServiceAnswers> => {
    const key = `${filter.nation ?? ''}|${filter.tier ?? ''}`;
    let memo: Map<string, Promise<ServiceAnswers>> | undefined;
    if (context && typeof context === 'object') {
      memo = fanOuts.get(context);
      if (!memo) fanOuts.set(context, (memo = new Map()));
    }
    const known = memo?.get(key);
    if (known) return known;
    const answers = (async () => {
      const codes = councilsToAsk(options, filter);
      const representations: Representation[] = codes.map((code) => ({ __typename: 'Council', code }));
      const response = await options.councils.fetchEntities({ query: COUNCIL_SERVICES, representations, operationName: 'NationalServices' }, context);
      if ('refusal' in response) throw refusalError(response.refusal);
      return readServiceAnswers(codes, response.entities, response.errors as GraphQLErrorShape[]);
    })();
    memo?.set(key, answers);
    return answers;
  };

  const resolvers = {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Query: {
      services: async (_: unknown, args: { type: string } & ServiceFilter, context: Record<string, unknown>) => {
        const answers = await serviceAnswers(args, context);
        // A council that could not answer becomes a null item carrying its error (code, councilCode, fallbackUrl).
        const failures = answers.errors.map((error) => new GraphQLError(error.message, { extensions: error.extensions }));
        return [...servicesOfType(answers, args.type), ...failures];
      },
      serviceSummary: async (_: unknown, args: { type: string } & ServiceFilter, context: Record<string, unknown>) =>
        summariseServices(await serviceAnswers(args, context), args.type),
      disruptions: async (_: unknown, args: { activeOn?: IsoDate | null }, context: Record<string, unknown>) => {
        const codes = options.councilCodes();
        const representations: Representation[] = codes.map((code) => ({ __typename: 'Council', code }));
        // The client's context: request id forwarding, stale marks and the councils-per-operation cap apply.
        const response = await options.councils.fetchEntities(
          { query: ACTIVE_DISRUPTIONS, variables: { activeOn: args.activeOn ?? todayInLondon(new Date()) }, representations, operationName: 'NationalDisruptions' },
          context,
        );
        if ('refusal' in response) throw refusalError(response.refusal);
        const entities = response.entities as Array<{ disruptions?: Array<{ id: string; startsOn: string }> | null } | null>;
        // Whole disruptions, as the council answered them: the query plan takes their fields from here.
        const found = entities.flatMap((entity, index) =>
          (entity?.disruptions ?? []).map((d) => ({ ...d, __typename: 'Disruption', councilCode: codes[index] })),
        );
        found.sort((a, b) => (a.councilCode < b.councilCode ? -1 : a.councilCode > b.councilCode ? 1 : a.startsOn < b.startsOn ? -1 : 1));
        // A council that could not answer becomes a null item carrying its error (code, councilCode, fallbackUrl).
        const failures = ((response.errors ?? []) as FanOutError[]).map(
          (error) => new GraphQLError(error.message, { extensions: error.extensions }),
        );
        return [...found, ...failures];
      },
    },
  };
  return buildSubgraphSchema({ typeDefs: parse(NATIONAL_SDL), resolvers: resolvers as never });
}
