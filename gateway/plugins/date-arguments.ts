// The supergraph's `Date` scalar has no parser of its own in the gateway: a bad date would travel to every
// council it concerns and come back as one error per council (and, before councils' errors were attributed,
// count against their circuit breakers). So every Date a client can write (an argument literal, a variable,
// a variable's default, a field of an input object) is checked before any council is asked, and refused
// with a sentence that says what is wrong with it.
import { isIsoDate, MONTH_NAMES } from '../../domain/dates.js';

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EXAMPLE = '"2026-04-06"';

/** Why `value` is not a Date of the standard, in words a person understands; undefined when it is one. */
export function explainBadDate(value: unknown): string | undefined {
  if (isIsoDate(value)) return undefined;
  if (typeof value !== 'string') {
    return `${shown(value)} is not a date: a date is written as a string, YYYY-MM-DD, for example ${EXAMPLE}.`;
  }
  const match = DATE_SHAPE.exec(value);
  if (!match) return `${shown(value)} is not a date written YYYY-MM-DD, for example ${EXAMPLE}.`;
  const [year, month, day] = [match[1], Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `${shown(value)} is not a date: there is no month ${match[2]} (months are 01 to 12).`;
  if (day < 1) return `${shown(value)} is not a date: days of the month start at 01.`;
  return `${shown(value)} is not a date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days.`;
}

function daysInMonth(year: string, month: number): number {
  const mm = String(month).padStart(2, '0');
  for (let day = 31; day > 28; day--) if (isIsoDate(`${year}-${mm}-${day}`)) return day;
  return 28;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}
