// The embedded default: a deterministic SAMPLE source for a council that has not connected its own data.
// Every answer is labelled as sample (DataSource.kind SAMPLE, a notice, "(sample)" in addresses):
// these are plausible schedules for the council's nation, not its real collection days.
import type { BankHolidayCalendar } from '../../../domain/bank-holidays/calendar.js';
import { divisionForNation } from '../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../domain/bank-holidays/policy.js';
import { addDays } from '../../../domain/dates.js';
import { parsePostcodeArea } from '../../../domain/disruptions/apply.js';
import { collectionsBetween, type Round } from '../../../domain/schedule/engine.js';
import { describeFrequency } from '../../../domain/schedule/frequency.js';
import type { Collection, Frequency, Service } from '../../../domain/types.js';
import { roundScheduleKey, type CouncilDataSource, type DataSourceInfo, type DateRange, type PropertyRecord } from '../data-source.js';
import { decodeSampleUprn, encodeSampleUprn } from './sample-uprn.js';
import { sampleServicesFor, type SampleService } from './sample-services.js';
import { festiveMoves } from './festive-moves.js';
import { hashOf } from './hash.js';

export const SAMPLE_NOTICE =
  'Sample data: these are generated example collections, not this council\'s real bin days. Check the council\'s own website.';

export interface SampleCouncil {
  code: string;
  shortName: string;
  nation: 'ENGLAND' | 'SCOTLAND' | 'WALES' | 'NORTHERN_IRELAND';
}

/** Answers "which council is this postcode in?" for the sample's property generation. */
export interface PostcodeCouncilLookup {
  lookup(postcode: string): string | undefined;
  /** The council's postcodes, in one outward code or all; when given, the source can list its addresses by area. */
  postcodesOf?(councilCode: string, outward?: string): string[];
}

const STREETS = [
  'Station Road', 'Church Street', 'Victoria Road', 'Park Avenue', 'Mill Lane', 'High Street', 'School Lane',
  'Queens Road', 'The Crescent', 'Manor Way', 'Orchard Close', 'Chapel Street', 'Meadow View', 'Kings Road',
];
const WEEKDAY_NAMES = ['MON', 'TUE', 'WED', 'THU', 'FRI'];
/** A Monday in week "A" of every sample round; patterns count their weeks from here. */
const ROUND_EPOCH_MONDAY = '2026-01-05';
const APP_START = new Date();

export class SampleCouncilSource implements CouncilDataSource {
  readonly councilCode: string;
  private readonly sampleServices: SampleService[];
  private readonly rules: CouncilBankHolidayRules;
  private everyPostcode: string[] | undefined;
  /** A street's frequencies depend only on its round day and week: ten combinations, worked out once each. */
  private readonly frequenciesByRoundSet = new Map<string, Record<string, Frequency>>();
  readonly councilPostcodes?: (within?: readonly string[]) => Promise<string[]>;

  constructor(
    private readonly council: SampleCouncil,
    private readonly postcodes: PostcodeCouncilLookup,
    private readonly bankHolidays: BankHolidayCalendar,
  ) {
    this.councilCode = council.code;
    this.sampleServices = sampleServicesFor(council);
    const division = divisionForNation(council.nation);
    this.rules =
      council.nation === 'SCOTLAND'
        ? // Many Scottish councils work through public holidays, but not Christmas and New Year (festive-moves.ts).
          { division, policy: { kind: 'work-through' }, table: festiveMoves(bankHolidays, division) }
        : // English, Welsh and Northern Irish ones mostly slip a day, which never lands on a holiday.
          { division, policy: { kind: 'slip' } };
    const listing = postcodes.postcodesOf?.bind(postcodes);
    if (listing) this.councilPostcodes = async (within) => this.postcodesWithin(listing, within);
  }

  info(): DataSourceInfo {
    return { kind: 'SAMPLE', notice: SAMPLE_NOTICE, updatedAt: APP_START, stale: false };
  }

  async services(): Promise<Service[]> {
    return this.sampleServices.map((s) => s.service);
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    if (this.postcodes.lookup(postcode) !== this.councilCode) return [];
    const count = 3 + (hashOf(`count:${postcode}`) % 5);
    return Array.from({ length: count }, (_, index) => this.property(postcode, index));
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return uprns.map((uprn) => {
      const decoded = decodeSampleUprn(uprn);
      if (!decoded || this.postcodes.lookup(decoded.postcode) !== this.councilCode) return null;
      const count = 3 + (hashOf(`count:${decoded.postcode}`) % 5);
      return decoded.index < count ? this.property(decoded.postcode, decoded.index) : null;
    });
  }

  /** Every round of every service: the same for every sample council of a nation. */
  async roundIds(): Promise<string[]> {
    const ids = this.sampleServices.flatMap((s) => WEEKDAY_NAMES.flatMap((day) => ['A', 'B'].map((week) => `${s.roundPrefix}-${day}-${week}`)));
    return [...new Set(ids)].sort();
  }

  /** A street's properties share their rounds, so their schedule is worked out once (schedule-memo.ts). */
  scheduleKeyOf(property: PropertyRecord): string {
    return roundScheduleKey(property);
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    return collectionsBetween({ rounds: this.roundsOf(property), from: range.from, to: range.to, bankHolidays: this.bankHolidays, rules: this.rules });
  }

  private postcodesWithin(listing: NonNullable<PostcodeCouncilLookup['postcodesOf']>, within: readonly string[] | undefined): string[] {
    // The whole council is read once (a scan of the postcode index) and kept.
    if (within === undefined) return [...(this.everyPostcode ??= listing(this.councilCode))];
    const found = new Set<string>();
    for (const entry of within) {
      const area = parsePostcodeArea(entry);
      if (!area) continue;
      for (const postcode of listing(this.councilCode, area.outward)) {
        if (postcode.slice(area.outward.length + 1).startsWith(area.inwardPrefix)) found.add(postcode);
      }
    }
    return [...found].sort();
  }

  private property(postcode: string, index: number): PropertyRecord {
    const street = STREETS[hashOf(`street:${postcode}`) % STREETS.length];
    const houseNumber = 1 + (hashOf(`start:${postcode}`) % 40) * 2 + index * 2;
    // Streets share a collection day: the day and week come from the postcode, not the house.
    const weekday = 1 + (hashOf(`day:${postcode}`) % 5);
    const week = hashOf(`week:${postcode}`) % 2 === 0 ? 'A' : 'B';
    const roundIds: Record<string, string> = {};
    for (const s of this.sampleServices) roundIds[s.service.id] = `${s.roundPrefix}-${WEEKDAY_NAMES[weekday - 1]}-${week}`;
    const record: PropertyRecord = {
      uprn: encodeSampleUprn(postcode, index),
      address: { lines: [`${houseNumber} ${street} (sample)`], town: this.council.shortName, postcode },
      serviceIds: this.sampleServices.map((s) => s.service.id),
      roundIds,
    };
    const roundSet = `${weekday}-${week}`;
    let frequencies = this.frequenciesByRoundSet.get(roundSet);
    if (!frequencies) {
      frequencies = Object.freeze(Object.fromEntries(this.roundsOf(record).map((round) => [round.serviceId, describeFrequency(round.pattern)])));
      this.frequenciesByRoundSet.set(roundSet, frequencies);
    }
    record.frequencies = frequencies;
    return record;
  }

  private roundsOf(property: PropertyRecord): Round[] {
    return this.sampleServices.map((s) => {
      const roundId = property.roundIds[s.service.id];
      const [, day, week] = roundId.split('-');
      const weekday = WEEKDAY_NAMES.indexOf(day) + 1;
      const weekOffset = (week === 'B' ? 1 : 0) + s.weekShift;
      const anchor = addDays(ROUND_EPOCH_MONDAY, (weekday - 1) + (weekOffset % s.everyWeeks) * 7);
      return {
        id: roundId,
        serviceId: s.service.id,
        pattern: { kind: 'weekly', weekday: weekday as 1 | 2 | 3 | 4 | 5, everyWeeks: s.everyWeeks, anchor },
        suspensions: s.suspensions,
      };
    });
  }
}
