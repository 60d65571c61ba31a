// The iCalendar feed, read back by an independent parser (ical.js, not the library that wrote it) and
// compared with what the national graph says about the same property and range.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import type { RunningServer } from '../../lib/http/listen.js';
import { CANNED_COUNCIL, CANNED_UPRN, SNOW, cannedGraph } from './canned-graph.js';
import { READING, serveWeb, startWebTestServer, type WebTestServer } from './web-test-server.js';

/** Pinned, so the feed's range (14 days back, a year ahead) always covers Christmas 2026. */
const TODAY = '2026-12-01';
const FROM = addDays(TODAY, -14);
const TO = addDays(TODAY, 365);
const RG1_1AA = 'RG1 1AA';

let server: WebTestServer;

beforeAll(async () => {
  server = await startWebTestServer({ today: () => TODAY });
});
afterAll(async () => {
  await server?.close();
});

interface ParsedEvent {
  uid: string;
  start: string;
  end: string;
  isDate: boolean;
  summary: string;
  description: string;
  status: string | null;
  sequence: number;
}

function parseCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events: ParsedEvent[] = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      start: event.startDate.toString(),
      end: event.endDate.toString(),
      isDate: event.startDate.isDate,
      summary: event.summary,
      description: event.description,
      status: component.getFirstPropertyValue('status') as string | null,
      sequence: event.sequence,
    };
  });
  const property = (name: string) => String(calendar.getFirstPropertyValue(name) ?? '');
  return { calendar, events, property };
}

/**
 * X- properties are TEXT unless said otherwise (RFC 5545, 3.8.8.2), but ical.js does not know X-WR-CALNAME
 * and hands its value over still escaped; unescape it as TEXT.
 */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

async function fetchFeed(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { response, text: await response.text() };
}

/** The collections of a property over the feed's range, straight from the graph, in two ≤366-day parts. */
async function graphCollections(uprn: string) {
  const middle = addDays(FROM, 365);
  const result = await server.execute(
    `query($c: ID!, $u: ID!, $a: Date!, $b: Date!, $d: Date!, $e: Date!) {
      property(councilCode: $c, uprn: $u) {
        one: collections(from: $a, to: $b) { date status originalDate changeReason service { id name } }
        two: collections(from: $d, to: $e) { date status originalDate changeReason service { id name } }
      } }`,
    { c: READING, u: uprn, a: FROM, b: middle, d: addDays(middle, 1), e: TO },
  );
  expect(result.errors).toBeUndefined();
  return [...result.data.property.one, ...result.data.property.two];
}

async function readingUprns(): Promise<string[]> {
  const result = await server.execute(`query($p: String!) { postcode(code: $p) { councils { properties(postcode: $p) { uprn } } } }`, { p: RG1_1AA });
  return result.data.postcode.councils[0].properties.map((p: { uprn: string }) => p.uprn);
}

describe('GET /calendar/<council>/<uprn>.ics', () => {
  it('has the same collections, on the same dates, as the graph for that property and range', async () => {
    const [uprn] = await readingUprns();
    const { response, text } = await fetchFeed(`/calendar/${READING}/${uprn}.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, no-cache, stale-if-error=86400');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);

    const expected = (await graphCollections(uprn)).map((c) => ({ uid: `${READING}-${uprn}-${c.service.id}-${c.originalDate ?? c.date}@binfo`, start: c.date }));
    const { events, property } = parseCalendar(text);
    expect(events.map(({ uid, start }) => ({ uid, start }))).toEqual(expected);
    // A year of weekly food collections, from two weeks back: the range is really covered at both ends.
    expect(expected.length).toBeGreaterThan(52);
    expect(events.some((e) => e.start < TODAY)).toBe(true);
    expect(events.some((e) => e.start > addDays(TODAY, 330))).toBe(true);
    for (const event of events) {
      expect(event.start >= FROM && event.start <= TO).toBe(true);
      expect(event.isDate).toBe(true);
      expect(event.end).toBe(addDays(event.start, 1));
      // Sample data is labelled in every description.
      expect(event.description).toMatch(/Sample data/);
    }
    expect(property('refresh-interval')).toBe('PT12H');
    expect(property('x-published-ttl')).toBe('PT12H');
    expect(property('x-wr-timezone')).toBe('Europe/London');
    expect(unescapeText(property('x-wr-calname'))).toMatch(/^Bin days: .*\(sample\), Reading, RG1 1AA \(SAMPLE data, not real bin days\)$/);
    expect(text).toContain('DTSTART;VALUE=DATE:');
    expect(text).toMatch(/\r\n/);
  });

  it('names the service in each event title', async () => {
    const [uprn] = await readingUprns();
    const names = new Set((await graphCollections(uprn)).map((c) => c.service.name));
    const { events } = parseCalendar((await fetchFeed(`/calendar/${READING}/${uprn}.ics`)).text);
    for (const event of events) expect([...names].some((name) => event.summary.includes(name))).toBe(true);
  });

  it('gives the same UIDs and ETag on every fetch, and 304 to a client holding the current copy', async () => {
    const [, uprn] = await readingUprns();
    const first = await fetchFeed(`/calendar/${READING}/${uprn}.ics`);
    const second = await fetchFeed(`/calendar/${READING}/${uprn}.ics`);
    expect(parseCalendar(second.text).events.map((e) => e.uid)).toEqual(parseCalendar(first.text).events.map((e) => e.uid));
    expect(second.text).toBe(first.text);
    const etag = first.response.headers.get('etag')!;
    expect(second.response.headers.get('etag')).toBe(etag);
    const revalidated = await fetchFeed(`/calendar/${READING}/${uprn}.ics`, { 'if-none-match': etag });
    expect(revalidated.response.status).toBe(304);
    expect(revalidated.text).toBe('');
  });

  it('puts a collection moved by the Christmas bank holidays on its new date, with its regular-date UID and the reason', async () => {
    // Boxing Day 2026 is a substitute holiday on Monday 28 December: find a sample property whose collections move.
    let found: { uprn: string; moved: any } | null = null;
    for (const uprn of await readingUprns()) {
      const result = await server.execute(
        `query($c: ID!, $u: ID!) { property(councilCode: $c, uprn: $u) { collections(from: "2026-12-21", to: "2027-01-08") { date status originalDate changeReason service { id name } } } }`,
        { c: READING, u: uprn },
      );
      const moved = result.data.property.collections.find((c: any) => c.status === 'MOVED');
      if (moved) {
        found = { uprn, moved };
        break;
      }
    }
    expect(found, 'a Reading sample property in RG1 1AA with a collection moved over Christmas 2026').not.toBeNull();
    const { uprn, moved } = found!;
    expect(moved.changeReason).toBe('BANK_HOLIDAY');

    const { events } = parseCalendar((await fetchFeed(`/calendar/${READING}/${uprn}.ics`)).text);
    const event = events.find((e) => e.uid === `${READING}-${uprn}-${moved.service.id}-${moved.originalDate}@binfo`);
    expect(event).toBeDefined();
    expect(event!.start).toBe(moved.date);
    expect(event!.summary).toBe(`${moved.service.name} (moved)`);
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${moved.originalDate}T00:00:00Z`));
    expect(event!.description).toContain(`Moved from ${weekday.replace(',', '')} because of a bank holiday.`);
    expect(event!.sequence).toBe(1);
    // Only one event for that collection: it moved, it was not duplicated.
    expect(events.filter((e) => e.uid === event!.uid)).toHaveLength(1);
  });

  it.each([
    ['a council code that is not a GSS code', '/calendar/reading/703860552650.ics'],
    ['a UPRN with letters', `/calendar/${READING}/70386055265x.ics`],
    ['a UPRN longer than 12 digits', `/calendar/${READING}/1234567890123.ics`],
    ['no .ics', `/calendar/${READING}/703860552650`],
    ['an extra path segment', `/calendar/${READING}/x/703860552650.ics`],
  ])('answers 400 for %s', async (_what, path) => {
    const { response, text } = await fetchFeed(path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text).toMatch(/E06000038\/703860552650\.ics/);
  });

  it.each([
    ['a UPRN the council does not know', `/calendar/${READING}/1.ics`],
    ['a council that does not exist', '/calendar/E99999999/703860552650.ics'],
  ])('answers 404 for %s', async (_what, path) => {
    const { response } = await fetchFeed(path);
    expect(response.status).toBe(404);
  });

  it('answers 503 with Retry-After and the council\'s own bin-day page when the council is down', async () => {
    const [uprn] = await readingUprns();
    const restore = server.takeReadingDown();
    try {
      const { response, text } = await fetchFeed(`/calendar/${READING}/${uprn}.ics`);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(text).toContain('https://www.reading.gov.uk/bin-calendar/');
      expect(text).toMatch(/Reading Borough Council/);
    } finally {
      restore();
    }
    expect((await fetchFeed(`/calendar/${READING}/${uprn}.ics`)).response.status).toBe(200);
  });

  it('answers HEAD like GET, without a body, and refuses other methods', async () => {
    const [uprn] = await readingUprns();
    const head = await fetch(`${server.url}/calendar/${READING}/${uprn}.ics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await head.text()).toBe('');
    const post = await fetch(`${server.url}/calendar/${READING}/${uprn}.ics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('a cancelled collection in the feed', () => {
  let web: RunningServer;
  beforeAll(async () => {
    web = await serveWeb({ execute: cannedGraph(), today: () => TODAY });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('is marked CANCELLED, says "Cancelled:" in its title and carries the disruption\'s title', async () => {
    const response = await fetch(`${web.url}/calendar/${CANNED_COUNCIL}/${CANNED_UPRN}.ics`);
    expect(response.status).toBe(200);
    const { events, property } = parseCalendar(await response.text());
    const cancelled = events.find((e) => e.start === '2026-12-01')!;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.summary).toBe('Cancelled: Grey bin (general waste)');
    expect(cancelled.description).toContain(SNOW.title);
    expect(cancelled.description).toContain(SNOW.message);
    // The collection's note is the disruption's message: said once, not twice.
    expect(cancelled.description.split(SNOW.message).length - 1).toBe(1);
    // Data from the council itself is not sample data, and is not labelled as such.
    expect(cancelled.description).not.toMatch(/sample/i);
    expect(unescapeText(property('x-wr-calname'))).toBe('Bin days: 1 Snowy Lane, Reading, RG1 1AA');
    const moved = events.find((e) => e.start === '2026-12-03')!;
    expect(moved.uid).toBe(`${CANNED_COUNCIL}-${CANNED_UPRN}-recycling-2026-12-01@binfo`);
    expect(moved.description).toContain('Moved from Tuesday 1 December for operational reasons.');
    expect(moved.status).toBe('CONFIRMED');
  });

  it('asks the graph for the range in two parts of at most 366 days', async () => {
    const execute = cannedGraph();
    const local = await serveWeb({ execute, today: () => TODAY });
    try {
      await fetch(`${local.url}/calendar/${CANNED_COUNCIL}/${CANNED_UPRN}.ics`);
    } finally {
      await local.close();
    }
    const variables = execute.calls[0] as Record<string, string>;
    expect(variables.from1).toBe(FROM);
    expect(variables.to2).toBe(TO);
    expect(variables.from2).toBe(addDays(variables.to1, 1));
    const span = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000 + 1;
    expect(span(variables.from1, variables.to1)).toBeLessThanOrEqual(366);
    expect(span(variables.from2, variables.to2)).toBeLessThanOrEqual(366);
  });
});
