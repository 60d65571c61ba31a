// What a council does with its collections when a bank holiday falls in the week.
//
// Councils publish one of a few standing rules, and for Christmas and New Year usually a table
// of their own (the cascade can run over two or three weeks), which wins over the rule for the
// dates it lists.

import { addDays, daysBetween, isIsoDate, isoWeekday, startOfIsoWeek } from '../dates.js';
import { BANK_HOLIDAY_DIVISIONS } from '../types.js';
import type { BankHolidayDivision, IsoDate } from '../types.js';
import type { BankHoliday, BankHolidayCalendar } from './calendar.js';

export type BankHolidayPolicy =
  /**
   * Collections from the holiday to the end of the working week move one day later per holiday
   * on or before their day in that week, skipping any holiday they would land on (Mon → Tue …
   * Fri → Sat). Nothing moves past Saturday: in a two-holiday week the last days share Saturday.
   */
  | { kind: 'slip' }
  /** The holiday's own collections move to the Saturday before; the rest of the week is unchanged. */
  | { kind: 'saturday-before' }
  /** Crews work the holiday: nothing changes. */
  | { kind: 'work-through' };

export interface ExplicitMove {
  from: IsoDate;
  /** May equal `from`, to say "this date runs as normal" despite the rule. */
  to: IsoDate;
  /** The council's own words, e.g. "Christmas Day collections". */
  note?: string;
}

/** A council's published table: it overrides the policy for the dates it lists, and only those. */
export interface ExplicitMoves {
  moves: ExplicitMove[];
  /** Regular dates with no collection at all ("no collection on Christmas Day, next one as normal"). */
  cancelled?: IsoDate[];
}

export interface CouncilBankHolidayRules {
  division: BankHolidayDivision;
  policy: BankHolidayPolicy;
  table?: ExplicitMoves;
}

/** Where a regular collection actually happens. */
export interface HolidayAdjustment {
  /** The actual day; the regular date when unchanged or cancelled. */
  date: IsoDate;
  moved: boolean;
  cancelled: boolean;
  /** The holiday behind a policy move (the one on, or the latest before, the regular day); null for table entries. */
  holiday: BankHoliday | null;
  /** Every holiday that moved it, in date order (a slip over Boxing Day can also skip New Year's Day). */
  holidays?: BankHoliday[];
  /** The table entry's note, when a table entry decided. */
  note: string | null;
}

export class InvalidBankHolidayRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid bank-holiday rules: ${problems.join('; ')}`);
    this.name = 'InvalidBankHolidayRulesError';
  }
}

const POLICY_KINDS = ['slip', 'saturday-before', 'work-through'];

export function rulesProblems(rules: CouncilBankHolidayRules): string[] {
  const problems: string[] = [];
  if (!BANK_HOLIDAY_DIVISIONS.includes(rules.division)) {
    problems.push(`division must be one of ${BANK_HOLIDAY_DIVISIONS.join(', ')}, got ${JSON.stringify(rules.division)}`);
  }
  if (!POLICY_KINDS.includes(rules.policy?.kind)) {
    problems.push(`policy.kind must be one of ${POLICY_KINDS.join(', ')}, got ${JSON.stringify(rules.policy?.kind)}`);
  }
  const seen = new Set<IsoDate>();
  const claim = (date: IsoDate, where: string) => {
    if (!isIsoDate(date)) problems.push(`${where} must be a real date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
    else if (seen.has(date)) problems.push(`${where} ${date} appears more than once in the table`);
    seen.add(date);
  };
  rules.table?.moves.forEach((move, i) => {
    claim(move.from, `table.moves[${i}].from`);
    if (!isIsoDate(move.to)) problems.push(`table.moves[${i}].to must be a real date written YYYY-MM-DD, got ${JSON.stringify(move.to)}`);
  });
  rules.table?.cancelled?.forEach((date, i) => claim(date, `table.cancelled[${i}]`));
  return problems;
}

export function assertValidRules(rules: CouncilBankHolidayRules): void {
  const problems = rulesProblems(rules);
  if (problems.length > 0) throw new InvalidBankHolidayRulesError(problems);
}

/** How many days a collection can move either way under these rules: how far beyond a range to look. */
export function maxDisplacementDays(rules: CouncilBankHolidayRules): number {
  const byPolicy = { slip: 5, 'saturday-before': 6, 'work-through': 0 }[rules.policy.kind];
  const byTable = (rules.table?.moves ?? []).map((move) => Math.abs(daysBetween(move.from, move.to)));
  return Math.max(byPolicy, ...byTable);
}

/**
 * A function from regular date to actual date. Validates the rules and indexes the table once,
 * because the schedule engine asks for every date of every round.
 */
export function bankHolidayAdjuster(calendar: BankHolidayCalendar, rules: CouncilBankHolidayRules): (regular: IsoDate) => HolidayAdjustment {
  assertValidRules(rules);
  const tableMoves = new Map((rules.table?.moves ?? []).map((move) => [move.from, move]));
  const tableCancelled = new Set(rules.table?.cancelled ?? []);
  const byPolicy = POLICIES[rules.policy.kind];

  return (regular) => {
    const tableMove = tableMoves.get(regular);
    if (tableMove) {
      return { date: tableMove.to, moved: tableMove.to !== regular, cancelled: false, holiday: null, note: tableMove.note ?? null };
    }
    if (tableCancelled.has(regular)) return { date: regular, moved: false, cancelled: true, holiday: null, note: null };
    const policyMove = byPolicy(regular, calendar, rules.division);
    if (!policyMove) return { date: regular, moved: false, cancelled: false, holiday: null, note: null };
    return { date: policyMove.date, moved: true, cancelled: false, holiday: policyMove.holiday, holidays: policyMove.holidays ?? [policyMove.holiday], note: null };
  };
}

/** One-off form of `bankHolidayAdjuster`. */
export function adjustForBankHolidays(regular: IsoDate, calendar: BankHolidayCalendar, rules: CouncilBankHolidayRules): HolidayAdjustment {
  return bankHolidayAdjuster(calendar, rules)(regular);
}

type PolicyMove = { date: IsoDate; holiday: BankHoliday; holidays?: BankHoliday[] } | null;
type PolicyRule = (regular: IsoDate, calendar: BankHolidayCalendar, division: BankHolidayDivision) => PolicyMove;

const SATURDAY = 6;

const POLICIES: Record<BankHolidayPolicy['kind'], PolicyRule> = {
  slip(regular, calendar, division) {
    if (isoWeekday(regular) >= SATURDAY) return null; // weekend rounds are not part of the working week that slips
    const monday = startOfIsoWeek(regular);
    const saturday = addDays(monday, SATURDAY - 1);
    let shift = 0;
    let cause: BankHoliday | null = null;
    const causes: BankHoliday[] = [];
    for (let day = monday; day <= regular; day = addDays(day, 1)) {
      const holiday = calendar.holidayOn(division, day);
      if (holiday) [shift, cause] = [shift + 1, holiday];
      if (holiday) causes.push(holiday);
    }
    if (!cause) return null;
    let date = addDays(regular, shift);
    // Mon 25 + Tue 26 Dec: Monday's collection would land on Boxing Day, so it goes on to Wednesday.
    while (date < saturday && calendar.isHoliday(division, date)) {
      causes.push(calendar.holidayOn(division, date)!);
      date = addDays(date, 1);
    }
    return { date: date > saturday ? saturday : date, holiday: cause, holidays: causes };
  },

  'saturday-before'(regular, calendar, division) {
    const holiday = calendar.holidayOn(division, regular);
    const weekday = isoWeekday(regular);
    if (!holiday || weekday >= SATURDAY) return null;
    return { date: addDays(regular, -(weekday + 1)), holiday };
  },

  'work-through'() {
    return null;
  },
};
