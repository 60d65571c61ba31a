// Reading one calendar file: what each RFC 5545 feature becomes, where the UK day of a timed event
// is, and how a malformed file is reported (file and line, never a crash).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../../subgraphs/council/adapters/ics/ics-calendar.js';
import { DataFileError } from '../../subgraphs/council/adapters/shared/data-problem.js';
import { FIXTURES } from './support.js';

function ics(...body: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
}

function problemsOf(text: string, file = 'round.ics'): string[] {
  try {
    parseCalendar(text, file);
  } catch (error) {
    if (error instanceof DataFileError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the calendar to be refused');
}

describe('the UK day of an event', () => {
  it.each([
    ['an all-day date', 'DTSTART;VALUE=DATE:20260704', '2026-07-04'],
    ['00:30 BST written in UTC (the evening before in UTC)', 'DTSTART:20260703T233000Z', '2026-07-04'],
    ['00:30 BST written with TZID=Europe/London and no VTIMEZONE', 'DTSTART;TZID=Europe/London:20260704T003000', '2026-07-04'],
    ['Outlook\'s Windows zone name', 'DTSTART;TZID=GMT Standard Time:20260704T003000', '2026-07-04'],
    ['a floating time', 'DTSTART:20260704T003000', '2026-07-04'],
    ['23:30 UTC in winter (GMT): the same day', 'DTSTART:20261203T233000Z', '2026-12-03'],
  ])('%s', (_name, dtstart, day) => {
    const [event] = parseCalendar(ics('BEGIN:VEVENT', 'UID:1', 'SUMMARY:Black Bin Day', dtstart, 'END:VEVENT'), 'x.ics').events;
    expect(event.start).toBe(day);
  });

  it('converts through a VTIMEZONE defined in the file', () => {
    const text = ics(
      'BEGIN:VTIMEZONE', 'TZID:Eastern', 'BEGIN:STANDARD', 'DTSTART:19701101T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
      'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'BEGIN:DAYLIGHT', 'DTSTART:19700308T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT', 'END:VTIMEZONE',
      // 20:00 in New York in July is 01:00 BST the next day.
      'BEGIN:VEVENT', 'UID:1', 'SUMMARY:Black Bin Day', 'DTSTART;TZID=Eastern:20260703T200000', 'END:VEVENT',
    );
    expect(parseCalendar(text, 'x.ics').events[0].start).toBe('2026-07-04');
  });

  it('keeps the wall-clock date of an unknown zone, and says so', () => {
    const parsed = parseCalendar(ics('BEGIN:VEVENT', 'UID:1', 'SUMMARY:x', 'DTSTART;TZID=Mars/Olympus:20260704T003000', 'END:VEVENT'), 'x.ics');
    expect(parsed.events[0].start).toBe('2026-07-04');
    expect(parsed.warnings).toEqual([expect.objectContaining({ file: 'x.ics', line: 7, column: 'DTSTART', message: expect.stringMatching(/Mars\/Olympus/) })]);
  });
});

describe('recurring events', () => {
  it('turns a timed RRULE into a rule over days, UNTIL as a UK date and times of day dropped', () => {
    const [event] = parseCalendar(
      ics('BEGIN:VEVENT', 'UID:1', 'SUMMARY:Garden', 'DTSTART;TZID=Europe/London:20260701T003000', 'RRULE:FREQ=WEEKLY;BYDAY=WE;BYHOUR=0;UNTIL=20260728T233000Z', 'END:VEVENT'),
      'x.ics',
    ).events;
    expect(event).toMatchObject({ start: '2026-07-01', rrule: 'FREQ=WEEKLY;UNTIL=20260729;BYDAY=WE' });
  });

  it('keeps a rule stamped in UTC on its UK weekday: Tuesday 23:30Z in BST, BYDAY=TU, is a Wednesday rule', () => {
    const [event] = parseCalendar(
      ics('BEGIN:VEVENT', 'UID:1', 'SUMMARY:Refuse', 'DTSTART:20260630T233000Z', 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3', 'END:VEVENT'),
      'x.ics',
    ).events;
    expect(event).toMatchObject({ start: '2026-07-01', rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=3;BYDAY=WE' });
  });

  it('reads several EXDATE values on one line and several lines, RDATE periods, RECURRENCE-ID and STATUS', () => {
    const events = parseCalendar(
      ics(
        'BEGIN:VEVENT', 'UID:r', 'SUMMARY:Black Bin Day', 'DTSTART;VALUE=DATE:20260105', 'RRULE:FREQ=WEEKLY;COUNT=10',
        'EXDATE;VALUE=DATE:20260112,20260119', 'EXDATE:20260126T000000Z', 'RDATE;VALUE=PERIOD:20260131T090000Z/PT1H', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:r', 'SUMMARY:Black Bin Day', 'RECURRENCE-ID;VALUE=DATE:20260202', 'DTSTART;VALUE=DATE:20260203', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:c', 'SUMMARY:Black Bin Day', 'STATUS:CANCELLED', 'DTSTART;VALUE=DATE:20260204', 'END:VEVENT',
      ),
      'x.ics',
    ).events;
    expect(events[0]).toMatchObject({ rrule: 'FREQ=WEEKLY;COUNT=10', exdates: ['2026-01-12', '2026-01-19', '2026-01-26'], rdates: ['2026-01-31'] });
    expect(events[1]).toMatchObject({ recurrenceId: '2026-02-02', start: '2026-02-03' });
    expect(events[2]).toMatchObject({ cancelled: true });
  });

  it('reads the calendar name', () => {
    expect(parseCalendar(ics('X-WR-CALNAME:Bin Day Monday G1'), 'x.ics').name).toBe('Bin Day Monday G1');
  });
});

describe('a malformed calendar', () => {
  it('names the file and line of a line that is not NAME:value', () => {
    const file = `${FIXTURES}broken/bad-line.ics`;
    expect(problemsOf(readFileSync(file, 'utf8'), file)).toEqual([`${file}:19: cannot be read: invalid line (no token ";" or ":") "SUMMARY Glass Box Day"`]);
  });

  it('names the line of an impossible date and of an event with no start, all at once', () => {
    const file = `${FIXTURES}broken/bad-values.ics`;
    expect(problemsOf(readFileSync(file, 'utf8'), file)).toEqual([
      `${file}:8: column EXDATE: "2026-02-30" is not a real date`,
      `${file}:10: VEVENT has no DTSTART`,
    ]);
  });

  it('names the line of a component that is never closed', () => {
    const file = `${FIXTURES}broken/cut-short.ics`;
    expect(problemsOf(readFileSync(file, 'utf8'), file)).toEqual([`${file}:3: BEGIN:VEVENT is never closed (the file may be cut short)`]);
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html><html><body>Not found</body></html>', 'round.ics:1: is not an iCalendar file: it must start with BEGIN:VCALENDAR'],
    ['an empty file', '', 'round.ics:1: is not an iCalendar file: it must start with BEGIN:VCALENDAR'],
    ['a mismatched END', ics('BEGIN:VEVENT', 'DTSTART:20260101', 'END:VTODO'), 'round.ics:6: END:VTODO closes BEGIN:VEVENT from line 4'],
    ['a sub-daily rule', ics('BEGIN:VEVENT', 'DTSTART:20260101T070000', 'RRULE:FREQ=HOURLY', 'END:VEVENT'), 'round.ics:6: column RRULE: FREQ=HOURLY repeats within a day; bin rounds repeat daily at most'],
    ['an unknown frequency', ics('BEGIN:VEVENT', 'DTSTART:20260101', 'RRULE:FREQ=SOMETIMES', 'END:VEVENT'), expect.stringMatching(/^round\.ics:6: cannot be read: invalid frequency "SOMETIMES"/)],
    ['two rules in one event', ics('BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260105', 'RRULE:FREQ=WEEKLY', 'RRULE:FREQ=DAILY', 'END:VEVENT'), expect.stringMatching(/^round\.ics:7: column RRULE: a VEVENT with more than one RRULE/)],
  ])('refuses %s', (_name, text, message) => {
    expect(problemsOf(text)).toEqual([message]);
  });
});
