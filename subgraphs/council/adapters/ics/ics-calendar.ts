// One council calendar file, read with ical.js into plain events with UK dates. Recurring events
// keep their rule (as an RRULE over days, for the schedule engine); nothing is expanded here.
import ICAL from 'ical.js';
import { daysBetween, isIsoDate } from '../../../../domain/dates.js';
import { patternProblems } from '../../../../domain/schedule/recurrence.js';
import type { IsoDate } from '../../../../domain/types.js';
import { DataFileError, type DataProblem } from '../shared/data-problem.js';
import { londonDay } from './london-date.js';
import { scanIcs } from './ics-lines.js';

type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalProperty = InstanceType<typeof ICAL.Property>;
type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalRecur = InstanceType<typeof ICAL.Recur>;

export interface CalendarEvent {
  uid: string | null;
  summary: string;
  /** DESCRIPTION, '' when absent: some councils name the service only here. */
  description: string;
  /** CATEGORIES values, in file order. */
  categories: string[];
  /** The BEGIN:VEVENT line. */
  line: number;
  /** UK date of DTSTART. */
  start: IsoDate;
  /** The RRULE over days (time-of-day parts dropped, UNTIL as a UK date), or null for a one-off event. */
  rrule: string | null;
  /** UK dates the rule leaves out. */
  exdates: IsoDate[];
  /** UK dates the rule adds. */
  rdates: IsoDate[];
  /** For an override of one occurrence of a recurring event (RECURRENCE-ID): the UK date it replaces. */
  recurrenceId: IsoDate | null;
  /** STATUS:CANCELLED. */
  cancelled: boolean;
}

export interface ParsedCalendar {
  /** X-WR-CALNAME or NAME, when given. */
  name: string | null;
  events: CalendarEvent[];
  /** Things read on an assumption, worth a council's attention but not fatal. */
  warnings: DataProblem[];
}

/** Reads one calendar; throws DataFileError naming the file and line of everything wrong with it. */
export function parseCalendar(text: string, file: string): ParsedCalendar {
  const scan = scanIcs(text, file);
  if (scan.problems.length > 0) throw new DataFileError(scan.problems);
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    // The line scan checks what ical.js checks, so this is a parser corner case: name the file at least.
    throw new DataFileError([{ file, message: `cannot be parsed: ${(error as Error).message}` }]);
  }
  // One calendar parses to a jCal array ["vcalendar", …]; several to an array of them.
  const jcals = Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[]);
  const calendars = jcals.map((jcal) => new ICAL.Component(jcal as unknown[]));
  const problems: DataProblem[] = [];
  const warnings: DataProblem[] = [];
  const vevents = calendars.flatMap((calendar) => calendar.getAllSubcomponents('vevent'));
  const events: CalendarEvent[] = [];
  vevents.forEach((vevent, index) => {
    const lines = scan.events[index];
    const event = readEvent(vevent, lines ? propertyLines(vevent, lines) : new Map(), lines?.line ?? 1, file, problems, warnings);
    if (event) events.push(event);
  });
  if (problems.length > 0) throw new DataFileError(problems);
  const name = calendars[0]?.getFirstPropertyValue('x-wr-calname') ?? calendars[0]?.getFirstPropertyValue('name') ?? null;
  return { name: name === null ? null : String(name), events, warnings };
}

/** ical.js keeps a component's properties in file order, as the scan recorded them. */
function propertyLines(vevent: IcalComponent, lines: { properties: Array<{ name: string; line: number }> }): Map<IcalProperty, number> {
  const map = new Map<IcalProperty, number>();
  vevent.getAllProperties().forEach((property, i) => {
    const scanned = lines.properties[i];
    if (scanned && scanned.name === property.name.toUpperCase()) map.set(property, scanned.line);
  });
  return map;
}

function readEvent(
  vevent: IcalComponent,
  lines: Map<IcalProperty, number>,
  eventLine: number,
  file: string,
  problems: DataProblem[],
  warnings: DataProblem[],
): CalendarEvent | null {
  const lineOf = (property: IcalProperty | null) => (property && lines.get(property)) ?? eventLine;
  const problem = (property: IcalProperty | null, column: string, message: string) => problems.push({ file, line: lineOf(property), column, message });

  const dtstart = vevent.getFirstProperty('dtstart');
  if (!dtstart) {
    problems.push({ file, line: eventLine, message: 'VEVENT has no DTSTART' });
    return null;
  }
  const toDay = (property: IcalProperty, read: () => unknown, column: string, checked = false): IsoDate | null => {
    const malformed = checked ? null : malformedDateValue(property);
    if (malformed !== null) {
      problem(property, column, `${JSON.stringify(malformed)} is not a real date`);
      return null;
    }
    let day;
    try {
      const value = read();
      // RDATE may be a PERIOD: its start is the day.
      day = londonDay((value && typeof value === 'object' && 'start' in value ? (value as { start: IcalTime }).start : value) as IcalTime);
    } catch (error) {
      // ical.js decodes values lazily and throws on some malformed ones ("2026x").
      problem(property, column, `${JSON.stringify(property.toICALString())} cannot be read: ${(error as Error).message}`);
      return null;
    }
    if (!isIsoDate(day.date)) {
      problem(property, column, `${JSON.stringify(property.toICALString())} is not a real date`);
      return null;
    }
    if (day.assumption) warnings.push({ file, line: lineOf(property), column, message: day.assumption });
    return day.date;
  };
  const start = toDay(dtstart, () => dtstart.getFirstValue(), 'DTSTART');
  if (!start) return null;

  const rrules = vevent.getAllProperties('rrule');
  if (rrules.length > 1) problem(rrules[1], 'RRULE', 'a VEVENT with more than one RRULE is not supported; publish one event per rule');
  let rrule: ReturnType<typeof dayRule> | null = null;
  try {
    // Days the UK date is ahead of the date DTSTART is written in (a UTC stamp at 23:30 in BST is one day).
    const dtstartTime = dtstart.getFirstValue() as IcalTime;
    const written = `${String(dtstartTime.year).padStart(4, '0')}-${String(dtstartTime.month).padStart(2, '0')}-${String(dtstartTime.day).padStart(2, '0')}`;
    const shift = dtstartTime.isDate || !isIsoDate(written) ? 0 : daysBetween(written, start);
    rrule = rrules[0] ? dayRule(rrules[0].getFirstValue() as IcalRecur, start, shift) : null;
  } catch (error) {
    rrule = { problem: `cannot be read: ${(error as Error).message}` };
  }
  if (rrule && 'problem' in rrule) problem(rrules[0], 'RRULE', rrule.problem);

  const datesOf = (name: 'exdate' | 'rdate') =>
    vevent.getAllProperties(name).flatMap((property) => {
      const malformed = malformedDateValue(property);
      if (malformed !== null) {
        problem(property, name.toUpperCase(), `${JSON.stringify(malformed)} is not a real date`);
        return [];
      }
      let values: unknown[];
      try {
        values = property.getValues();
      } catch (error) {
        problem(property, name.toUpperCase(), `cannot be read: ${(error as Error).message}`);
        return [];
      }
      return values.map((value) => toDay(property, () => value, name.toUpperCase(), true)).filter((d): d is IsoDate => d !== null);
    });
  const recurrenceIdProperty = vevent.getFirstProperty('recurrence-id');
  const recurrenceId = recurrenceIdProperty ? toDay(recurrenceIdProperty, () => recurrenceIdProperty.getFirstValue(), 'RECURRENCE-ID') : null;

  return {
    uid: stringOrNull(vevent.getFirstPropertyValue('uid')),
    summary: stringOrNull(vevent.getFirstPropertyValue('summary'))?.trim() ?? '',
    description: stringOrNull(vevent.getFirstPropertyValue('description'))?.trim() ?? '',
    categories: vevent
      .getAllProperties('categories')
      .flatMap((property) => property.getValues().map((value) => String(value).trim()))
      .filter((value) => value !== ''),
    line: eventLine,
    start,
    rrule: rrule && 'rule' in rrule ? rrule.rule : null,
    exdates: datesOf('exdate'),
    rdates: datesOf('rdate'),
    recurrenceId,
    cancelled: String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED',
  };
}

const DATE_VALUE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z?)?$/;

/**
 * The first DATE or DATE-TIME value of a property that is not a real one, else null. ical.js rolls
 * impossible dates over without complaint (20260230 becomes 2 March), so the raw jCal text is checked.
 */
function malformedDateValue(property: IcalProperty): string | null {
  if (!['date', 'date-time', 'period'].includes(property.type)) return null;
  for (const raw of property.jCal.slice(3) as unknown[]) {
    const text = String(Array.isArray(raw) ? raw[0] : raw);
    const match = DATE_VALUE.exec(text);
    if (!match || !isIsoDate(match[1]) || Number(match[2] ?? 0) > 23 || Number(match[3] ?? 0) > 59 || Number(match[4] ?? 0) > 60) return text;
  }
  return null;
}

const WEEKDAY_CODES = ['', 'SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']; // ical.js numbers Sunday 1
/** Parts that only choose a time of day: a collection day is the same whatever they say. */
const TIME_OF_DAY_PARTS = new Set(['BYHOUR', 'BYMINUTE', 'BYSECOND']);

/**
 * The rule over days, or why it cannot be one. `shift` is how many days the UK date of DTSTART is
 * ahead of the date it is written in: a rule stamped in UTC names its BYDAY weekdays in UTC, so a
 * Wednesday 00:30 BST collection written as "Tuesday 23:30Z, BYDAY=TU" is a Wednesday rule.
 */
function dayRule(recur: IcalRecur, dtstart: IsoDate, shift: number): { rule: string } | { problem: string } {
  if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(recur.freq)) {
    return { problem: `FREQ=${recur.freq} repeats within a day; bin rounds repeat daily at most` };
  }
  const parts = [`FREQ=${recur.freq}`];
  if (recur.interval && recur.interval > 1) parts.push(`INTERVAL=${recur.interval}`);
  if (recur.count) parts.push(`COUNT=${recur.count}`);
  if (recur.until) {
    const until = londonDay(recur.until);
    if (!isIsoDate(until.date)) return { problem: 'UNTIL is not a real date' };
    parts.push(`UNTIL=${until.date.replaceAll('-', '')}`);
  }
  for (const [name, values] of Object.entries(recur.parts ?? {})) {
    if (TIME_OF_DAY_PARTS.has(name)) continue;
    const list = (values as unknown[]).map(String);
    parts.push(`${name}=${(name === 'BYDAY' && shift !== 0 ? list.map((day) => shiftWeekday(day, shift)) : list).join(',')}`);
  }
  if (recur.wkst && recur.wkst !== ICAL.Time.MONDAY) parts.push(`WKST=${WEEKDAY_CODES[recur.wkst]}`);
  const rule = parts.join(';');
  const problems = patternProblems({ kind: 'rrule', rrule: rule, dtstart });
  return problems.length > 0 ? { problem: problems.join('; ') } : { rule };
}

const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** "TU" → "WE" for a shift of 1; an ordinal ("1TU") is kept. */
function shiftWeekday(byday: string, shift: number): string {
  const match = /^([+-]?\d*)([A-Z]{2})$/.exec(byday);
  const index = match ? RRULE_DAYS.indexOf(match[2]) : -1;
  if (!match || index < 0) return byday;
  return `${match[1]}${RRULE_DAYS[(((index + shift) % 7) + 7) % 7]}`;
}

function stringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
