// The words residents read, shared by the bin-day page and the calendar feed so both say the same thing
// about the same collection ("Moved from Thursday 31 December because of a bank holiday"), in English or
// in Welsh (the fixed texts are in language.ts).
import { addDays, isoWeekday } from '../../domain/dates.js';
import type { GraphCollection } from './graph.js';
import { bankHolidayTitle, formatDayIn, wordsFor, type Lang } from './language.js';

/** "Thursday 31 December", with the year only when asked (GOV.UK style: no leading zeros, no commas). */
export function formatDay(date: string, options: { withYear?: boolean } = {}, lang: Lang = 'en'): string {
  return formatDayIn(lang, date, options);
}

/** The year is shown only when it is not this year's, so December pages can talk about January plainly. */
export function formatDayFrom(today: string, date: string, lang: Lang = 'en'): string {
  return formatDayIn(lang, date, { withYear: date.slice(0, 4) !== today.slice(0, 4) });
}

/** "because of a bank holiday" (English) or "gŵyl banc" (Welsh), or '' when the reason is OTHER or not given. */
export function reasonPhrase(reason: string | null | undefined, lang: Lang = 'en'): string {
  return (reason && wordsFor(lang).reasons[reason]) || '';
}

const sentence = (...parts: string[]) => parts.filter(Boolean).join(' ');

export interface BankHoliday {
  date: string;
  title: string;
}

/**
 * The bank holidays that explain a collection moved for one: those from the start of its regular day's week
 * to the later of its regular and new days (a Monday holiday slips the whole week; a Christmas cascade
 * crosses a second holiday on the way; a Saturday-before policy moves the holiday's own day).
 */
export function holidaysBehind(collection: GraphCollection, holidays: readonly BankHoliday[]): BankHoliday[] {
  const regular = collection.originalDate;
  if (!regular || collection.changeReason !== 'BANK_HOLIDAY') return [];
  const weekStart = addDays(regular, 1 - isoWeekday(regular));
  const last = collection.date > regular ? collection.date : regular;
  return holidays.filter((h) => h.date >= weekStart && h.date <= last);
}

/**
 * One sentence on why a collection is not on its usual day, or null for an ordinary one.
 * `givenDayWords` formats the original date (the page adds the year when it differs). In Welsh the sentence is
 * built so that no date or name follows a word that would mutate it, and a bank holiday is named.
 */
export function changeSentence(
  collection: GraphCollection,
  givenDayWords?: (date: string) => string,
  lang: Lang = 'en',
  holidays: readonly BankHoliday[] = [],
): string | null {
  // By default the date is written in the sentence's own language, so a Welsh sentence never has an English date.
  const dayWords = givenDayWords ?? ((d: string) => formatDay(d, {}, lang));
  if (lang === 'cy') return welshChangeSentence(collection, dayWords, holidays);
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

function welshChangeSentence(collection: GraphCollection, dayWords: (date: string) => string, holidays: readonly BankHoliday[]): string | null {
  const words = wordsFor('cy');
  const named = holidaysBehind(collection, holidays).map((h) => bankHolidayTitle('cy', h.title));
  const reason = reasonPhrase(collection.changeReason, 'cy');
  const why = reason ? `Y rheswm: ${reason}${named.length ? ` (${named.join(', ')})` : ''}` : '';
  const usual = collection.originalDate ? `Y diwrnod arferol: ${dayWords(collection.originalDate)}` : '';
  switch (collection.status) {
    case 'MOVED':
    case 'DELAYED':
      return [words.status[collection.status], usual, why].filter(Boolean).join('. ');
    case 'CANCELLED':
      return [words.status.CANCELLED, why].filter(Boolean).join('. ') + (collection.disruption?.title ? `: ${collection.disruption.title}` : '');
    default:
      return null;
  }
}

/**
 * A note to show with a collection. The schedule engine writes its own English note for bank-holiday moves
 * ("Because of Boxing Day (Monday 28 December)"); in Welsh the change sentence already names the holiday,
 * so that note is left out. Notes a council writes are its own words, shown as they are.
 */
export function collectionNote(collection: GraphCollection, lang: Lang): string | null {
  if (!collection.note) return null;
  if (lang === 'cy' && collection.changeReason === 'BANK_HOLIDAY' && /^Because of /.test(collection.note)) return null;
  return collection.note;
}

/**
 * The collection's note and its disruption's message, each once: a council kit fills a disrupted
 * collection's note with the disruption's message, so showing both would say the same thing twice.
 */
export function collectionNotes(collection: GraphCollection, lang: Lang): string[] {
  const note = collectionNote(collection, lang);
  const message = collection.disruption?.message ?? null;
  const same = (a: string, b: string) => a.trim().replace(/\.$/, '') === b.trim().replace(/\.$/, '');
  return [note, message && !(note && same(note, message)) ? message : null].filter((text): text is string => Boolean(text));
}

/** What to put out, e.g. "General waste bin (grey)". */
export function containerWords(container: { name: string; colour?: string | null }): string {
  return container.colour ? `${container.name} (${container.colour})` : container.name;
}

const RRULE_DAYS_CY: Record<string, string> = { MO: 'Llun', TU: 'Mawrth', WE: 'Mercher', TH: 'Iau', FR: 'Gwener', SA: 'Sadwrn', SU: 'Sul' };

/**
 * How often a service comes, in the page's language. A council's `description` is its own English words;
 * in Welsh the sentence is built from the standard's `rrule` when it is a plain weekly rule ("Bob yn ail
 * ddydd Iau" for FREQ=WEEKLY;INTERVAL=2;BYDAY=TH), and the council's words are kept for any other rule.
 */
export function frequencyWords(frequency: { description: string; rrule?: string | null } | null | undefined, lang: Lang): string | null {
  if (!frequency) return null;
  if (lang === 'en' || !frequency.rrule) return frequency.description;
  const parts = new Map(frequency.rrule.trim().replace(/^RRULE:/i, '').toUpperCase().split(';').map((part) => part.split('=') as [string, string]));
  const known = [...parts.keys()].every((key) => ['FREQ', 'INTERVAL', 'BYDAY', 'WKST'].includes(key));
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const day = parts.has('BYDAY') ? RRULE_DAYS_CY[parts.get('BYDAY')!] : null;
  if (!known || parts.get('FREQ') !== 'WEEKLY' || !Number.isInteger(interval) || interval < 1 || day === undefined) return frequency.description;
  // "bob" (every) is the adverbial form; "yn ail" and "ar" soft-mutate "dydd" to "ddydd".
  if (!day) return interval === 1 ? 'Bob wythnos' : interval === 2 ? 'Bob pythefnos' : `Bob ${interval} wythnos`;
  if (interval === 1) return `Bob dydd ${day}`;
  if (interval === 2) return `Bob yn ail ddydd ${day}`;
  return `Bob ${interval} wythnos, ar ddydd ${day}`;
}
