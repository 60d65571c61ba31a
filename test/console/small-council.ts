// A council small enough to count by hand, for the console's tests: seven addresses in four postcodes,
// on Monday or Tuesday rounds; refuse every week, recycling every other week (weeks counted from Monday
// 2 November 2026, recycling in the even ones: 2, 16 and 30 November are recycling Mondays).
//
//   ZZ1 1AA  2 addresses  Monday    (REF-MON, REC-MON-A)
//   ZZ1 1AB  1 address    Tuesday   (REF-TUE, REC-TUE-A)
//   ZZ1 2AA  3 addresses  Monday
//   ZZ2 1AA  1 address    Tuesday
import { addDays, daysBetween } from '../../domain/dates.js';
import { postcodeInArea } from '../../domain/disruptions/apply.js';
import type { Collection, Service } from '../../domain/types.js';
import { roundScheduleKey, type CouncilDataSource, type DataSourceInfo, type DateRange, type PropertyRecord } from '../../subgraphs/council/data-source.js';

export const SMALL_COUNCIL = 'E06000901';
export const OTHER_COUNCIL = 'E06000902';
const ANCHOR_MONDAY = '2026-11-02';

const STREETS: Array<{ postcode: string; count: number; day: 'MON' | 'TUE' }> = [
  { postcode: 'ZZ1 1AA', count: 2, day: 'MON' },
  { postcode: 'ZZ1 1AB', count: 1, day: 'TUE' },
  { postcode: 'ZZ1 2AA', count: 3, day: 'MON' },
  { postcode: 'ZZ2 1AA', count: 1, day: 'TUE' },
];

export class SmallCouncilSource implements CouncilDataSource {
  readonly calls = { collections: 0 };
  private readonly properties: PropertyRecord[];

  constructor(readonly councilCode: string = SMALL_COUNCIL) {
    this.properties = STREETS.flatMap(({ postcode, count, day }, street) =>
      Array.from({ length: count }, (_, i) => ({
        uprn: `9${street}0000000${i}`,
        address: { lines: [`${i + 1} Counting Street`], town: 'Smalltown', postcode },
        serviceIds: ['refuse', 'recycling'],
        roundIds: { refuse: `REF-${day}`, recycling: `REC-${day}-A` },
      })),
    );
  }

  info(): DataSourceInfo {
    return { kind: 'COUNCIL', notice: null, updatedAt: new Date('2026-11-01T00:00:00Z'), stale: false };
  }

  async services(): Promise<Service[]> {
    const service = (id: string, name: string, type: Service['type'], description: string): Service => ({
      id,
      name,
      type,
      containers: [{ name, colour: null, kind: 'WHEELIE_BIN' }],
      frequency: { description, rrule: null },
      subscription: null,
    });
    return [service('refuse', 'Black bin (refuse)', 'GENERAL_WASTE', 'Every week'), service('recycling', 'Blue bin (recycling)', 'RECYCLING', 'Every other week')];
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    return this.properties.filter((p) => p.address.postcode === postcode);
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return uprns.map((uprn) => this.properties.find((p) => p.uprn === uprn) ?? null);
  }

  async councilPostcodes(within?: readonly string[]): Promise<string[]> {
    const all = STREETS.map((s) => s.postcode);
    return within ? all.filter((postcode) => postcodeInArea(postcode, within)) : all;
  }

  async roundIds(): Promise<string[]> {
    return ['REC-MON-A', 'REC-TUE-A', 'REF-MON', 'REF-TUE'];
  }

  scheduleKeyOf(property: PropertyRecord): string {
    return roundScheduleKey(property);
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    this.calls.collections++;
    const weekday = property.roundIds.refuse === 'REF-MON' ? 0 : 1;
    const found: Collection[] = [];
    for (let date = range.from; date <= range.to; date = addDays(date, 1)) {
      const sinceAnchor = daysBetween(ANCHOR_MONDAY, date);
      if (((sinceAnchor % 7) + 7) % 7 !== weekday) continue;
      const base = { date, status: 'SCHEDULED' as const, originalDate: null, changeReason: null, note: null, disruptionId: null };
      found.push({ ...base, serviceId: 'refuse' });
      if (Math.floor(sinceAnchor / 7) % 2 === 0) found.push({ ...base, serviceId: 'recycling' });
    }
    return found;
  }
}
