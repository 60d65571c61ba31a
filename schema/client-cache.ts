// How a normalising client cache should identify the standard's objects. Plain data, no client library
// imported, so a front end can copy it (schema/README.md shows it) and the tests use the very same values.
//
// Service and Disruption carry an `id` unique across the national graph, so both clients' defaults are
// right for them. Council and Property are entities keyed by GSS code (and UPRN): say so. Everything else
// (Address, Collection, Frequency, Container, DataSource, ServiceSubscription, PostcodeLookup, BankHoliday,
// and the national service views' CouncilService, ServiceSummary and its counts) has no identity of its own
// and is stored inside the object that holds it.

/** `new InMemoryCache({ typePolicies: APOLLO_TYPE_POLICIES })` (Apollo Client 3 or 4). */
export const APOLLO_TYPE_POLICIES = {
  Council: { keyFields: ['code'] },
  Property: { keyFields: ['councilCode', 'uprn'] },
} as const;

type Keyed = Record<string, unknown>;
const embedded = () => null;

/** `cacheExchange({ keys: GRAPHCACHE_KEYS })` (urql's Graphcache). */
export const GRAPHCACHE_KEYS = {
  Council: (council: Keyed) => (council.code == null ? null : String(council.code)),
  Property: (property: Keyed) => (property.councilCode == null || property.uprn == null ? null : `${property.councilCode}:${property.uprn}`),
  Address: embedded,
  BankHoliday: embedded,
  BankHolidayCoverage: embedded,
  Collection: embedded,
  Container: embedded,
  CouncilService: embedded,
  DataSource: embedded,
  DataSourceWarning: embedded,
  Frequency: embedded,
  FrequencyCount: embedded,
  PostcodeLookup: embedded,
  ServiceSubscription: embedded,
  ServiceSummary: embedded,
  SubscriptionCount: embedded,
  UnansweredCouncil: embedded,
};
