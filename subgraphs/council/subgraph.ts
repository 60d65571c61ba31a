// The council kit: builds the Binfo standard subgraph over any CouncilDataSource.
// One schema serves every council on a host; the council is chosen per request (its URL path),
// so a host of 360 councils builds the schema once, not 360 times.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { addDays, daysBetween, todayInLondon } from '../../domain/dates.js';
import { applyDisruptions, isActiveOn, type Disruption } from '../../domain/disruptions/apply.js';
import { nextCollectionPerService } from '../../domain/schedule/engine.js';
import type { Collection, IsoDate, Service, ServiceType } from '../../domain/types.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { DateScalar, DateTimeScalar } from '../../schema/scalars.js';
import { parsePostcode } from '../../contracts/postcode.js';
import { servedWarnings, SourceUnavailableError, warningsForProperty, type CouncilDataSource, type DataSourceInfo, type PropertyRecord } from './data-source.js';
import { describeDisruptionArea } from './disruption-view.js';
import { projectPath } from '../../lib/project-path.js';

const STANDARD_SDL = readFileSync(projectPath('schema', 'council.graphql'), 'utf8');

/** How far ahead `nextCollections` looks: far enough to find a 4-weekly or post-suspension collection. */
const NEXT_COLLECTION_HORIZON_DAYS = 8 * 7;
const DEFAULT_RANGE_DAYS = 14;
/** The longest delay a disruption may carry (domain/disruptions/apply.ts validates it). */
const MAX_DISRUPTION_DELAY_DAYS = 31;
const MAX_RANGE_DAYS = 366;

/** Reads a council's disruptions; the kit applies them to every answer. */
export interface DisruptionReader {
  forCouncil(councilCode: string): Disruption[];
}

export interface CouncilRequestContext {
  councilCode: string;
  source: CouncilDataSource;
  disruptions: DisruptionReader | null;
  today: IsoDate;
  properties: DataLoader<string, PropertyRecord | null>;
  services(): Promise<Map<string, Service>>;
}

export function createCouncilRequestContext(
  source: CouncilDataSource,
  disruptions: DisruptionReader | null,
  now: Date = new Date(),
): CouncilRequestContext {
  let services: Promise<Map<string, Service>> | undefined;
  return {
    councilCode: source.councilCode,
    source,
    disruptions,
    today: todayInLondon(now),
    // One batched lookup per request, however many Property representations the gateway sends.
    properties: new DataLoader((uprns) => source.propertiesByUprn(uprns)),
    services: () => (services ??= source.services().then((list) => new Map(list.map((s) => [s.id, s])))),
  };
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

function checkedRange(from: IsoDate | undefined, to: IsoDate | undefined, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const start = from ?? today;
  const end = to ?? addDays(start, DEFAULT_RANGE_DAYS - 1);
  if (end < start) throw badInput(`The range ends (${end}) before it starts (${start}).`);
  if (daysBetween(start, end) >= MAX_RANGE_DAYS) {
    throw badInput(`The range ${start} to ${end} is longer than ${MAX_RANGE_DAYS} days; ask for a year at a time.`);
  }
  return { from: start, to: end };
}

interface CollectionView extends Collection {
  service: Service;
  disruption: Disruption | null;
}

/**
 * A schedule with no disruption applied, in order: the memoised schedule (schedule-memo.ts) is one array
 * shared by every property on its rounds, so with no disruptions to apply its ordering is worked out once.
 */
const undisrupted = new WeakMap<readonly Collection[], Collection[]>();

/** A property's collections in `range`, disruptions applied, in order (applyDisruptions orders them). */
async function adjustedCollections(property: PropertyRecord, range: { from: IsoDate; to: IsoDate }, context: CouncilRequestContext): Promise<Collection[]> {
  const services = await context.services();
  // Widen the regular range so a collection delayed into the range by a disruption is not lost.
  const regular = await context.source.collections(property, { from: addDays(range.from, -MAX_DISRUPTION_DELAY_DAYS), to: range.to }).catch(councilUnavailable(context.councilCode));
  const disruptions = context.disruptions?.forCouncil(context.councilCode) ?? [];
  const apply = () =>
    applyDisruptions(
      regular,
      disruptions,
      { postcode: property.address.postcode, roundIds: (serviceId) => property.roundIds[serviceId], councilCode: context.councilCode },
      (serviceId) => services.get(serviceId)?.type ?? 'OTHER',
    );
  let adjusted: Collection[];
  if (disruptions.length > 0) adjusted = apply();
  else {
    adjusted = undisrupted.get(regular) ?? apply();
    undisrupted.set(regular, adjusted);
  }
  return adjusted.filter((c) => c.date >= range.from && c.date <= range.to && services.has(c.serviceId));
}

/** Collections as served: with the service as this property receives it and the disruption that changed them. Only for what is answered. */
async function collectionViews(collections: readonly Collection[], property: PropertyRecord, context: CouncilRequestContext): Promise<CollectionView[]> {
  if (collections.length === 0) return [];
  const services = await context.services();
  const disruptions = collections.some((c) => c.disruptionId) ? context.disruptions?.forCouncil(context.councilCode) ?? [] : [];
  const byId = new Map(disruptions.map((d) => [d.id, d]));
  // A property has a few services and many collections of each: one view of each service.
  const serviceViews = new Map<string, Service>();
  const serviceView = (id: string) => {
    let view = serviceViews.get(id);
    if (!view) serviceViews.set(id, (view = serviceForProperty(services.get(id)!, property, context.councilCode)));
    return view;
  };
  return collections.map((c) => ({ ...c, service: serviceView(c.serviceId), disruption: c.disruptionId ? byId.get(c.disruptionId) ?? null : null }));
}

/**
 * A service as the national graph names it: the id is scoped by council (`E06000038:refuse`), because every
 * council has a "refuse" and a client's normalised cache would otherwise mix councils' services.
 */
function councilService(service: Service, councilCode: string): Service {
  return { ...service, id: `${councilCode}:${service.id}` };
}

/**
 * A service as this property receives it: with its own round's frequency ("Every other Tuesday") where known.
 * A different frequency makes it a different object for a client cache, so it gets its own id, derived from
 * the frequency so that it is stable and shared by every property on that round.
 */
function serviceForProperty(service: Service, property: PropertyRecord, councilCode: string): Service {
  const scoped = councilService(service, councilCode);
  const frequency = property.frequencies?.[service.id];
  if (!frequency || (frequency.description === service.frequency?.description && (frequency.rrule ?? null) === (service.frequency?.rrule ?? null))) return scoped;
  return { ...scoped, frequency, id: `${scoped.id}:${variantOf(frequency.description, frequency.rrule ?? '')}` };
}

/** A council has a handful of distinct frequencies, and every collection of a property names one: hashed once each. */
const variants = new LRUCache<string, string>({ max: 1_000 });

function variantOf(description: string, rrule: string): string {
  const text = `${description}\n${rrule}`;
  let variant = variants.get(text);
  if (variant === undefined) {
    variant = createHash('sha256').update(text).digest('hex').slice(0, 8);
    variants.set(text, variant);
  }
  return variant;
}

/** Feed warnings as served: the council's all, a property's only those that concern it. */
function servedInfo(info: DataSourceInfo, property: PropertyRecord | null) {
  const warnings = info.warnings ?? [];
  return { ...info, warnings: servedWarnings(property ? warningsForProperty(warnings, property.uprn, property.roundIds) : warnings) };
}

/** A source that cannot answer and has nothing older to serve: COUNCIL_UNAVAILABLE with the council's own page, never an empty answer. */
function councilUnavailable(councilCode: string) {
  return (error: unknown): never => {
    if (!(error instanceof SourceUnavailableError)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { code: ErrorCode.COUNCIL_UNAVAILABLE, councilCode, ...(error.fallbackUrl ? { fallbackUrl: error.fallbackUrl } : {}) },
    });
  };
}

function normalisedPostcode(input: string): string {
  const parsed = parsePostcode(input);
  if (!parsed.ok) throw badInput(parsed.message);
  return parsed.postcode;
}

const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Council: {
    // A council endpoint answers only for its own council: a representation for another is null.
    __resolveReference: (ref: { code: string }, context: CouncilRequestContext) =>
      ref.code === context.councilCode ? { code: ref.code } : null,
    services: async (_: unknown, __: unknown, context: CouncilRequestContext) => [...(await context.services()).values()].map((s) => councilService(s, context.councilCode)),
    properties: async (_: unknown, args: { postcode: string }, context: CouncilRequestContext) => {
      const records = await context.source.propertiesInPostcode(normalisedPostcode(args.postcode)).catch(councilUnavailable(context.councilCode));
      for (const record of records) context.properties.prime(record.uprn, record);
      return records.map((record) => ({ councilCode: context.councilCode, record }));
    },
    disruptions: (_: unknown, args: { activeOn?: IsoDate | null }, context: CouncilRequestContext) => {
      const all = context.disruptions?.forCouncil(context.councilCode) ?? [];
      return all.filter((d) =>
        args.activeOn ? isActiveOn(d, args.activeOn) : d.withdrawnAt === null && (d.endsOn === null || d.endsOn >= context.today),
      );
    },
    dataSource: (_: unknown, __: unknown, context: CouncilRequestContext) => servedInfo(context.source.info(), null),
  },
  Property: {
    __resolveReference: async (ref: { councilCode: string; uprn: string }, context: CouncilRequestContext) => {
      if (ref.councilCode !== context.councilCode) return null;
      const record = await context.properties.load(String(ref.uprn)).catch(councilUnavailable(context.councilCode));
      return record ? { councilCode: context.councilCode, record } : null;
    },
    uprn: (p: PropertyView) => p.record.uprn,
    councilCode: (p: PropertyView) => p.councilCode,
    address: (p: PropertyView) => ({
      ...p.record.address,
      singleLine: [...p.record.address.lines, p.record.address.town, p.record.address.postcode].join(', '),
    }),
    postcode: (p: PropertyView) => p.record.address.postcode,
    services: async (p: PropertyView, _: unknown, context: CouncilRequestContext) => {
      const services = await context.services();
      return p.record.serviceIds
        .map((id) => services.get(id))
        .filter((s): s is Service => s !== undefined)
        .map((s) => serviceForProperty(s, p.record, context.councilCode));
    },
    collections: async (
      p: PropertyView,
      args: { from?: IsoDate | null; to?: IsoDate | null; serviceTypes?: ServiceType[] | null },
      context: CouncilRequestContext,
    ) => {
      const range = checkedRange(args.from ?? undefined, args.to ?? undefined, context.today);
      const all = await collectionViews(await adjustedCollections(p.record, range, context), p.record, context);
      const types = args.serviceTypes ? new Set(args.serviceTypes) : null;
      return types ? all.filter((c) => types.has(c.service.type)) : all;
    },
    nextCollections: async (p: PropertyView, _: unknown, context: CouncilRequestContext) => {
      const range = { from: context.today, to: addDays(context.today, NEXT_COLLECTION_HORIZON_DAYS) };
      // The next of each service first, then views of those few only (not of every collection in eight weeks).
      const next = nextCollectionPerService(await adjustedCollections(p.record, range, context), context.today);
      return collectionViews(next, p.record, context);
    },
    dataSource: (p: PropertyView, __: unknown, context: CouncilRequestContext) => servedInfo(context.source.info(), p.record),
  },
  Disruption: {
    __resolveReference: (ref: { councilCode: string; id: string }, context: CouncilRequestContext) => {
      if (ref.councilCode !== context.councilCode) return null;
      const disruption = context.disruptions?.forCouncil(context.councilCode).find((d) => d.id === ref.id);
      // A copy: the store hands out frozen records, and federation tags entities with __typename.
      return disruption ? { ...disruption } : null;
    },
    area: (d: Disruption) => describeDisruptionArea(d),
    effect: (d: Disruption) => ({ cancelled: 'CANCELLED', delayed: 'DELAYED', 'leave-out': 'LEAVE_OUT' })[d.effect.kind],
    delayDays: (d: Disruption) => (d.effect.kind === 'delayed' ? d.effect.days : null),
  },
};

interface PropertyView {
  councilCode: string;
  record: PropertyRecord;
}

let schema: GraphQLSchema | undefined;

/** The standard subgraph schema with the kit's resolvers; built once per process. */
export function councilSubgraphSchema(): GraphQLSchema {
  // The resolver map is typed loosely by @apollo/subgraph; our resolvers are checked above.
  schema ??= buildSubgraphSchema({ typeDefs: parse(STANDARD_SDL), resolvers: resolvers as never });
  return schema;
}
