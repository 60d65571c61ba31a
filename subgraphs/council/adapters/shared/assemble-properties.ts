// Properties + round table → the PropertyRecords and Services a round-based source answers with:
// which services each property receives, on which round, and how often (per property and council-wide).
import type { Address, Frequency, Service } from '../../../../domain/types.js';
import type { PropertyRecord } from '../../data-source.js';
import { councilFrequency, roundFrequency, type RoundFrequency } from './round-frequency.js';
import type { RoundTable } from './round-schedule-source.js';
import type { ServiceCatalogue } from './service-catalogue.js';

export interface PropertyRounds {
  uprn: string;
  address: Address;
  /** The rounds the property is on; without `serviceId`, for every service the round collects. */
  rounds: Array<{ round: string; serviceId?: string }>;
}

export interface AssembledProperties {
  properties: PropertyRecord[];
  /** Services some property receives, in configuration order. */
  services: Service[];
  /** Configured services no round collects: probably a pattern that matches nothing. */
  unusedServiceIds: string[];
}

export function assembleProperties(input: readonly PropertyRounds[], table: RoundTable, catalogue: ServiceCatalogue): AssembledProperties {
  const order = catalogue.ids();
  const frequencyCache = new Map<string, RoundFrequency>();
  const frequencyOf = (round: string, serviceId: string) => {
    const key = `${round}\u0000${serviceId}`;
    let frequency = frequencyCache.get(key);
    if (!frequency) {
      frequency = roundFrequency(table.get(round)?.get(serviceId) ?? []);
      frequencyCache.set(key, frequency);
    }
    return frequency;
  };

  const properties = input.map(({ uprn, address, rounds }) => {
    const roundIds: Record<string, string> = {};
    for (const { round, serviceId } of rounds) {
      const ids = serviceId ? [serviceId] : [...(table.get(round)?.keys() ?? [])];
      // First round wins if two rounds claim one service for a property.
      for (const id of ids) if (table.get(round)?.has(id)) roundIds[id] ??= round;
    }
    const serviceIds = order.filter((id) => id in roundIds);
    const frequencies: Record<string, Frequency> = {};
    for (const id of serviceIds) {
      const { description, rrule } = frequencyOf(roundIds[id], id);
      frequencies[id] = { description, rrule };
    }
    return { uprn, address, serviceIds, roundIds, frequencies } satisfies PropertyRecord;
  });

  const councilWide = new Map<string, Frequency>();
  for (const id of order) {
    const rounds = [...table].filter(([, services]) => services.has(id)).map(([round]) => frequencyOf(round, id));
    if (rounds.length > 0) councilWide.set(id, councilFrequency(rounds));
  }
  const present = new Set([...table.values()].flatMap((services) => [...services.keys()]));
  return {
    properties,
    services: catalogue.services(councilWide).filter((service) => present.has(service.id)),
    unusedServiceIds: order.filter((id) => !present.has(id)),
  };
}
