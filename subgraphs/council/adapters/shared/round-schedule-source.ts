// One loaded snapshot of a council's adapted data: properties, each on some rounds, and each round
// as schedule-engine Rounds per service. ICS and CSV adapters both produce this; the engine does
// every date (bank holidays, moves, exceptions), so adapted councils behave like the sample ones.
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import { postcodeInArea } from '../../../../domain/disruptions/apply.js';
import { collectionsBetween, type Round } from '../../../../domain/schedule/engine.js';
import type { Collection, Service } from '../../../../domain/types.js';
import { roundScheduleKey, type CouncilDataSource, type DataSourceInfo, type DataSourceKind, type DataSourceWarning, type DateRange, type PropertyRecord } from '../../data-source.js';

/** Rounds by round name, then by service id. */
export type RoundTable = ReadonlyMap<string, ReadonlyMap<string, readonly Round[]>>;

export interface RoundScheduleData {
  councilCode: string;
  kind: DataSourceKind;
  notice: string | null;
  loadedAt: Date;
  services: Service[];
  properties: PropertyRecord[];
  rounds: RoundTable;
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  /** Problems found in the feed and worked around, served as dataSource.warnings. */
  warnings?: DataSourceWarning[];
  /** Part of the data is an earlier read standing in for a broken one. */
  stale?: boolean;
}

export class RoundScheduleSource implements CouncilDataSource {
  readonly councilCode: string;
  private readonly byUprn: Map<string, PropertyRecord>;
  private readonly byPostcode: Map<string, PropertyRecord[]>;

  constructor(private readonly data: RoundScheduleData) {
    this.councilCode = data.councilCode;
    this.byUprn = new Map(data.properties.map((property) => [property.uprn, property]));
    this.byPostcode = new Map();
    for (const property of data.properties) {
      const list = this.byPostcode.get(property.address.postcode) ?? [];
      list.push(property);
      this.byPostcode.set(property.address.postcode, list);
    }
  }

  info(): DataSourceInfo {
    return { kind: this.data.kind, notice: this.data.notice, updatedAt: this.data.loadedAt, stale: this.data.stale ?? false, warnings: this.data.warnings ?? [] };
  }

  async services(): Promise<Service[]> {
    return this.data.services;
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    return this.byPostcode.get(postcode) ?? [];
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return uprns.map((uprn) => this.byUprn.get(uprn) ?? null);
  }

  /** Every postcode with an address in the feed, or those within postcode areas: the console counts from these. */
  async councilPostcodes(within?: readonly string[]): Promise<string[]> {
    const all = [...this.byPostcode.keys()];
    return (within ? all.filter((postcode) => postcodeInArea(postcode, within)) : all).sort();
  }

  /** The feed's rounds, for disruptions that target rounds. */
  async roundIds(): Promise<string[]> {
    return [...this.data.rounds.keys()].sort();
  }

  /** Properties on the same rounds share one schedule (schedule-memo.ts). */
  scheduleKeyOf(property: PropertyRecord): string {
    return roundScheduleKey(property);
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    const rounds = property.serviceIds.flatMap((serviceId) => this.data.rounds.get(property.roundIds[serviceId])?.get(serviceId) ?? []);
    return collectionsBetween({ rounds: [...rounds], from: range.from, to: range.to, bankHolidays: this.data.bankHolidays, rules: this.data.rules });
  }

  /** Everything loaded, for tests and checks. */
  snapshot(): RoundScheduleData {
    return this.data;
  }
}
