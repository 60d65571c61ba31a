// UK bank holidays per GOV.UK division, built from the https://www.gov.uk/bank-holidays.json feed shape.
//
// Bank holidays are "determined both by law and by proclamation" (alphagov/frontend): a one-off
// holiday (a coronation, the 2026 Scottish World Cup holiday) or a moved one (VE Day 2020) cannot be
// computed from rules, so the published GOV.UK data is the only source of truth here. Dates outside
// `coverage()` simply have no known holidays.

import { z } from 'zod';
import { assertIsoDate, isIsoDate } from '../dates.js';
import { BANK_HOLIDAY_DIVISIONS } from '../types.js';
import type { BankHolidayDivision, IsoDate, Nation } from '../types.js';

export interface GovUkBankHolidayEvent {
  title: string;
  date: IsoDate;
  /** "Substitute day" or "" in the feed. */
  notes: string;
  bunting: boolean;
}

export type GovUkBankHolidayFeed = Record<BankHolidayDivision, { division: BankHolidayDivision; events: GovUkBankHolidayEvent[] }>;

export interface BankHoliday extends GovUkBankHolidayEvent {
  division: BankHolidayDivision;
}

export class BankHolidayFeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid bank-holidays feed: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`);
    this.name = 'BankHolidayFeedError';
  }
}

// Plain z.object (not strict): a field GOV.UK adds one day must not stop the refresh.
const eventSchema = z.object({
  title: z.string().min(1, 'title must not be empty'),
  date: z.string().refine(isIsoDate, 'date must be a real date written YYYY-MM-DD'),
  notes: z.string(),
  bunting: z.boolean(),
});
const divisionSchema = z.object({
  division: z.enum(BANK_HOLIDAY_DIVISIONS),
  events: z.array(eventSchema).min(1, 'events must not be empty'),
});
const feedSchema = z.object({
  'england-and-wales': divisionSchema,
  scotland: divisionSchema,
  'northern-ireland': divisionSchema,
});

/** Checks a parsed JSON value against the GOV.UK feed shape; events come back sorted by date. */
export function parseBankHolidayFeed(json: unknown): GovUkBankHolidayFeed {
  const result = feedSchema.safeParse(json);
  if (!result.success) {
    throw new BankHolidayFeedError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const problems: string[] = [];
  const feed = {} as GovUkBankHolidayFeed;
  for (const division of BANK_HOLIDAY_DIVISIONS) {
    const { division: named, events } = result.data[division];
    if (named !== division) problems.push(`${division}.division: says ${JSON.stringify(named)}`);
    const sorted = events.map(({ title, date, notes, bunting }) => ({ title, date, notes, bunting }));
    sorted.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].date === sorted[i - 1].date) problems.push(`${division}: two holidays on ${sorted[i].date}`);
    }
    feed[division] = { division, events: sorted };
  }
  if (problems.length > 0) throw new BankHolidayFeedError(problems);
  return feed;
}

/**
 * `overlay` over `base`, one whole year at a time: each year that `overlay` lists for a division
 * replaces that year in `base`; other years of `base` are kept. Whole years, not single dates,
 * so that a holiday GOV.UK moved or dropped (VE Day 2020 left 4 May for 8 May) disappears.
 * The live feed only spans a few years, which is why the older and newer years are kept.
 */
export function mergeBankHolidayFeeds(base: GovUkBankHolidayFeed, overlay: GovUkBankHolidayFeed): GovUkBankHolidayFeed {
  const merged = {} as GovUkBankHolidayFeed;
  for (const division of BANK_HOLIDAY_DIVISIONS) {
    const overlayEvents = overlay[division].events;
    const overlayYears = new Set(overlayEvents.map((event) => event.date.slice(0, 4)));
    const kept = base[division].events.filter((event) => !overlayYears.has(event.date.slice(0, 4)));
    merged[division] = { division, events: [...kept, ...overlayEvents] };
  }
  return parseBankHolidayFeed(merged);
}

export interface CalendarCoverage {
  firstYear: number;
  lastYear: number;
}

export class BankHolidayCalendar {
  private readonly byDivision: Map<BankHolidayDivision, { sorted: BankHoliday[]; byDate: Map<IsoDate, BankHoliday> }>;

  private constructor(private readonly feed: GovUkBankHolidayFeed) {
    this.byDivision = new Map(
      BANK_HOLIDAY_DIVISIONS.map((division) => {
        const sorted = feed[division].events.map((event) => ({ ...event, division }));
        return [division, { sorted, byDate: new Map(sorted.map((holiday) => [holiday.date, holiday])) }];
      }),
    );
  }

  /** Validates `json` (the parsed GOV.UK feed); throws BankHolidayFeedError listing what is wrong. */
  static fromFeed(json: unknown): BankHolidayCalendar {
    return new BankHolidayCalendar(parseBankHolidayFeed(json));
  }

  /** Holidays from `from` to `to`, both included, in date order. */
  holidays(division: BankHolidayDivision, from: IsoDate, to: IsoDate): BankHoliday[] {
    assertIsoDate(from, 'from');
    assertIsoDate(to, 'to');
    return this.division(division).sorted.filter((holiday) => holiday.date >= from && holiday.date <= to);
  }

  isHoliday(division: BankHolidayDivision, date: IsoDate): boolean {
    return this.division(division).byDate.has(date);
  }

  holidayOn(division: BankHolidayDivision, date: IsoDate): BankHoliday | null {
    return this.division(division).byDate.get(date) ?? null;
  }

  /**
   * The years the data covers: for one division, or without one the years that every division covers.
   * Outside them the calendar knows no holidays, which is not the same as there being none.
   */
  coverage(division?: BankHolidayDivision): CalendarCoverage {
    const divisions = division ? [division] : BANK_HOLIDAY_DIVISIONS;
    const spans = divisions.map((name) => {
      const sorted = this.division(name).sorted;
      return { first: Number(sorted[0].date.slice(0, 4)), last: Number(sorted[sorted.length - 1].date.slice(0, 4)) };
    });
    return { firstYear: Math.max(...spans.map((s) => s.first)), lastYear: Math.min(...spans.map((s) => s.last)) };
  }

  /** The validated feed, divisions in standard order and events by date: what the refresh script writes. */
  toFeed(): GovUkBankHolidayFeed {
    return structuredClone(this.feed);
  }

  private division(division: BankHolidayDivision) {
    const entry = this.byDivision.get(division);
    if (!entry) throw new RangeError(`Unknown bank-holiday division ${JSON.stringify(division)}; expected one of ${BANK_HOLIDAY_DIVISIONS.join(', ')}`);
    return entry;
  }
}

const DIVISION_OF_NATION: Record<Nation, BankHolidayDivision> = {
  ENGLAND: 'england-and-wales',
  WALES: 'england-and-wales',
  SCOTLAND: 'scotland',
  NORTHERN_IRELAND: 'northern-ireland',
};

export function divisionForNation(nation: Nation): BankHolidayDivision {
  const division = DIVISION_OF_NATION[nation];
  if (!division) throw new RangeError(`Unknown nation ${JSON.stringify(nation)}; expected ENGLAND, WALES, SCOTLAND or NORTHERN_IRELAND`);
  return division;
}
