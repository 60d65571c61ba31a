// Probes a council subgraph's behaviour over HTTP, the way the gateway will use it:
// entities in order and only for the council asked, valid dates, MOVED with originalDate,
// unknown UPRNs as null rather than errors, bad dates refused with BAD_USER_INPUT.
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

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename
  ... on Council { code services { id type } }
  ... on Property { uprn councilCode }
} }`;

const COLLECTIONS = `query($representations: [_Any!]!, $from: Date, $to: Date) { _entities(representations: $representations) {
  ... on Property { uprn collections(from: $from, to: $to) { date status originalDate changeReason service { id type } } nextCollections { date service { id } } }
} }`;

/** A GSS-shaped code no council has, so a conformant subgraph must answer null for it. */
const OTHER_COUNCIL = 'X99999999';
const UNKNOWN_UPRN = '999999999999';

export interface ProbeOptions {
  councilCode: string;
  /** A postcode the council collects from, to find properties to probe. */
  postcode?: string;
  today?: string;
}

export async function probeBehaviour(post: Post, options: ProbeOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const pass = (check: string, message: string) => findings.push({ check, level: 'pass', message });
  const fail = (check: string, message: string) => findings.push({ check, level: 'fail', message });
  const warn = (check: string, message: string) => findings.push({ check, level: 'warn', message });
  const own = options.councilCode;

  // 1. Order, and entities only for the council asked.
  const order = await post(ENTITIES, {
    representations: [
      { __typename: 'Council', code: OTHER_COUNCIL },
      { __typename: 'Council', code: own },
      { __typename: 'Property', councilCode: own, uprn: UNKNOWN_UPRN },
      { __typename: 'Property', councilCode: OTHER_COUNCIL, uprn: UNKNOWN_UPRN },
      { __typename: 'Council', code: own },
    ],
  });
  const entities = order.data?._entities;
  if (!Array.isArray(entities)) {
    fail('entities', `_entities did not answer a list: ${JSON.stringify(order.errors ?? order).slice(0, 200)}`);
    return findings;
  }
  if (entities.length !== 5) fail('entities', `_entities returned ${entities.length} items for 5 representations; it must return exactly one per representation, in order`);
  else {
    const [other, first, unknown, otherProperty, second] = entities;
    if (other !== null) fail('isolation', `_entities answered for council ${OTHER_COUNCIL} (position 0); a council must answer null for any council but its own`);
    if (otherProperty !== null) fail('isolation', `_entities answered for a property of council ${OTHER_COUNCIL} (position 3); it must be null`);
    if (first?.code !== own || second?.code !== own) {
      fail('order', `_entities positions 1 and 4 should be Council ${own}, got ${JSON.stringify(first?.code ?? first)} and ${JSON.stringify(second?.code ?? second)}: entities out of order`);
    }
    if (unknown !== null) fail('unknown-uprn', `An unknown UPRN (${UNKNOWN_UPRN}) must resolve to null, got ${JSON.stringify(unknown)}`);
    if (other === null && otherProperty === null && first?.code === own && second?.code === own && unknown === null) {
      pass('entities', 'Entities come back in order, one per representation, only for this council; unknown UPRNs are null');
    }
  }
  const unknownErrors = (order.errors ?? []).filter((e) => e.path?.[1] === 2);
  if (unknownErrors.length) fail('unknown-uprn', `An unknown UPRN gave an error ("${unknownErrors[0].message}"); it must be null without an error`);
  const services = entities[1]?.services;
  if (!Array.isArray(services) || services.length === 0) fail('services', `Council.services is empty or missing for ${own}`);
  else if (services.some((s: { type: string }) => !SERVICE_TYPES.includes(s.type as never))) fail('services', 'A service has an unknown type');
  else pass('services', `${services.length} services`);

  // 2. Bad dates are refused with BAD_USER_INPUT.
  const badDate = await post(COLLECTIONS, { representations: [{ __typename: 'Property', councilCode: own, uprn: UNKNOWN_UPRN }], from: '27/11/2026' });
  if (badDate.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) pass('dates', 'A date that is not YYYY-MM-DD is refused with BAD_USER_INPUT');
  else fail('dates', `A date of "27/11/2026" must be refused with extensions.code BAD_USER_INPUT; got ${JSON.stringify(badDate.errors ?? badDate.data).slice(0, 160)}`);

  // 3. Properties and their collections.
  if (!options.postcode) {
    warn('collections', 'No postcode of this council was given (--postcode), so collections were not probed');
    return findings;
  }
  const found = await post(`query($r: [_Any!]!, $p: String!) { _entities(representations: $r) { ... on Council { properties(postcode: $p) { uprn councilCode } } } }`, {
    r: [{ __typename: 'Council', code: own }],
    p: options.postcode,
  });
  const properties: Array<{ uprn: string; councilCode: string }> = found.data?._entities?.[0]?.properties ?? [];
  if (!properties.length) {
    fail('properties', `Council.properties(postcode: "${options.postcode}") found no properties${found.errors ? `: ${found.errors[0].message}` : ''}`);
    return findings;
  }
  if (properties.some((p) => p.councilCode !== own)) fail('properties', `A property in ${options.postcode} has councilCode other than ${own}`);
  else pass('properties', `${properties.length} properties in ${options.postcode}`);

  const today = options.today ?? todayInLondon();
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
  return findings;
}
