// The schedule engine: a property's rounds + the bank-holiday rules → its collections in a range.
// The council kit and every adapter go through `collectionsBetween`, so its guarantees are the
// product's: at most one collection per service per day, sorted by date then service, the same
// output for the same input (whatever the order of the rounds), and every date inside the range.

import type { BankHolidayCalendar } from '../bank-holidays/calendar.js';
import { bankHolidayAdjuster, maxDisplacementDays } from '../bank-holidays/policy.js';
import type { CouncilBankHolidayRules } from '../bank-holidays/policy.js';
import { addDays, assertIsoDate, daysBetween, isIsoDate, isoWeekday, MONTH_NAMES, WEEKDAY_NAMES } from '../dates.js';
import { CHANGE_REASONS } from '../types.js';
import type { ChangeReason, Collection, CollectionStatus, IsoDate } from '../types.js';
import { patternProblems, regularDates } from './recurrence.js';
import type { RoundPattern } from './recurrence.js';

/** Seasonal break, every year, both ends included; `from` after `to` wraps the new year. */
export interface Suspension {
  from: string; // 'MM-DD'
  to: string; // 'MM-DD'
  note?: string;
}

export interface RoundMove {
  from: IsoDate;
  to: IsoDate;
  reason: ChangeReason;
  note?: string;
}

export interface Round {
  id: string;
  serviceId: string;
  pattern: RoundPattern;
  /** Regular dates that do not happen (a round plan's "exceptions"). */
  exceptions?: IsoDate[];
  /** One-off extra dates, taken as given: no bank-holiday rule or suspension applies to them. */
  additions?: IsoDate[];
  /** One-off moves the source already knows (an ICS "changed collection"); they win over every rule. */
  moved?: RoundMove[];
  /** Seasonal breaks, applied to regular dates (garden waste off from 12-01 to 02-28). */
  suspensions?: Suspension[];
}

export interface CollectionsQuery {
  rounds: Round[];
  /** First day, included. */
  from: IsoDate;
  /** Last day, included. */
  to: IsoDate;
  bankHolidays: BankHolidayCalendar;
  rules: CouncilBankHolidayRules;
}

/** About three years: enough for any calendar view, small enough that a typo cannot ask for a century. */
export const MAX_RANGE_DAYS = 1100;

export class InvalidRoundError extends Error {
  constructor(readonly roundId: string, readonly problems: string[]) {
    super(`Invalid round ${JSON.stringify(roundId)}: ${problems.join('; ')}`);
    this.name = 'InvalidRoundError';
  }
}

/**
 * The collections whose ACTUAL date lies in [from, to]: a Friday collection moved into the range
 * from the day before it appears, and one moved out of it does not. Regular dates run SCHEDULED,
 * moved ones MOVED with `originalDate`; a date the council's table cancels is CANCELLED.
 * Throws RangeError for a reversed range or one longer than MAX_RANGE_DAYS.
 */
export function collectionsBetween(query: CollectionsQuery): Collection[] {
  const { rounds, from, to, bankHolidays, rules } = query;
  assertRange(from, to);
  rounds.forEach(assertValidRound);
  const adjust = bankHolidayAdjuster(bankHolidays, rules);
  // Look beyond the range by as far as any rule or move can shift a date, then filter on the actual date.
  const margin = Math.max(maxDisplacementDays(rules), ...rounds.flatMap((round) => (round.moved ?? []).map(moveLength)));
  const lookFrom = addDays(from, -margin);
  const lookTo = addDays(to, margin);

  const collections: Collection[] = [];
  for (const round of rounds) {
    const explicitlyMoved = new Map((round.moved ?? []).map((move) => [move.from, move]));
    const skipped = new Set(round.exceptions ?? []);
    for (const regular of regularDates(round.pattern, lookFrom, lookTo)) {
      if (skipped.has(regular) || explicitlyMoved.has(regular) || isSuspended(regular, round.suspensions)) continue;
      const actual = adjust(regular);
      if (actual.cancelled) {
        collections.push(collection(round, regular, 'CANCELLED', null, 'BANK_HOLIDAY', actual.note));
      } else if (actual.moved) {
        const note = actual.note ?? holidayNote(actual.holidays ?? (actual.holiday ? [actual.holiday] : []));
        collections.push(collection(round, actual.date, 'MOVED', regular, 'BANK_HOLIDAY', note));
      } else {
        collections.push(collection(round, regular, 'SCHEDULED', null, null, null));
      }
    }
    for (const move of round.moved ?? []) {
      collections.push(collection(round, move.to, 'MOVED', move.from, move.reason, move.note ?? null));
    }
    for (const addition of round.additions ?? []) {
      collections.push(collection(round, addition, 'SCHEDULED', null, null, null));
    }
  }
  return orderCollections(collections.filter((c) => c.date >= from && c.date <= to));
}

/**
 * Sorted by date then serviceId, with at most one collection per service per day. When two
 * collide the one that happens beats a cancelled one, and an unchanged one beats a changed one:
 * the resident needs to know the bin goes out that day. Ties fall to a total order on the
 * remaining fields, so the result never depends on the input order.
 */
export function orderCollections<C extends Collection>(collections: readonly C[]): C[] {
  const best = new Map<string, C>();
  for (const candidate of collections) {
    const key = `${candidate.date}|${candidate.serviceId}`;
    const current = best.get(key);
    if (!current || compareCollisions(candidate, current) < 0) best.set(key, candidate);
  }
  return [...best.values()].sort((a, b) => compareText(a.date, b.date) || compareText(a.serviceId, b.serviceId));
}

/**
 * The next collection of each service on or after `today` (a date in London: see todayInLondon),
 * sorted by date then serviceId. Cancelled collections are passed over: a resident asking "when
 * does my bin go out?" wants the next one that happens.
 */
export function nextCollectionPerService<C extends Collection>(collections: readonly C[], today: IsoDate): C[] {
  assertIsoDate(today, 'today');
  const upcoming = orderCollections(collections).filter((c) => c.date >= today && c.status !== 'CANCELLED');
  const next = new Map<string, C>();
  for (const c of upcoming) if (!next.has(c.serviceId)) next.set(c.serviceId, c);
  return [...next.values()];
}

function collection(
  round: Round,
  date: IsoDate,
  status: CollectionStatus,
  originalDate: IsoDate | null,
  changeReason: ChangeReason | null,
  note: string | null,
): Collection {
  return { date, serviceId: round.serviceId, status, originalDate, changeReason, note, disruptionId: null };
}

const STATUS_PRECEDENCE: Record<CollectionStatus, number> = { SCHEDULED: 0, COMPLETED: 0, MOVED: 1, DELAYED: 2, CANCELLED: 3 };

function compareCollisions(a: Collection, b: Collection): number {
  return (
    STATUS_PRECEDENCE[a.status] - STATUS_PRECEDENCE[b.status] ||
    compareText(a.status, b.status) ||
    compareText(a.originalDate ?? '', b.originalDate ?? '') ||
    compareText(a.changeReason ?? '', b.changeReason ?? '') ||
    compareText(a.disruptionId ?? '', b.disruptionId ?? '') ||
    compareText(a.note ?? '', b.note ?? '')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertRange(from: IsoDate, to: IsoDate): void {
  assertIsoDate(from, 'from');
  assertIsoDate(to, 'to');
  if (from > to) throw new RangeError(`from (${from}) is after to (${to}); the range includes both ends, so from must be on or before to`);
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new RangeError(`The range ${from} to ${to} is ${days} days; ask for at most ${MAX_RANGE_DAYS} days (about three years) at a time`);
  }
}

function moveLength(move: RoundMove): number {
  return Math.abs(daysBetween(move.from, move.to));
}

function isSuspended(date: IsoDate, suspensions: Suspension[] | undefined): boolean {
  const monthDay = date.slice(5); // 'MM-DD' compares correctly as text
  return (suspensions ?? []).some(({ from, to }) =>
    from <= to ? monthDay >= from && monthDay <= to : monthDay >= from || monthDay <= to,
  );
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]; // 02-29 allowed: "to the end of February"

function isMonthDay(value: unknown): boolean {
  const match = typeof value === 'string' ? MONTH_DAY.exec(value) : null;
  if (!match) return false;
  const [month, day] = [Number(match[1]), Number(match[2])];
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1];
}

/** Everything wrong with a round, in words a council-kit author can act on; empty when valid. */
export function roundProblems(round: Round): string[] {
  const problems: string[] = [];
  if (typeof round.id !== 'string' || round.id === '') problems.push('id must be a non-empty string');
  if (typeof round.serviceId !== 'string' || round.serviceId === '') problems.push('serviceId must be a non-empty string');
  problems.push(...patternProblems(round.pattern).map((problem) => `pattern: ${problem}`));
  const checkDate = (date: unknown, where: string) => {
    if (!isIsoDate(date)) problems.push(`${where} must be a real date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
  };
  round.exceptions?.forEach((date, i) => checkDate(date, `exceptions[${i}]`));
  round.additions?.forEach((date, i) => checkDate(date, `additions[${i}]`));
  const movedFrom = new Set<IsoDate>();
  round.moved?.forEach((move, i) => {
    checkDate(move.from, `moved[${i}].from`);
    checkDate(move.to, `moved[${i}].to`);
    if (move.from === move.to) problems.push(`moved[${i}] moves ${move.from} to the same day`);
    if (movedFrom.has(move.from)) problems.push(`moved[${i}].from ${move.from} is moved twice`);
    if (!CHANGE_REASONS.includes(move.reason)) problems.push(`moved[${i}].reason must be one of ${CHANGE_REASONS.join(', ')}, got ${JSON.stringify(move.reason)}`);
    movedFrom.add(move.from);
  });
  round.suspensions?.forEach((suspension, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!isMonthDay(suspension[end])) problems.push(`suspensions[${i}].${end} must be a day of the year written MM-DD, got ${JSON.stringify(suspension[end])}`);
    }
  });
  return problems;
}

function assertValidRound(round: Round): void {
  const problems = roundProblems(round);
  if (problems.length > 0) throw new InvalidRoundError(round.id, problems);
}

/** "Because of Boxing Day (Monday 28 December) and New Year’s Day (Friday 1 January)". */
function holidayNote(holidays: readonly { title: string; date: IsoDate }[]): string | null {
  if (!holidays.length) return null;
  const named = holidays.map((h) => `${h.title} (${WEEKDAY_NAMES[isoWeekday(h.date) - 1]} ${Number(h.date.slice(8, 10))} ${MONTH_NAMES[Number(h.date.slice(5, 7)) - 1]})`);
  return `Because of ${named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0]}`;
}
