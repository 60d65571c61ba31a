// A round's pattern in plain English, the way councils write it on their bin-day pages:
// "Every Tuesday", "Every other Tuesday", "Every 3 weeks on Monday",
// "The first Monday of every month", "Every Wednesday from March to November".

import rrulePackage from 'rrule';
import { MONTH_NAMES, WEEKDAY_NAMES, fromUtcDate, toUtcDate } from '../dates.js';
import { normaliseRRule, patternToRRule } from './recurrence.js';
import type { RoundPattern } from './recurrence.js';

const { RRule } = rrulePackage;
// rrule's index does not export ParsedOptions; take it from the class.
type ParsedOptions = InstanceType<typeof RRule>['options'];

export interface FrequencyDescription {
  description: string;
  /** RFC 5545 RRULE value of the regular pattern, without DTSTART or exceptions. */
  rrule: string;
}

export function describeFrequency(pattern: RoundPattern): FrequencyDescription {
  const rrule = patternToRRule(pattern); // validates the pattern
  const description =
    pattern.kind === 'weekly'
      ? everyNWeeksOn([WEEKDAY_NAMES[pattern.weekday - 1]], pattern.everyWeeks)
      : describeRRule(rrule, pattern.dtstart);
  return { description, rrule };
}

/** Said when neither our phrases nor rrule's toText can be trusted with a rule. */
export const GENERIC_DESCRIPTION = 'On a regular schedule (see the collection dates)';

// The RRULE parts our phrases cover.
const PHRASED_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'UNTIL', 'COUNT', 'WKST']);
// rrule's toText misreads these ("BYSETPOS=-1;BYDAY=MO,…,FR" comes out as "on weekdays", BYWEEKNO is
// dropped), so never fall back to it for them.
const MISREAD_BY_TOTEXT = new Set(['BYSETPOS', 'BYWEEKNO', 'BYYEARDAY']);

function describeRRule(rrule: string, dtstart: string): string {
  const partNames = normaliseRRule(rrule).split(';').map((part) => part.split('=')[0]);
  const rule = new RRule({ ...RRule.parseString(normaliseRRule(rrule)), dtstart: toUtcDate(dtstart) });
  const phrase = partNames.every((name) => PHRASED_PARTS.has(name)) ? phraseFor(rule.options) : null;
  if (phrase) {
    // A yearly phrase already names its month.
    const months = rule.options.freq === RRule.YEARLY ? '' : monthsSuffix(listOf(rule.options.bymonth));
    return phrase + months + untilSuffix(rule.options);
  }
  if (partNames.some((name) => MISREAD_BY_TOTEXT.has(name)) || !rule.isFullyConvertibleToText()) return GENERIC_DESCRIPTION;
  return capitalise(rule.toText());
}

// rrule numbers weekdays 0 = Monday. When a rule leaves the day out, rrule's parser has already
// filled it in from DTSTART (weekly: DTSTART's weekday; monthly: DTSTART's day of the month).
function phraseFor(options: ParsedOptions): string | null {
  const weekdays = listOf(options.byweekday).map((day) => WEEKDAY_NAMES[day]);
  switch (options.freq) {
    case RRule.DAILY:
      if (weekdays.length === 0) return options.interval === 1 ? 'Every day' : `Every ${options.interval} days`;
      // Daily on chosen weekdays is weekly on them; with an interval it is neither, so say nothing clever.
      return options.interval === 1 ? everyNWeeksOn(weekdays, 1) : null;
    case RRule.WEEKLY:
      return weekdays.length > 0 ? everyNWeeksOn(weekdays, options.interval) : null;
    case RRule.MONTHLY:
      return monthlyPhrase(options);
    case RRule.YEARLY:
      return yearlyPhrase(options);
    default:
      return null;
  }
}

function everyNWeeksOn(dayNames: string[], everyWeeks: number): string {
  const days = listInEnglish(dayNames);
  if (everyWeeks === 1) return `Every ${days}`;
  if (everyWeeks === 2) return dayNames.length === 1 ? `Every other ${days}` : `Every other week on ${days}`;
  return `Every ${everyWeeks} weeks on ${days}`;
}

function monthlyPhrase(options: ParsedOptions): string | null {
  const interval = options.interval;
  const months = interval === 1 ? 'every month' : interval === 2 ? 'every other month' : `every ${interval} months`;
  const nthWeekdays = listOf(options.bynweekday); // "1MO", "-1FR" as [weekday, n]
  const plainWeekdays = listOf(options.byweekday); // "MO" in a monthly rule: every Monday of the month
  const monthDays = listOf(options.bymonthday);
  const lastDays = listOf(options.bynmonthday);
  const kinds = [nthWeekdays, plainWeekdays, monthDays, lastDays].filter((list) => list.length > 0).length;
  if (kinds !== 1) return null;
  if (plainWeekdays.length > 0) return interval === 1 ? everyNWeeksOn(plainWeekdays.map((day) => WEEKDAY_NAMES[day]), 1) : null;
  if (nthWeekdays.length > 0) {
    const phrases = nthWeekdayPhrases(nthWeekdays);
    return phrases ? `The ${phrases} of ${months}` : null;
  }
  if (lastDays.length > 0) return lastDays.length === 1 && lastDays[0] === -1 ? `The last day of ${months}` : null;
  return `The ${listInEnglish([...monthDays].sort((a, b) => a - b).map(ordinalNumber))} of ${months}`;
}

/** [[1, 2], [1, 4]] → "second and fourth Tuesday"; mixed weekdays → "first Monday and third Thursday". */
function nthWeekdayPhrases(nthWeekdays: number[][]): string | null {
  const ordinals = nthWeekdays.map(([, n]) => (n === -1 ? 'last' : n >= 1 && n <= 5 ? ORDINAL_WORDS[n - 1] : null));
  if (ordinals.some((ordinal) => ordinal === null)) return null;
  const weekdays = new Set(nthWeekdays.map(([weekday]) => weekday));
  if (weekdays.size === 1) return `${listInEnglish(ordinals as string[])} ${WEEKDAY_NAMES[nthWeekdays[0][0]]}`;
  return listInEnglish(nthWeekdays.map(([weekday], i) => `${ordinals[i]} ${WEEKDAY_NAMES[weekday]}`));
}

function yearlyPhrase(options: ParsedOptions): string | null {
  const monthDays = listOf(options.bymonthday);
  const months = listOf(options.bymonth);
  const simple = options.interval === 1 && monthDays.length === 1 && months.length === 1;
  if (!simple || listOf(options.bynweekday).length > 0 || listOf(options.byweekday).length > 0) return null;
  return `Every year on ${monthDays[0]} ${MONTH_NAMES[months[0] - 1]}`;
}

/** Seasonal rules (garden waste): [3..11] → " from March to November"; wraps the new year too. */
function monthsSuffix(months: number[]): string {
  if (months.length === 0 || months.length === 12) return '';
  const sorted = [...new Set(months)].sort((a, b) => a - b);
  const names = (list: number[]) => list.map((month) => MONTH_NAMES[month - 1]);
  // A run of consecutive months, allowing December → January: exactly one gap around the circle.
  const gaps = sorted.filter((month, i) => sorted[(i + 1) % sorted.length] !== (month % 12) + 1);
  if (sorted.length > 2 && gaps.length === 1) {
    const last = gaps[0];
    const first = sorted[(sorted.indexOf(last) + 1) % sorted.length];
    return ` from ${names([first])[0]} to ${names([last])[0]}`;
  }
  return ` in ${listInEnglish(names(sorted))}`;
}

function untilSuffix(options: ParsedOptions): string {
  if (options.count) return `, ${options.count} times`;
  if (!options.until) return '';
  const date = fromUtcDate(options.until);
  return ` until ${Number(date.slice(8, 10))} ${MONTH_NAMES[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

// rrule's ParsedOptions types promise arrays, but its parser leaves unused BY* parts null.
function listOf<T>(value: T[] | null | undefined): T[] {
  return value ?? [];
}

const ORDINAL_WORDS = ['first', 'second', 'third', 'fourth', 'fifth'];

function ordinalNumber(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' }) as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function listInEnglish(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
