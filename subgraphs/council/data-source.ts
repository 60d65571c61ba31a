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
}
