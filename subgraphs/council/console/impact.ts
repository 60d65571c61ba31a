// The preview of a disruption before it is published: exactly how many addresses and collections it
// changes, and a few of them as residents will see them.
//
// Exact, not estimated: every address in the area is listed (the source's `councilPostcodes`, then
// `propertiesInPostcode`) and its collections are worked out with the same functions the subgraph uses
// (`collections` through the schedule memo, then `applyDisruptions` with the disruptions already in force).
// A collection counts when the new disruption is the one that decides it, as residents would then see it.
//
// Bounded: only the disruption's first PREVIEW_DAYS days are counted (an open-ended one has no end), and
// the page says so. A whole large council is still real work (measured on the sample data: Reading's
// 43,000 addresses 0.4-0.7 s, Birmingham's 173,000 0.9-1.6 s), so it yields to the host's other requests
// as it goes. Addresses are grouped by what decides their answer (their schedule and which posted areas
// cover their postcode), so disruptions are applied once per group, not once per address.
import { setImmediate } from 'node:timers/promises';
import { addDays } from '../../../domain/dates.js';
import { applyDisruptions, postcodeInArea, type Disruption } from '../../../domain/disruptions/apply.js';
import type { Collection, CollectionStatus, IsoDate, Service, ServiceType } from '../../../domain/types.js';
import type { CouncilDataSource, PropertyRecord } from '../data-source.js';

export const PREVIEW_DAYS = 14;
const YIELD_EVERY_POSTCODES = 250;
const EXAMPLES = 3;

export interface ImpactExample {
  address: string;
  service: string;
  /** The day it was due. */
  dueOn: IsoDate;
  status: CollectionStatus;
  /** The day residents are now told (the same day unless delayed). */
  date: IsoDate;
}

export type Impact =
  | {
      kind: 'counted';
      from: IsoDate;
      to: IsoDate;
      /** True when the disruption lasts longer than the counted days (or has no end). */
      bounded: boolean;
      addresses: number;
      collections: number;
      examples: ImpactExample[];
    }
  | { kind: 'not-counted'; reason: string };

export interface ImpactRequest {
  /** The council's source, preferably through the schedule memo (schedule-memo.ts). */
  source: CouncilDataSource;
  /** The disruption as it would be published (any id not used by another). */
  candidate: Disruption;
  /** The council's disruptions already in force: a stronger one keeps deciding the collections it covers. */
  inForce: readonly Disruption[];
  days?: number;
}

export async function disruptionImpact({ source, candidate, inForce, days = PREVIEW_DAYS }: ImpactRequest): Promise<Impact> {
  const from = candidate.startsOn;
  const lastCounted = addDays(from, days - 1);
  const to = candidate.endsOn !== null && candidate.endsOn <= lastCounted ? candidate.endsOn : lastCounted;
  const bounded = candidate.endsOn === null || candidate.endsOn > lastCounted;

  const postcodes = await postcodesToVisit(source, candidate);
  if (!Array.isArray(postcodes)) return postcodes;

  const services = new Map((await source.services()).map((s: Service) => [s.id, s]));
  const serviceTypeOf = (serviceId: string): ServiceType => services.get(serviceId)?.type ?? 'OTHER';
  const disruptions = [...inForce.filter((d) => d.id !== candidate.id), candidate];
  const postcodeAreas = disruptions.filter((d) => d.area.kind === 'postcodes');
  const roundsMatter = disruptions.some((d) => d.area.kind === 'rounds');
  const decided = new Map<string, Promise<Collection[]>>();

  /** The collections of this address that the candidate decides, worked out once per group of alike addresses. */
  const affectedOf = (property: PropertyRecord): Promise<Collection[]> => {
    const schedule = source.scheduleKeyOf?.(property) ?? `uprn:${property.uprn}`;
    const covered = postcodeAreas.map((d) => (d.area.kind === 'postcodes' && postcodeInArea(property.address.postcode, d.area.postcodes) ? '1' : '0')).join('');
    const key = `${schedule}\u0000${covered}\u0000${roundsMatter ? JSON.stringify(property.roundIds) : ''}`;
    let answer = decided.get(key);
    if (!answer) {
      answer = source.collections(property, { from, to }).then((regular) =>
        applyDisruptions(regular, disruptions, { postcode: property.address.postcode, roundIds: (serviceId) => property.roundIds[serviceId] }, serviceTypeOf).filter(
          (c) => c.disruptionId === candidate.id && services.has(c.serviceId),
        ),
      );
      decided.set(key, answer);
    }
    return answer;
  };

  let addresses = 0;
  let collections = 0;
  const examples: ImpactExample[] = [];
  for (const [index, postcode] of postcodes.entries()) {
    // A whole large council takes seconds, mostly in resolved promises that never yield: let the host's
    // other requests (every council's GraphQL) run in between.
    if (index % YIELD_EVERY_POSTCODES === YIELD_EVERY_POSTCODES - 1) await setImmediate();
    for (const property of await source.propertiesInPostcode(postcode)) {
      const affected = await affectedOf(property);
      if (affected.length === 0) continue;
      addresses++;
      collections += affected.length;
      // One example per address, so the three show different addresses where there are three.
      if (examples.length < EXAMPLES) examples.push(exampleOf(property, affected[0], services));
    }
  }
  return { kind: 'counted', from, to, bounded, addresses, collections, examples };
}

/** Every postcode the disruption's area could reach, or why they cannot be listed. */
async function postcodesToVisit(source: CouncilDataSource, candidate: Disruption): Promise<string[] | Extract<Impact, { kind: 'not-counted' }>> {
  const area = candidate.area;
  const cannotList = (what: string): Extract<Impact, { kind: 'not-counted' }> => ({
    kind: 'not-counted',
    reason: `This council's data cannot list ${what}, so the addresses affected cannot be counted before publishing. Check the area carefully.`,
  });
  if (area.kind === 'postcodes') {
    const full = area.postcodes.filter((entry) => /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/i.test(entry.trim())).map((entry) => entry.trim().toUpperCase());
    const partial = area.postcodes.filter((entry) => !full.includes(entry.trim().toUpperCase()));
    if (partial.length === 0) return [...new Set(full)];
    const within = (await source.councilPostcodes?.(partial)) ?? null;
    if (within === null) return cannotList('the postcodes in an outward code or sector');
    return [...new Set([...full, ...within])];
  }
  // Rounds: any address may be on them, so every address is visited (its round decides).
  return (await source.councilPostcodes?.()) ?? cannotList('all its addresses');
}

function exampleOf(property: PropertyRecord, collection: Collection, services: Map<string, Service>): ImpactExample {
  const address = [...property.address.lines, property.address.town, property.address.postcode].filter(Boolean).join(', ');
  return {
    address,
    service: services.get(collection.serviceId)?.name ?? collection.serviceId,
    // A cancelled collection keeps its day; a delayed one carries the day it was due as originalDate.
    dueOn: collection.status === 'CANCELLED' ? collection.date : collection.originalDate ?? collection.date,
    status: collection.status,
    date: collection.date,
  };
}
