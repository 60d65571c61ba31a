// Builds the iCalendar (RFC 5545) text of a property's bin collections. Pure: graph data in, text out.
//
// Choices that matter to calendar apps:
// - All-day events (DTSTART;VALUE=DATE): a bin day is a day, not an instant, so no time zone can shift it.
//   Dates are handed over as UTC midnights and no calendar time zone is set in the generator, which then
//   formats every date with UTC getters: the output does not depend on the server's TZ.
//   Europe/London is still announced with X-WR-TIMEZONE for apps that want a display zone.
// - Stable UIDs: <council>-<uprn>-<service>-<regular date>@binfo. A collection that moves keeps its UID,
//   so a subscribed calendar moves the event instead of showing it twice.
// - DTSTAMP is when the data was last revised (the disruption, else the council's data), not "now":
//   the same data gives byte-identical output, so the ETag holds and clients can revalidate cheaply.
import ical, { ICalEventStatus, ICalEventTransparency, escape } from 'ical-generator';
import { addDays } from '../../domain/dates.js';
import type { GraphCollection, GraphDataSource } from './graph.js';
import { wordsFor, type Lang } from './language.js';
import { changeSentence, collectionNotes, containerWords, formatDay, type BankHoliday } from './wording.js';

/** How often subscribed calendars should fetch again: collections move for bank holidays and disruptions. */
export const REFRESH_INTERVAL_SECONDS = 12 * 60 * 60;

export interface CalendarInput {
  councilCode: string;
  councilName: string;
  /** The council's own bin-day page (else its homepage). */
  councilUrl: string | null;
  uprn: string;
  address: string;
  dataSource: GraphDataSource | null;
  collections: readonly GraphCollection[];
  /** Today in the UK: the revision time of last resort, stable for a day. */
  today: string;
  /** The feed's language (`?lang=cy` gives Welsh titles and descriptions); English by default. */
  lang?: Lang;
  /** The bank holidays of the feed's range, to name the one behind a moved collection in Welsh. */
  bankHolidays?: readonly BankHoliday[];
}

export function collectionUid(councilCode: string, uprn: string, collection: GraphCollection): string {
  return `${councilCode}-${uprn}-${collection.service.id}-${collection.originalDate ?? collection.date}@binfo`;
}

/** Every description says the data is a sample when it is; the notice comes from the council's source. */
export function sampleNotice(dataSource: GraphDataSource | null, lang: Lang = 'en'): string | null {
  if (dataSource?.kind !== 'SAMPLE') return null;
  const words = wordsFor(lang);
  const notice = dataSource.notice?.trim();
  // In Welsh the source's own (English) notice gives way to the fixed Welsh sentence.
  if (!notice || lang !== 'en') return words.sampleNotice;
  return /sample/i.test(notice) ? notice : `${words.feedSamplePrefix}${notice}`;
}

function summary(collection: GraphCollection, lang: Lang): string {
  const words = wordsFor(lang);
  const name = collection.service.name;
  switch (collection.status) {
    case 'CANCELLED':
      return words.feedCancelled(name);
    case 'MOVED':
      return words.feedMoved(name);
    case 'DELAYED':
      return words.feedDelayed(name);
    default:
      return name;
  }
}

function description(collection: GraphCollection, input: CalendarInput, sample: string | null): string {
  const lang = input.lang ?? 'en';
  const words = wordsFor(lang);
  const lines: string[] = [];
  // The feed's own language for the regular date too; left to the default it came out in English in Welsh.
  const change = changeSentence(collection, (date) => formatDay(date, {}, lang), lang, input.bankHolidays ?? []);
  if (change) lines.push(`${change}.`);
  for (const text of collectionNotes(collection, lang)) lines.push(asSentence(text));
  if (collection.status === 'CANCELLED') lines.push(words.feedPutBinOutNext);
  const containers = collection.service.containers.map(containerWords);
  if (containers.length) lines.push(words.feedPutOut(containers.join(', ')));
  lines.push(words.feedAddress(input.address));
  if (sample) lines.push(sample);
  if (input.dataSource?.stale) lines.push(words.feedStale(input.councilName));
  if (input.councilUrl) lines.push(words.feedCheckWith(input.councilName, input.councilUrl));
  return lines.join('\n');
}

/** Council text ends with a full stop in a description of several sentences. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function validInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const utcMidnight = (date: string) => new Date(`${date}T00:00:00Z`);

export function buildCalendar(input: CalendarInput): string {
  const lang = input.lang ?? 'en';
  const words = wordsFor(lang);
  const sample = sampleNotice(input.dataSource, lang);
  const dataRevised = validInstant(input.dataSource?.updatedAt) ?? utcMidnight(input.today);
  const name = `${words.feedName(input.address)}${sample ? words.feedSampleSuffix : ''}`;
  const aboutLine = lang === 'cy'
    ? `Casgliadau biniau ${input.address} – ${input.councilName}, wedi’u cyhoeddi gan Binfo.`
    : `Bin collections for ${input.address} from ${input.councilName}, published by Binfo.`;
  const about = [aboutLine, sample].filter(Boolean).join(' ');
  const calendar = ical({
    prodId: { company: 'Binfo', product: 'Bin collection days', language: lang === 'cy' ? 'CY' : 'EN' },
    // ical-generator escapes event text but writes the calendar's NAME and X-WR-CALDESC as given:
    // escape them here, or an address's commas would split the name into several values.
    name: escape(name, false),
    description: escape(about, false),
    ttl: REFRESH_INTERVAL_SECONDS,
  });

  const seen = new Set<string>();
  for (const collection of input.collections) {
    const uid = collectionUid(input.councilCode, input.uprn, collection);
    // Two events with one UID would make a calendar app drop or merge one of them; the graph promises
    // one collection per service per day, so this only guards against a misbehaving council.
    if (seen.has(uid)) continue;
    seen.add(uid);
    const changed = collection.status !== 'SCHEDULED' && collection.status !== 'COMPLETED';
    calendar.createEvent({
      id: uid,
      allDay: true,
      start: utcMidnight(collection.date),
      // DTEND is exclusive: the next day. Some apps show an event without DTEND as lasting no time at all.
      end: utcMidnight(addDays(collection.date, 1)),
      stamp: validInstant(collection.disruption?.updatedAt) ?? dataRevised,
      // A changed collection is a revision of the regular one, which apps that honour SEQUENCE expect.
      sequence: changed ? 1 : 0,
      summary: summary(collection, lang),
      description: description(collection, input, sample),
      status: collection.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      // A bin day does not make anyone busy.
      transparency: ICalEventTransparency.TRANSPARENT,
      url: input.councilUrl,
    });
  }
  return withCalendarProperty(calendar.toString(), 'X-WR-TIMEZONE:Europe/London');
}

/**
 * ical-generator writes a calendar's X- properties after its events, but RFC 5545 puts calendar
 * properties before any component; its own time-zone option would instead format dates in the server's
 * local time. So the line goes in here, before the first component.
 */
function withCalendarProperty(text: string, line: string): string {
  const firstComponent = text.search(/\r\n(BEGIN:V|END:VCALENDAR)/);
  return `${text.slice(0, firstComponent)}\r\n${line}${text.slice(firstComponent)}`;
}
