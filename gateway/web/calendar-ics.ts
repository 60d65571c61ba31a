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
import { SAMPLE_FALLBACK_NOTICE, changeSentence, containerWords } from './wording.js';

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
}

export function collectionUid(councilCode: string, uprn: string, collection: GraphCollection): string {
  return `${councilCode}-${uprn}-${collection.service.id}-${collection.originalDate ?? collection.date}@binfo`;
}

/** Every description says the data is a sample when it is; the notice comes from the council's source. */
export function sampleNotice(dataSource: GraphDataSource | null): string | null {
  if (dataSource?.kind !== 'SAMPLE') return null;
  const notice = dataSource.notice?.trim();
  if (!notice) return SAMPLE_FALLBACK_NOTICE;
  return /sample/i.test(notice) ? notice : `Sample data: ${notice}`;
}

function summary(collection: GraphCollection): string {
  const name = collection.service.name;
  switch (collection.status) {
    case 'CANCELLED':
      return `Cancelled: ${name}`;
    case 'MOVED':
      return `${name} (moved)`;
    case 'DELAYED':
      return `${name} (delayed)`;
    default:
      return name;
  }
}

function description(collection: GraphCollection, input: CalendarInput, sample: string | null): string {
  const lines: string[] = [];
  const change = changeSentence(collection);
  if (change) lines.push(`${change}.`);
  if (collection.note) lines.push(asSentence(collection.note));
  if (collection.disruption?.message) lines.push(asSentence(collection.disruption.message));
  if (collection.status === 'CANCELLED') lines.push('Put your bin out on the next collection day.');
  const containers = collection.service.containers.map(containerWords);
  if (containers.length) lines.push(`Put out: ${containers.join(', ')}.`);
  lines.push(`Address: ${input.address}.`);
  if (sample) lines.push(sample);
  if (input.dataSource?.stale) lines.push(`${input.councilName}'s data could not be refreshed, so this may be out of date.`);
  if (input.councilUrl) lines.push(`Check with ${input.councilName}: ${input.councilUrl}`);
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
  const sample = sampleNotice(input.dataSource);
  const dataRevised = validInstant(input.dataSource?.updatedAt) ?? utcMidnight(input.today);
  const name = `Bin days: ${input.address}${sample ? ' (SAMPLE data, not real bin days)' : ''}`;
  const about = [`Bin collections for ${input.address} from ${input.councilName}, published by Binfo.`, sample].filter(Boolean).join(' ');
  const calendar = ical({
    prodId: { company: 'Binfo', product: 'Bin collection days', language: 'EN' },
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
      summary: summary(collection),
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
