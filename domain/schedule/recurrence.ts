// A round's regular pattern: the dates it would be collected on with no holiday,
// exception or disruption. Either the everyday council form ("every other Tuesday")
// or a full RFC 5545 RRULE, as found in council ICS feeds.

import rrulePackage from 'rrule';
import { WEEKDAY_NAMES, addDays, assertIsoDate, daysBetween, fromUtcDate, isIsoDate, isoWeekday, toUtcDate } from '../dates.js';
import type { IsoWeekday } from '../dates.js';
import type { IsoDate } from '../types.js';

// rrule ships a CommonJS bundle whose named exports Node cannot see from ESM.
const { RRule } = rrulePackage;

export type RoundPattern =
  | {
      kind: 'weekly';
      weekday: IsoWeekday;
      /** 1 = every week, 2 = every other week … up to 8. */
      everyWeeks: number;
      /**
       * One real collection date, on `weekday`. It fixes which week of a cycle is the
       * collection week, so "week 1 / week 2" cannot be misread. Dates before it count too.
       */
      anchor: IsoDate;
    }
  | {
      kind: 'rrule';
      /** The RRULE value, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" (an "RRULE:" prefix is accepted). */
      rrule: string;
      dtstart: IsoDate;
    };

export const MAX_EVERY_WEEKS = 8;

export class InvalidPatternError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid round pattern: ${problems.join('; ')}`);
    this.name = 'InvalidPatternError';
  }
}

export const RRULE_WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** Everything wrong with a pattern, in words a council-kit author can act on; empty when valid. */
export function patternProblems(pattern: RoundPattern): string[] {
  switch (pattern.kind) {
    case 'weekly':
      return weeklyProblems(pattern);
    case 'rrule':
      return rruleProblems(pattern);
    default:
      return [`unknown pattern kind ${JSON.stringify((pattern as { kind: unknown }).kind)}`];
  }
}

export function assertValidPattern(pattern: RoundPattern): void {
  const problems = patternProblems(pattern);
  if (problems.length > 0) throw new InvalidPatternError(problems);
}

/** The regular dates from `from` to `to`, both included, in order. */
export function regularDates(pattern: RoundPattern, from: IsoDate, to: IsoDate): IsoDate[] {
  assertValidPattern(pattern);
  assertIsoDate(from, 'from');
  assertIsoDate(to, 'to');
  if (from > to) return [];
  return pattern.kind === 'weekly' ? weeklyDates(pattern, from, to) : rruleDates(pattern, from, to);
}

/** The RRULE value without DTSTART (the anchor or dtstart is the DTSTART), e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU". */
export function patternToRRule(pattern: RoundPattern): string {
  assertValidPattern(pattern);
  if (pattern.kind === 'rrule') return normaliseRRule(pattern.rrule);
  const interval = pattern.everyWeeks === 1 ? '' : `;INTERVAL=${pattern.everyWeeks}`;
  return `FREQ=WEEKLY${interval};BYDAY=${RRULE_WEEKDAYS[pattern.weekday - 1]}`;
}

/** The DTSTART that goes with `patternToRRule`. */
export function patternStart(pattern: RoundPattern): IsoDate {
  return pattern.kind === 'weekly' ? pattern.anchor : pattern.dtstart;
}

/** Upper-cased, without the optional "RRULE:" prefix or surrounding spaces. */
export function normaliseRRule(rrule: string): string {
  return rrule.trim().replace(/^RRULE:/i, '').toUpperCase();
}

function weeklyDates(pattern: Extract<RoundPattern, { kind: 'weekly' }>, from: IsoDate, to: IsoDate): IsoDate[] {
  const period = 7 * pattern.everyWeeks;
  // The first cycle on or after `from`, counted from the anchor in either direction.
  const cycles = Math.ceil(daysBetween(pattern.anchor, from) / period);
  const dates: IsoDate[] = [];
  for (let date = addDays(pattern.anchor, cycles * period); date <= to; date = addDays(date, period)) {
    dates.push(date);
  }
  return dates;
}

function rruleDates(pattern: Extract<RoundPattern, { kind: 'rrule' }>, from: IsoDate, to: IsoDate): IsoDate[] {
  const rule = new RRule({ ...RRule.parseString(normaliseRRule(pattern.rrule)), dtstart: toUtcDate(pattern.dtstart) });
  // Every date is midnight UTC, so each occurrence's UTC day is the collection day.
  const occurrences = rule.between(toUtcDate(from), toUtcDate(to), true).map(fromUtcDate);
  return [...new Set(occurrences)];
}

function weeklyProblems(pattern: Extract<RoundPattern, { kind: 'weekly' }>): string[] {
  const problems: string[] = [];
  const weekdayOk = Number.isInteger(pattern.weekday) && pattern.weekday >= 1 && pattern.weekday <= 7;
  if (!weekdayOk) problems.push(`weekday must be 1 (Monday) to 7 (Sunday), got ${JSON.stringify(pattern.weekday)}`);
  if (!Number.isInteger(pattern.everyWeeks) || pattern.everyWeeks < 1 || pattern.everyWeeks > MAX_EVERY_WEEKS) {
    problems.push(`everyWeeks must be a whole number from 1 to ${MAX_EVERY_WEEKS}, got ${JSON.stringify(pattern.everyWeeks)}`);
  }
  if (!isIsoDate(pattern.anchor)) {
    problems.push(`anchor must be a real date written YYYY-MM-DD, got ${JSON.stringify(pattern.anchor)}`);
  } else if (weekdayOk && isoWeekday(pattern.anchor) !== pattern.weekday) {
    problems.push(
      `anchor ${pattern.anchor} is a ${WEEKDAY_NAMES[isoWeekday(pattern.anchor) - 1]}, ` +
        `not a ${WEEKDAY_NAMES[pattern.weekday - 1]} (weekday ${pattern.weekday})`,
    );
  }
  return problems;
}

// Bin rounds run on days: anything finer than a day, or a time of day, is a mistake in the source.
const DAY_FREQUENCIES = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const ALLOWED_PARTS = new Set([
  'FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'BYWEEKNO', 'BYYEARDAY', 'COUNT', 'UNTIL', 'WKST',
]);
const BYDAY_ITEM = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

function rruleProblems(pattern: Extract<RoundPattern, { kind: 'rrule' }>): string[] {
  const problems: string[] = [];
  if (!isIsoDate(pattern.dtstart)) {
    problems.push(`dtstart must be a real date written YYYY-MM-DD, got ${JSON.stringify(pattern.dtstart)}`);
  }
  if (typeof pattern.rrule !== 'string' || pattern.rrule.trim() === '') {
    return [...problems, 'rrule must be a non-empty RRULE value such as "FREQ=WEEKLY;BYDAY=TU"'];
  }
  // rrule's own parser accepts nonsense such as INTERVAL=abc or an empty rule, so check the parts first.
  const parts = new Map<string, string>();
  for (const part of normaliseRRule(pattern.rrule).split(';')) {
    const [name, value, ...extra] = part.split('=');
    if (!name || value === undefined || value === '' || extra.length > 0) {
      problems.push(`rrule part ${JSON.stringify(part)} is not NAME=VALUE`);
    } else if (!ALLOWED_PARTS.has(name)) {
      problems.push(`rrule part ${name} is not supported (DTSTART goes in dtstart; times of day are not used)`);
    } else if (parts.has(name)) {
      problems.push(`rrule part ${name} appears twice`);
    } else {
      parts.set(name, value);
    }
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) problems.push('rrule needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)');
  else if (!DAY_FREQUENCIES.has(freq)) problems.push(`rrule FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, got ${freq}`);
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !/^[1-9]\d*$/.test(interval)) {
    problems.push(`rrule INTERVAL must be a whole number of at least 1, got ${interval}`);
  }
  const count = parts.get('COUNT');
  if (count !== undefined && !/^[1-9]\d*$/.test(count)) problems.push(`rrule COUNT must be a whole number of at least 1, got ${count}`);
  const badDays = (parts.get('BYDAY') ?? '').split(',').filter((item) => item !== '' && !BYDAY_ITEM.test(item));
  if (badDays.length > 0) problems.push(`rrule BYDAY has unknown days ${badDays.join(', ')} (use MO, TU, WE, TH, FR, SA, SU, e.g. 1MO or -1FR)`);
  if (problems.length === 0) {
    try {
      RRule.parseString(normaliseRRule(pattern.rrule));
    } catch (error) {
      problems.push(`rrule cannot be read: ${(error as Error).message}`);
    }
  }
  return problems;
}
