// A small in-memory council for tests: real kit, real engine, data we choose (so a test can tell councils apart).
import type { BankHolidayCalendar } from '../../domain/bank-holidays/calendar.js';
import { collectionsBetween, type Round } from '../../domain/schedule/engine.js';
import type { Collection, Service } from '../../domain/types.js';
import type { CouncilDataSource, DataSourceInfo, DateRange, PropertyRecord } from '../../subgraphs/council/data-source.js';

export interface FixtureCouncilOptions {
  councilCode: string;
  /** Marks every service name, so answers can be traced to this council. */
  label: string;
  postcode: string;
  bankHolidays: BankHolidayCalendar;
  uprns?: string[];
}

export class FixtureCouncilSource implements CouncilDataSource {
  readonly councilCode: string;
  readonly calls = { services: 0, propertiesInPostcode: 0, propertiesByUprn: [] as string[][], collections: 0 };
  private readonly properties: PropertyRecord[];
  private readonly serviceList: Service[];

  constructor(private readonly options: FixtureCouncilOptions) {
    this.councilCode = options.councilCode;
    this.serviceList = [
      {
        id: 'refuse',
        name: `${options.label} refuse bin`,
        type: 'GENERAL_WASTE',
        containers: [{ name: 'Wheelie bin', colour: 'black', kind: 'WHEELIE_BIN' }],
        frequency: { description: 'Every other Tuesday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' },
        subscription: null,
      },
      {
        id: 'food',
        name: `${options.label} food caddy`,
        type: 'FOOD_WASTE',
        containers: [{ name: 'Caddy', colour: 'green', kind: 'CADDY' }],
        frequency: { description: 'Every Tuesday', rrule: 'FREQ=WEEKLY;BYDAY=TU' },
        subscription: null,
      },
    ];
    this.properties = (options.uprns ?? ['100000000001', '100000000002']).map((uprn, i) => ({
      uprn,
      address: { lines: [`${i + 1} Fixture Street`], town: options.label, postcode: options.postcode },
      serviceIds: ['refuse', 'food'],
      roundIds: { refuse: 'TUE-A', food: 'TUE' },
    }));
  }

  info(): DataSourceInfo {
    return { kind: 'COUNCIL', notice: null, updatedAt: new Date('2026-11-01T00:00:00Z'), stale: false };
  }

  async services(): Promise<Service[]> {
    this.calls.services++;
    return this.serviceList;
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    this.calls.propertiesInPostcode++;
    return postcode === this.options.postcode ? this.properties : [];
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    this.calls.propertiesByUprn.push([...uprns]);
    return uprns.map((uprn) => this.properties.find((p) => p.uprn === uprn) ?? null);
  }

  async collections(_property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    this.calls.collections++;
    const rounds: Round[] = [
      { id: 'TUE-A', serviceId: 'refuse', pattern: { kind: 'weekly', weekday: 2, everyWeeks: 2, anchor: '2026-01-06' } },
      { id: 'TUE', serviceId: 'food', pattern: { kind: 'weekly', weekday: 2, everyWeeks: 1, anchor: '2026-01-06' } },
    ];
    return collectionsBetween({
      rounds,
      from: range.from,
      to: range.to,
      bankHolidays: this.options.bankHolidays,
      rules: { division: 'england-and-wales', policy: { kind: 'slip' } },
    });
  }
}
