// Disruptions (snow, strikes, a broken-down lorry) laid over a property's scheduled collections.
//
// Effects, as a resident should read them:
// - cancelled: CANCELLED on the same day; the bin is not collected.
// - delayed N days: DELAYED on date + N, `originalDate` = the day it was due before the delay.
// - leave-out ("leave your bin out, crews will return"): DELAYED on the same day with
//   `originalDate` = that day, because the new day is not known yet; the note carries the instruction.
// A collection gets at most one disruption: when several match, the strongest effect wins
// (cancelled, then delayed, then leave-out), then the most recently updated, then the id.

import { addDays, isIsoDate } from '../dates.js';
import { orderCollections } from '../schedule/engine.js';
import { CHANGE_REASONS, SERVICE_TYPES } from '../types.js';
import type { ChangeReason, Collection, IsoDate, ServiceType } from '../types.js';

export type DisruptionArea =
  | { kind: 'council' }
  /** Full postcodes ("RG1 1AA"), outward codes ("RG1") or sectors ("RG1 1"). */
  | { kind: 'postcodes'; postcodes: string[] }
  | { kind: 'rounds'; roundIds: string[] };

export type DisruptionEffect = { kind: 'cancelled' } | { kind: 'delayed'; days: number } | { kind: 'leave-out'; note?: string };

export interface Disruption {
  id: string;
  councilCode: string;
  title: string;
  reason: ChangeReason;
  message: string | null;
  /** null = every service. */
  serviceTypes: ServiceType[] | null;
  area: DisruptionArea;
  effect: DisruptionEffect;
  startsOn: IsoDate;
  /** Included; null = until further notice. */
  endsOn: IsoDate | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
  withdrawnAt: string | null;
}

export interface DisruptedProperty {
  postcode: string;
  /** The round serving this property for a service (Map or lookup function); undefined when unknown. */
  roundIds: ReadonlyMap<string, string> | ((serviceId: string) => string | null | undefined);
  /** When given, disruptions of other councils are ignored: a safety net, not the caller's filter. */
  councilCode?: string;
}

/** In force on `date`: not withdrawn, and `date` in [startsOn, endsOn] (endsOn null = open-ended). */
export function isActiveOn(disruption: Disruption, date: IsoDate): boolean {
  if (disruption.withdrawnAt !== null) return false;
  return date >= disruption.startsOn && (disruption.endsOn === null || date <= disruption.endsOn);
}

/**
 * The collections with every matching disruption applied, sorted and deduplicated like the engine's
 * output. Only SCHEDULED and MOVED collections are affected: one already cancelled or completed stays
 * as it is. A disruption matches a collection by the collection's date before any delay, so a delay
 * can carry a collection past the range the caller asked for: filter again if that matters.
 */
export function applyDisruptions(
  collections: readonly Collection[],
  disruptions: readonly Disruption[],
  property: DisruptedProperty,
  serviceTypeOf: (serviceId: string) => ServiceType,
): Collection[] {
  const candidates = disruptions
    .filter((d) => d.withdrawnAt === null && (property.councilCode === undefined || d.councilCode === property.councilCode))
    .filter((d) => coversProperty(d.area, property))
    .sort(strongestFirst);
  const roundOf = roundLookup(property.roundIds);
  return orderCollections(
    collections.map((collection) => {
      if (collection.status !== 'SCHEDULED' && collection.status !== 'MOVED') return collection;
      const serviceType = serviceTypeOf(collection.serviceId);
      const disruption = candidates.find(
        (d) =>
          isActiveOn(d, collection.date) &&
          (d.serviceTypes === null || d.serviceTypes.includes(serviceType)) &&
          (d.area.kind !== 'rounds' || d.area.roundIds.includes(roundOf(collection.serviceId) ?? '')),
      );
      return disruption ? disrupt(collection, disruption) : collection;
    }),
  );
}

function disrupt(collection: Collection, disruption: Disruption): Collection {
  const changed = { ...collection, changeReason: disruption.reason, disruptionId: disruption.id, note: disruption.message };
  switch (disruption.effect.kind) {
    case 'cancelled':
      // A cancelled MOVED collection keeps its originalDate: its date still differs from the regular one.
      return { ...changed, status: 'CANCELLED' };
    case 'delayed':
      return { ...changed, status: 'DELAYED', date: addDays(collection.date, disruption.effect.days), originalDate: collection.date };
    case 'leave-out':
      return { ...changed, status: 'DELAYED', originalDate: collection.date, note: disruption.effect.note ?? disruption.message };
  }
}

const EFFECT_STRENGTH: Record<DisruptionEffect['kind'], number> = { cancelled: 0, delayed: 1, 'leave-out': 2 };

function strongestFirst(a: Disruption, b: Disruption): number {
  return (
    EFFECT_STRENGTH[a.effect.kind] - EFFECT_STRENGTH[b.effect.kind] ||
    (a.updatedAt > b.updatedAt ? -1 : a.updatedAt < b.updatedAt ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function roundLookup(roundIds: DisruptedProperty['roundIds']): (serviceId: string) => string | null | undefined {
  return typeof roundIds === 'function' ? roundIds : (serviceId) => roundIds.get(serviceId);
}

function coversProperty(area: DisruptionArea, property: DisruptedProperty): boolean {
  switch (area.kind) {
    case 'council':
    case 'rounds': // decided per collection, by the service's round
      return true;
    case 'postcodes':
      return postcodeInArea(property.postcode, area.postcodes);
  }
}

// ---- Postcode areas ---------------------------------------------------------------------------
// Matching is by the parts of a postcode, never by raw text prefix: "RG1" must not match "RG10 1AA".

const OUTWARD = '[A-Z]{1,2}[0-9][A-Z0-9]?';
const FULL_POSTCODE = new RegExp(`^(${OUTWARD}) ?([0-9][A-Z]{2})$`);
const AREA_ENTRY = new RegExp(`^(${OUTWARD})(?: ([0-9][A-Z]{0,2}))?$`);

type PostcodeArea = { outward: string; inwardPrefix: string };

/** "RG1 1AA", "RG11AA", "rg1 1" → its parts; null when it is not a postcode, outward code or sector. */
export function parsePostcodeArea(entry: string): PostcodeArea | null {
  const text = entry.trim().toUpperCase().replace(/\s+/g, ' ');
  const full = FULL_POSTCODE.exec(text);
  if (full) return { outward: full[1], inwardPrefix: full[2] };
  // Without a space only an outward code is unambiguous ("RG11" could be RG1 1 or RG11).
  const partial = AREA_ENTRY.exec(text);
  return partial ? { outward: partial[1], inwardPrefix: partial[2] ?? '' } : null;
}

export function postcodeInArea(postcode: string, entries: readonly string[]): boolean {
  const property = FULL_POSTCODE.exec(postcode.trim().toUpperCase().replace(/\s+/g, ' '));
  if (!property) return false;
  const [, outward, inward] = property;
  return entries.some((entry) => {
    const area = parsePostcodeArea(entry);
    return area !== null && area.outward === outward && inward.startsWith(area.inwardPrefix);
  });
}

// ---- Validation ---------------------------------------------------------------------------------

/** Everything wrong with a disruption, for the admin API to report; empty when valid. */
export function disruptionProblems(disruption: Disruption): string[] {
  const problems: string[] = [];
  if (!disruption.id) problems.push('id must not be empty');
  if (!CHANGE_REASONS.includes(disruption.reason)) problems.push(`reason must be one of ${CHANGE_REASONS.join(', ')}`);
  if (!isIsoDate(disruption.startsOn)) problems.push(`startsOn must be a real date written YYYY-MM-DD, got ${JSON.stringify(disruption.startsOn)}`);
  if (disruption.endsOn !== null) {
    if (!isIsoDate(disruption.endsOn)) problems.push(`endsOn must be a real date written YYYY-MM-DD or null, got ${JSON.stringify(disruption.endsOn)}`);
    else if (disruption.endsOn < disruption.startsOn) problems.push(`endsOn ${disruption.endsOn} is before startsOn ${disruption.startsOn}`);
  }
  if (disruption.serviceTypes !== null) {
    if (disruption.serviceTypes.length === 0) problems.push('serviceTypes must list at least one type, or be null for every service');
    for (const type of disruption.serviceTypes) if (!SERVICE_TYPES.includes(type)) problems.push(`serviceTypes: unknown type ${JSON.stringify(type)}`);
  }
  const { area, effect } = disruption;
  if (area.kind === 'postcodes') {
    if (area.postcodes.length === 0) problems.push('area.postcodes must list at least one postcode, outward code or sector');
    for (const entry of area.postcodes) {
      if (!parsePostcodeArea(entry)) problems.push(`area.postcodes: ${JSON.stringify(entry)} is not a postcode ("RG1 1AA"), outward code ("RG1") or sector ("RG1 1")`);
    }
  }
  if (area.kind === 'rounds' && area.roundIds.length === 0) problems.push('area.roundIds must list at least one round');
  if (effect.kind === 'delayed' && (!Number.isInteger(effect.days) || effect.days < 1 || effect.days > 31)) {
    problems.push(`effect.days must be a whole number from 1 to 31, got ${JSON.stringify(effect.days)}`);
  }
  return problems;
}
