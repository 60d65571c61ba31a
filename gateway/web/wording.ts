// The words residents read, shared by the bin-day page and the calendar feed so both say the same thing
// about the same collection ("Moved from Thursday 31 December because of a bank holiday").
import { MONTH_NAMES, WEEKDAY_NAMES, isoWeekday } from '../../domain/dates.js';
import type { GraphCollection } from './graph.js';

/** "Thursday 31 December", with the year only when asked (GOV.UK style: no leading zeros, no commas). */
export function formatDay(date: string, options: { withYear?: boolean } = {}): string {
  const [year, month, day] = date.split('-').map(Number);
  const words = `${WEEKDAY_NAMES[isoWeekday(date) - 1]} ${day} ${MONTH_NAMES[month - 1]}`;
  return options.withYear ? `${words} ${year}` : words;
}

/** The year is shown only when it is not this year's, so December pages can talk about January plainly. */
export function formatDayFrom(today: string, date: string): string {
  return formatDay(date, { withYear: date.slice(0, 4) !== today.slice(0, 4) });
}

const REASONS: Record<string, string> = {
  BANK_HOLIDAY: 'because of a bank holiday',
  SEVERE_WEATHER: 'because of severe weather',
  INDUSTRIAL_ACTION: 'because of industrial action',
  VEHICLE_BREAKDOWN: 'because of a vehicle breakdown',
  ROAD_CLOSURE: 'because of a road closure',
  OPERATIONAL: 'for operational reasons',
};

/** "because of a bank holiday", or '' when the reason is OTHER or not given. */
export function reasonPhrase(reason: string | null | undefined): string {
  return (reason && REASONS[reason]) || '';
}

const sentence = (...parts: string[]) => parts.filter(Boolean).join(' ');

/**
 * One sentence on why a collection is not on its usual day, or null for an ordinary one.
 * `dayWords` formats the original date (the page adds the year when it differs).
 */
export function changeSentence(collection: GraphCollection, dayWords: (date: string) => string = (d) => formatDay(d)): string | null {
  const from = collection.originalDate ? `from ${dayWords(collection.originalDate)}` : '';
  switch (collection.status) {
    case 'MOVED':
      return sentence('Moved', from, reasonPhrase(collection.changeReason));
    case 'DELAYED':
      return sentence('Delayed', from, reasonPhrase(collection.changeReason));
    case 'CANCELLED':
      return sentence('Cancelled', reasonPhrase(collection.changeReason)) + (collection.disruption?.title ? `: ${collection.disruption.title}` : '');
    default:
      return null;
  }
}

/** The words of a status tag (GOV.UK tags are text, so a status never relies on colour). */
export const STATUS_LABELS: Record<string, string> = {
  SCHEDULED: 'Scheduled',
  MOVED: 'Moved',
  CANCELLED: 'Cancelled',
  DELAYED: 'Delayed',
  COMPLETED: 'Collected',
};

/** What to put out, e.g. "General waste bin (grey)". */
export function containerWords(container: { name: string; colour?: string | null }): string {
  return container.colour ? `${container.name} (${container.colour})` : container.name;
}

/** Used when a SAMPLE source sends no notice of its own: sample data is always labelled. */
export const SAMPLE_FALLBACK_NOTICE = 'These are sample collection days, not real ones.';
