// A fake council web server on 127.0.0.1 publishing one calendar per address at
// /calendars/<UPRN>.ics?postcode=<POSTCODE>, from small calendars written in the tests. Each UPRN can
// be told to misbehave; the server records how many requests were in flight at once.
import { startFakeServer, type FakeServer } from './support.js';

export type IcsBehaviour = 'ok' | 'fail' | 'hang' | 'not-ics' | 'empty';

export interface FakeIcs extends FakeServer {
  /** Calendar text by UPRN. */
  calendars: Map<string, string>;
  behaviour: Map<string, IcsBehaviour>;
  /** Milliseconds each answer waits (to see the concurrency limit at work). */
  delayMs: number;
  /** The most requests in flight at once since the last reset. */
  maxInFlight: number;
  hits(uprn: string): number;
}

const ROUTE = /^\/calendars\/(\d+)\.ics\?postcode=([A-Z0-9]+)$/;

export async function startFakeIcs(): Promise<FakeIcs> {
  let inFlight = 0;
  const fake = { calendars: new Map<string, string>(), behaviour: new Map<string, IcsBehaviour>(), delayMs: 0, maxInFlight: 0 };
  const server = await startFakeServer(async (req, res) => {
    const match = ROUTE.exec(req.url ?? '');
    if (!match || !fake.calendars.has(match[1])) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('No calendar for that address');
      return;
    }
    const uprn = match[1];
    const behaviour = fake.behaviour.get(uprn) ?? 'ok';
    if (behaviour === 'hang') return; // never answers: the adapter's timeout must end the wait
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    try {
      if (fake.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
      if (behaviour === 'fail') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Service Unavailable');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/calendar' });
      if (behaviour === 'not-ics') res.end('<html><body>Our bin calendar is moving!</body></html>');
      else if (behaviour === 'empty') res.end(calendar([]));
      else res.end(fake.calendars.get(uprn));
    } finally {
      inFlight--;
    }
  });
  return Object.assign(fake, server, { hits: (uprn: string) => server.requests.filter((r) => r.url.startsWith(`/calendars/${uprn}.ics`)).length });
}

/** A calendar from events written as [summary, ...property lines]. */
export function calendar(events: Array<[string, ...string[]]>): string {
  const lines = events.flatMap(([summary, ...props], i) => ['BEGIN:VEVENT', `UID:fake-${i}`, 'DTSTAMP:20261101T000000Z', `SUMMARY:${summary}`, ...props, 'END:VEVENT']);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Binfo tests//per-address//EN', ...lines, 'END:VCALENDAR'].join('\r\n') + '\r\n';
}

// Small hand-written calendars for the addresses of test/fixtures/adapters/per-address (Rushcliffe).
export const RUSHCLIFFE = 'E07000176';

/** Thursdays: refuse and recycling alternate; Christmas Eve's refuse moved properly, New Year's Eve's recycling moved without its EXDATE. */
export const THURSDAY_CALENDAR = calendar([
  ['Refuse collection', 'DTSTART;VALUE=DATE:20261210', 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH', 'EXDATE;VALUE=DATE:20261224'],
  ['Refuse collection (Changed Collection)', 'DTSTART;VALUE=DATE:20261223'],
  ['Recycling collection', 'DTSTART;VALUE=DATE:20261217', 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH'],
  ['Recycling collection (Changed Collection)', 'DTSTART;VALUE=DATE:20270102'],
]);
/** Every collection its own event, fortnightly Mondays, the 28 December one on Saturday 2 January. */
export const MONDAY_CALENDAR = calendar([
  ['Refuse collection', 'DTSTART;VALUE=DATE:20261214'],
  ['Refuse collection', 'DTSTART;VALUE=DATE:20270102'],
  ['Refuse collection', 'DTSTART;VALUE=DATE:20270111'],
]);
const FRIDAY_CALENDAR = calendar([['Refuse collection', 'DTSTART;VALUE=DATE:20261204', 'RRULE:FREQ=WEEKLY;BYDAY=FR']]);

/** Publishes the calendars of the five addresses in test/fixtures/adapters/per-address/addresses.csv. */
export function publish(ics: FakeIcs): void {
  ics.calendars.set('100032000001', THURSDAY_CALENDAR);
  ics.calendars.set('100032000002', MONDAY_CALENDAR);
  for (const uprn of ['100032000003', '100032000004', '100032000005']) ics.calendars.set(uprn, FRIDAY_CALENDAR);
}

