// The one interface a council (or an adapter over what it publishes) implements.
// The kit turns any implementation into a conformant Binfo subgraph.
import type { Address, Collection, Frequency, IsoDate, Service } from '../../domain/types.js';

export type DataSourceKind = 'SAMPLE' | 'COUNCIL' | 'ICS' | 'CSV' | 'BACK_OFFICE';

export interface DataSourceInfo {
  kind: DataSourceKind;
  /** Shown to people, e.g. that the data is a sample. */
  notice: string | null;
  /** When the data was last read successfully. */
  updatedAt: Date | null;
  /** True when a refresh failed and older data is being served. */
  stale: boolean;
  /** Problems found in the feed and worked around (schema/README.md lists the codes); absent means none. */
  warnings?: DataSourceWarning[];
}

/** A problem in the council's feed, served as `dataSource.warnings` so it is never silent. */
export interface DataSourceWarning {
  /** A stable code, e.g. CHANGED_COLLECTION_WITHOUT_EXCLUSION. */
  code: string;
  /** What is wrong and which date residents are shown instead. */
  message: string;
  /** The round concerned, when the problem belongs to one. */
  round: string | null;
  /** The property concerned, for per-property feeds: it is shown on that property only. */
  uprn?: string | null;
}

/** At most this many warnings are served per answer: one systematic fault in a large feed must not swamp a response. */
export const MAX_SERVED_WARNINGS = 50;

/** The warnings one property should see: its own, its rounds', and the council-wide ones. */
export function warningsForProperty<W extends DataSourceWarning>(warnings: readonly W[], uprn: string, roundIds: Readonly<Record<string, string>>): W[] {
  const rounds = new Set(Object.values(roundIds));
  return warnings.filter((w) => (w.uprn ? w.uprn === uprn : w.round === null || rounds.has(w.round)));
}

/** As served: deduplicated, in the source's order, capped, without the internal `uprn`. */
export function servedWarnings(warnings: readonly DataSourceWarning[]): Array<{ code: string; message: string; round: string | null }> {
  const seen = new Set<string>();
  const served: Array<{ code: string; message: string; round: string | null }> = [];
  for (const w of warnings) {
    const key = `${w.code}\u0000${w.round ?? ''}\u0000${w.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    served.push({ code: w.code, message: w.message, round: w.round });
    if (served.length >= MAX_SERVED_WARNINGS) break;
  }
  return served;
}

/**
 * Thrown by a source that cannot answer for a property or the council right now and has no earlier
 * data to serve: the kit reports it as COUNCIL_UNAVAILABLE with the council's own page as the fallback.
 */
export class SourceUnavailableError extends Error {
  constructor(
    message: string,
    readonly fallbackUrl: string | null = null,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'SourceUnavailableError';
  }
}

export interface PropertyRecord {
  uprn: string;
  address: Address;
  /** Ids of the council's services this property receives. */
  serviceIds: string[];
  /** The round each service is collected on, by service id: disruptions can target rounds. */
  roundIds: Record<string, string>;
  /** This property's own frequency of a service ("Every other Tuesday"), where it differs from the council-wide one. */
  frequencies?: Record<string, Frequency>;
}

/** The schedule key of a source whose collections depend only on a property's services and their rounds. */
export function roundScheduleKey(property: PropertyRecord): string {
  return `rounds:${JSON.stringify(property.serviceIds.map((serviceId) => [serviceId, property.roundIds[serviceId] ?? null]))}`;
}

export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

export interface CouncilDataSource {
  /** GSS code of the council this source answers for. */
  readonly councilCode: string;
  info(): DataSourceInfo;
  services(): Promise<Service[]>;
  /** Properties in a normalised postcode ("RG1 1AA"); empty when the postcode is not this council's. */
  propertiesInPostcode(postcode: string): Promise<PropertyRecord[]>;
  /** Batch lookup: one entry per uprn, in order, null when unknown. */
  propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]>;
  /** Collections of a property in an inclusive range, bank holidays applied; disruptions are applied by the kit. */
  collections(property: PropertyRecord, range: DateRange): Promise<Collection[]>;
  /**
   * Optional: a key that two properties share exactly when their collections are the same (e.g. their
   * rounds), so the kit works a schedule out once for all of them (schedule-memo.ts). Absent: per property.
   */
  scheduleKeyOf?(property: PropertyRecord): string;
  /**
   * Optional: the council's postcodes, all of them or those within postcode areas (outward codes "RG1",
   * sectors "RG1 1", postcodes "RG1 1AA"), so the console can check an area and count exactly which
   * addresses a disruption reaches. Absent, or null (a wrapper whose current data cannot list them): only
   * full postcodes can be checked and counted.
   */
  councilPostcodes?(within?: readonly string[]): Promise<string[] | null>;
  /** Optional: the ids of the council's rounds, offered when a disruption targets rounds; null when not known. */
  roundIds?(): Promise<string[] | null>;
}
