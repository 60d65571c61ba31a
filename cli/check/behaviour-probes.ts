// Probes a council subgraph's behaviour over HTTP, the way the gateway will use it: entities in order and
// only for the council asked (Council, Property and Disruption, asked for every other real council too),
// ids unique across the national graph, valid dates, MOVED with originalDate, unknown UPRNs as null rather
// than errors, bad dates refused with BAD_USER_INPUT.
import { addDays, isIsoDate, todayInLondon } from '../../domain/dates.js';
import { SERVICE_TYPES } from '../../domain/types.js';
import type { Finding } from './finding.js';

interface GraphQLResponse {
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export type Post = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;

export function httpPost(url: string, timeoutMs = 10_000): Post {
  return async (query, variables = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as GraphQLResponse;
    } catch {
      throw new Error(`HTTP ${response.status}: the answer is not JSON (${text.slice(0, 80)})`);
    }
  };
}

const SERVICE_FIELDS = 'id name type frequency { description rrule } containers { name colour kind } subscription { required description url }';

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename
  ... on Council { code services { ${SERVICE_FIELDS} } }
  ... on Property { uprn councilCode }
  ... on Disruption { id councilCode }
} }`;

const COLLECTIONS = `query($representations: [_Any!]!, $from: Date, $to: Date) { _entities(representations: $representations) {
  ... on Property { uprn services { ${SERVICE_FIELDS} }
    collections(from: $from, to: $to) { date status originalDate changeReason service { ${SERVICE_FIELDS} } }
    nextCollections { date service { ${SERVICE_FIELDS} } } }
} }`;

/** A GSS-shaped code no council has, so a conformant subgraph must answer null for it. */
const MADE_UP_COUNCIL = 'X99999999';
const UNKNOWN_UPRN = '999999999999';
const UNKNOWN_DISRUPTION = 'binfo-check-no-such-disruption';
/** Other councils asked about per request: three representations each, so a request stays near 25 KB. */
const STRANGERS_PER_REQUEST = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OtherCouncil {
  code: string;
  name: string;
}

export interface ProbeOptions {
  councilCode: string;
  /**
   * Real councils from the registry, other than this one: a subgraph must answer null for each of them too.
   * A made-up code alone misses the subgraph that serves several real councils from one endpoint.
   */
  otherCouncils?: OtherCouncil[];
  /** A postcode the council collects from, to find properties to probe. */
  postcode?: string;
  today?: string;
}

type EntityType = 'Council' | 'Property' | 'Disruption';

/** One representation sent, and what a conformant subgraph answers for it. */
interface Probe {
  representation: { __typename: EntityType } & Record<string, string>;
  /** `own`: this council's entity; `stranger`: another council's (null); `unknown`: this council's, but no such thing (null). */
  expect: 'own' | 'stranger' | 'unknown';
  /** For strangers: how the council was chosen, for the finding. */
  stranger?: string;
}

const councilOf = (entity: any): string | undefined => entity?.code ?? entity?.councilCode;
const keyOf = (representation: Probe['representation']) =>
  representation.__typename === 'Council' ? representation.code : `${representation.councilCode}/${representation.uprn ?? representation.id}`;

/**
 * Identity across the national graph: a normalising client cache stores every object with an `id` once,
 * so equal ids must mean equal objects, and no two councils may share one.
 */
class IdentityRules {
  private readonly services = new Map<string, { content: string; where: string }>();
  readonly problems: string[] = [];

  constructor(private readonly councilCode: string) {}

  service(service: any, where: string): void {
    if (!service || typeof service.id !== 'string') return;
    const { id } = service;
    if (!id.startsWith(`${this.councilCode}:`)) {
      this.note(`Service.id "${id}" (${where}) is not unique across the national graph: it must start with the council's GSS code and a colon, e.g. "${this.councilCode}:${id}", or every council's "${id}" is one object in a client's cache`);
      return;
    }
    const content = JSON.stringify({ ...service, id: undefined });
    const seen = this.services.get(id);
    if (!seen) this.services.set(id, { content, where });
    else if (seen.content !== content) {
      this.note(`Service.id "${id}" names two different services (${seen.where}: ${seen.content}; ${where}: ${content}): equal ids must mean equal objects, so a property's own frequency needs its own id`);
    }
  }

  disruption(disruption: any): void {
    const id = disruption?.id;
    if (typeof id === 'string' && !UUID.test(id) && !id.startsWith(`${this.councilCode}:`)) {
      this.note(`Disruption.id "${id}" is not unique across the national graph: use a UUID or start it with the council's GSS code and a colon ("${this.councilCode}:${id}")`);
    }
  }

  private note(problem: string): void {
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }
}

export async function probeBehaviour(post: Post, options: ProbeOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const pass = (check: string, message: string) => findings.push({ check, level: 'pass', message });
  const fail = (check: string, message: string) => findings.push({ check, level: 'fail', message });
  const warn = (check: string, message: string) => findings.push({ check, level: 'warn', message });
  const own = options.councilCode;
  const identity = new IdentityRules(own);

  // 1. Something of this council's to ask other councils for: a real UPRN and a real disruption id, so a
  //    subgraph that looks things up without checking the council is caught.
  let properties: Array<{ uprn: string; councilCode: string }> = [];
  if (options.postcode) {
    const found = await post(`query($r: [_Any!]!, $p: String!) { _entities(representations: $r) { ... on Council { properties(postcode: $p) { uprn councilCode } } } }`, {
      r: [{ __typename: 'Council', code: own }],
      p: options.postcode,
    });
    properties = found.data?._entities?.[0]?.properties ?? [];
    if (!properties.length) fail('properties', `Council.properties(postcode: "${options.postcode}") found no properties${found.errors ? `: ${found.errors[0].message}` : ''}`);
    else if (properties.some((p) => p.councilCode !== own)) fail('properties', `A property in ${options.postcode} has councilCode other than ${own}`);
    else pass('properties', `${properties.length} properties in ${options.postcode}`);
  } else {
    warn('collections', 'No postcode of this council was given (--postcode), so properties and collections were not probed');
  }
  const listed = await post(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Council { disruptions { id councilCode title } } } }`, { r: [{ __typename: 'Council', code: own }] });
  const disruptions: Array<{ id: string; councilCode: string }> = listed.data?._entities?.[0]?.disruptions ?? [];
  if (listed.errors?.length) fail('disruptions', `Council.disruptions gave an error: ${listed.errors[0].message}`);
  for (const d of disruptions) identity.disruption(d);
  if (disruptions.some((d) => d.councilCode !== own)) fail('disruptions', `Council.disruptions lists a disruption of council ${disruptions.find((d) => d.councilCode !== own)!.councilCode}; list only your own`);

  if (!disruptions.length) {
    warn('disruptions', 'The council lists no disruption, so Disruption entities were asked for other councils with a made-up id only; with one posted, its real id is asked for too');
  }

  // 2. One batch, as the gateway sends it: this council's entities, unknown ones, and other councils'.
  const uprn = properties[0]?.uprn ?? UNKNOWN_UPRN;
  const disruptionId = disruptions[0]?.id ?? UNKNOWN_DISRUPTION;
  const strangers = [
    { code: MADE_UP_COUNCIL, why: `${MADE_UP_COUNCIL} (a code no council has)` },
    ...(options.otherCouncils ?? []).filter((c) => c.code !== own).map((c) => ({ code: c.code, why: `${c.code} (${c.name}, a real council from the registry)` })),
  ];
  const ownCouncil: Probe = { representation: { __typename: 'Council', code: own }, expect: 'own' };
  const ownProbes: Probe[] = [
    ownCouncil,
    { representation: { __typename: 'Property', councilCode: own, uprn: UNKNOWN_UPRN }, expect: 'unknown' },
    { representation: { __typename: 'Disruption', councilCode: own, id: UNKNOWN_DISRUPTION }, expect: 'unknown' },
    ...(properties[0] ? [{ representation: { __typename: 'Property' as const, councilCode: own, uprn }, expect: 'own' as const }] : []),
    ...(disruptions[0] ? [{ representation: { __typename: 'Disruption' as const, councilCode: own, id: disruptionId }, expect: 'own' as const }] : []),
  ];
  const strangerProbes = strangers.map(({ code, why }): Probe[] => [
    { representation: { __typename: 'Council', code }, expect: 'stranger', stranger: why },
    { representation: { __typename: 'Property', councilCode: code, uprn }, expect: 'stranger', stranger: why },
    { representation: { __typename: 'Disruption', councilCode: code, id: disruptionId }, expect: 'stranger', stranger: why },
  ]);
  // Batches of at most STRANGERS_PER_REQUEST councils, each between two of this council's own entities, so a
  // server with a common body limit (100 KB) can answer, and order is still probed in every batch.
  const batches: Probe[][] = [];
  for (let i = 0; i === 0 || i < strangerProbes.length; i += STRANGERS_PER_REQUEST) {
    const chunk = strangerProbes.slice(i, i + STRANGERS_PER_REQUEST).flat();
    batches.push(i === 0 ? [...ownProbes, ...chunk, ownCouncil] : [ownCouncil, ...chunk, ownCouncil]);
  }

  const before = findings.length;
  const answeredFor = new Map<string, { why: string; types: Set<string> }>();
  let firstEntities: any[] = [];
  for (const [batch, probes] of batches.entries()) {
    const where = (i: number) => (batches.length > 1 ? `position ${i} of request ${batch + 1}` : `position ${i}`);
    const order = await post(ENTITIES, { representations: probes.map((p) => p.representation) });
    const entities = order.data?._entities;
    if (!Array.isArray(entities)) {
      fail('entities', `_entities did not answer a list: ${JSON.stringify(order.errors ?? order).slice(0, 200)}`);
      return findings;
    }
    if (batch === 0) firstEntities = entities;
    if (entities.length !== probes.length) {
      fail('entities', `_entities returned ${entities.length} items for ${probes.length} representations; it must return exactly one per representation, in order`);
      continue;
    }
    probes.forEach((probe, i) => {
      const entity = entities[i];
      const { representation } = probe;
      if (probe.expect === 'stranger') {
        if (entity === null) return;
        const code = representation.code ?? representation.councilCode;
        const seen = answeredFor.get(code) ?? { why: probe.stranger!, types: new Set<string>() };
        seen.types.add(representation.__typename);
        answeredFor.set(code, seen);
        return;
      }
      if (probe.expect === 'unknown') {
        if (entity !== null) {
          const thing = representation.__typename === 'Property' ? `An unknown UPRN (${UNKNOWN_UPRN})` : `An unknown disruption id (${UNKNOWN_DISRUPTION})`;
          fail(representation.__typename === 'Property' ? 'unknown-uprn' : 'unknown-disruption', `${thing} must resolve to null, got ${JSON.stringify(entity).slice(0, 120)}`);
        }
        return;
      }
      const answeredCouncil = councilOf(entity);
      if (entity === null || entity === undefined) {
        fail('order', `_entities ${where(i)} should be ${representation.__typename} ${keyOf(representation)}, got null: entities out of order, or this council's own entity is missing`);
      } else if (answeredCouncil !== own) {
        fail('wrong-council', `Asked for ${representation.__typename} ${keyOf(representation)} at ${where(i)}, the subgraph answered a ${entity.__typename} of council ${answeredCouncil}: a wrong-council answer (is --council right, or does this endpoint serve another council?)`);
      } else if (entity.__typename === representation.__typename && (entity.code ?? entity.uprn ?? entity.id) !== (representation.code ?? representation.uprn ?? representation.id)) {
        fail('order', `_entities ${where(i)} should be ${representation.__typename} ${keyOf(representation)}, got ${entity.__typename} ${entity.code ?? `${answeredCouncil}/${entity.uprn ?? entity.id}`}: entities out of order`);
      } else if (entity.__typename !== representation.__typename) {
        fail('order', `_entities ${where(i)} should be a ${representation.__typename}, got a ${entity.__typename}: entities out of order`);
      }
    });
    const unknownErrors = (order.errors ?? []).filter((e) => typeof e.path?.[1] === 'number' && probes[e.path[1] as number]?.expect === 'unknown');
    if (unknownErrors.length) fail('unknown-uprn', `An unknown UPRN or disruption gave an error ("${unknownErrors[0].message}"); it must be null without an error`);
  }
  for (const [, { why, types }] of answeredFor) {
    fail('isolation', `_entities answered ${[...types].join(', ')} for council ${why}; a council must answer null for any council but its own`);
  }
  if (findings.length === before) {
    pass('entities', `Entities come back in order, one per representation, only for this council (Council, Property and Disruption asked for ${strangers.length - 1} other real councils from the registry and a made-up code, in ${batches.length} requests); unknown UPRNs and disruptions are null`);
  }
  const entities = firstEntities;
  const services = entities[0]?.services;
  if (!Array.isArray(services) || services.length === 0) fail('services', `Council.services is empty or missing for ${own}`);
  else if (services.some((s: { type: string }) => !SERVICE_TYPES.includes(s.type as never))) fail('services', 'A service has an unknown type');
  else {
    pass('services', `${services.length} services`);
    for (const service of services) identity.service(service, `Council ${own}.services`);
  }

  // 2. Bad dates are refused with BAD_USER_INPUT.
  const badDate = await post(COLLECTIONS, { representations: [{ __typename: 'Property', councilCode: own, uprn: UNKNOWN_UPRN }], from: '27/11/2026' });
  if (badDate.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) pass('dates', 'A date that is not YYYY-MM-DD is refused with BAD_USER_INPUT');
  else fail('dates', `A date of "27/11/2026" must be refused with extensions.code BAD_USER_INPUT; got ${JSON.stringify(badDate.errors ?? badDate.data).slice(0, 160)}`);

  // 3. Collections of a few properties.
  if (!properties.length) return finishIdentity(findings, identity);
  const today = options.today ?? todayInLondon(new Date());
  const from = today;
  const to = addDays(today, 120);
  const sample = properties.slice(0, 3);
  const answer = await post(COLLECTIONS, { representations: sample.map((p) => ({ __typename: 'Property', councilCode: own, uprn: p.uprn })), from, to });
  const answered: any[] = answer.data?._entities ?? [];
  if (answer.errors?.length) fail('collections', `Collections gave errors: ${answer.errors[0].message}`);
  let problems = 0;
  answered.forEach((property, i) => {
    if (property?.uprn !== sample[i].uprn) {
      fail('order', `Property ${sample[i].uprn} came back as ${JSON.stringify(property?.uprn)} at position ${i}: entities out of order`);
      problems++;
      return;
    }
    for (const service of property.services ?? []) identity.service(service, `Property ${property.uprn}.services`);
    for (const c of [...(property.collections ?? []), ...(property.nextCollections ?? [])]) identity.service(c.service, `a collection of property ${property.uprn}`);
    const seen = new Set<string>();
    let previous = '';
    for (const c of property.collections ?? []) {
      const label = `Property ${property.uprn}: collection ${JSON.stringify(c.date)} (${c.service?.id})`;
      const report = (message: string) => {
        problems++;
        if (problems <= 10) fail('collections', `${label} ${message}`);
      };
      if (!isIsoDate(c.date)) report('has a date that is not a valid YYYY-MM-DD date');
      else if (c.date < from || c.date > to) report(`is outside the range asked (${from} to ${to})`);
      if (c.date < previous) report('is out of date order');
      previous = c.date;
      if ((c.status === 'MOVED' || c.status === 'DELAYED') && !isIsoDate(c.originalDate)) report(`is ${c.status} without an originalDate`);
      if (c.originalDate !== null && c.originalDate !== undefined && !isIsoDate(c.originalDate)) report('has an originalDate that is not a valid date');
      const key = `${c.date}|${c.service?.id}`;
      if (seen.has(key)) report('appears twice for the same service on the same day');
      seen.add(key);
    }
  });
  if (answered.length && !problems) {
    const count = answered.reduce((n, p) => n + (p?.collections?.length ?? 0), 0);
    pass('collections', `${count} collections of ${answered.length} properties: valid dates in range, sorted, MOVED/DELAYED with originalDate, one per service per day`);
  }
  return finishIdentity(findings, identity);
}

function finishIdentity(findings: Finding[], identity: IdentityRules): Finding[] {
  for (const problem of identity.problems.slice(0, 10)) findings.push({ check: 'identity', level: 'fail', message: problem });
  if (!identity.problems.length) findings.push({ check: 'identity', level: 'pass', message: 'Service and Disruption ids are unique across the national graph, and equal ids mean equal objects' });
  return findings;
}
