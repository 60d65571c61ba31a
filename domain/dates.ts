// Calendar-day helpers for IsoDate ('YYYY-MM-DD', a UK local calendar day).
//
// Every computation runs on midnight UTC: a UTC day is always 24 hours long, so no
// daylight-saving change can shift a date. Only `todayInLondon` looks at a time zone,
// because "today" is the one question that depends on the instant.

import type { IsoDate } from './types.js';

/** ISO 8601 day of the week: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** English names, Monday first so that `WEEKDAY_NAMES[isoWeekday - 1]` reads naturally. */
export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

const MS_PER_DAY = 86_400_000;
const ISO_DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written exactly `YYYY-MM-DD` (rejects 2026-02-30 and 2026-2-1). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE_SHAPE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = utcMidnight(year, month, day);
  // Date rolls 2026-02-30 over to 2026-03-02; a real date survives the round trip.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Throws a RangeError naming `label` unless `value` is an IsoDate. */
export function assertIsoDate(value: unknown, label = 'date'): asserts value is IsoDate {
  if (!isIsoDate(value)) {
    throw new RangeError(`${label} must be a real calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}

/** Midnight UTC at the start of the day. */
export function toUtcDate(date: IsoDate): Date {
  assertIsoDate(date);
  return utcMidnight(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** The UTC calendar day of an instant (use with dates made by `toUtcDate` or by rrule in UTC). */
export function fromUtcDate(instant: Date): IsoDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Cannot convert an invalid Date to an IsoDate');
  const year = String(instant.getUTCFullYear()).padStart(4, '0');
  const month = String(instant.getUTCMonth() + 1).padStart(2, '0');
  const day = String(instant.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays needs a whole number of days, got ${days}`);
  return fromUtcDate(new Date(toUtcDate(date).getTime() + days * MS_PER_DAY));
}

export function isoWeekday(date: IsoDate): IsoWeekday {
  const sundayIsZero = toUtcDate(date).getUTCDay();
  return (sundayIsZero === 0 ? 7 : sundayIsZero) as IsoWeekday;
}

/** Days from `from` to `to`: positive when `to` is later, 0 for the same day. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtcDate(to).getTime() - toUtcDate(from).getTime()) / MS_PER_DAY);
}

/** Every day from `from` to `to`, both included; empty when `from` is after `to`. */
export function eachDay(from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = from; compareIso(day, to) <= 0; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The Monday of the ISO week (Monday to Sunday) that contains `date`. */
export function startOfIsoWeek(date: IsoDate): IsoDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** Sort comparator; valid IsoDates order correctly as strings. */
export function compareIso(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  assertIsoDate(a, 'first date');
  assertIsoDate(b, 'second date');
  return a < b ? -1 : a > b ? 1 : 0;
}

const londonDayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The last minute asked and its date: a request asks once per council (361 times in a national query). */
let lastMinute: { minute: number; date: IsoDate } | undefined;

/** The UK calendar date at `now` (during BST, 23:30 UTC is already tomorrow in London). */
export function todayInLondon(now: Date): IsoDate {
  const time = now.getTime();
  if (Number.isNaN(time)) throw new RangeError('todayInLondon needs a valid Date');
  // The UK date changes only on a whole minute (offsets are whole hours), so one answer serves the minute.
  const minute = Math.floor(time / 60_000);
  if (lastMinute?.minute === minute) return lastMinute.date;
  // formatToParts, not format: the separator and field order of a locale are not a contract.
  const parts = Object.fromEntries(londonDayFormat.formatToParts(now).map((part) => [part.type, part.value]));
  const date: IsoDate = `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`;
  lastMinute = { minute, date };
  return date;
}

function utcMidnight(year: number, month: number, day: number): Date {
  // setUTCFullYear rather than Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}
