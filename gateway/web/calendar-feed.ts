// GET /calendar/<councilCode>/<uprn>.ics: a property's bin collections as an iCalendar feed that
// calendar apps subscribe to, built from the national graph like any other client would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addDays } from '../../domain/dates.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { buildCalendar } from './calendar-ics.js';
import type { WebContext } from './context.js';
import { CALENDAR_QUERY, COUNCIL_CODE, GraphAnswerError, UPRN, councilFailure, type GraphCollection } from './graph.js';
import { externalUrl } from '../../lib/web/html.js';
import { sendCacheable, sendText } from '../../lib/web/http.js';
import { councilName, languageOf } from './language.js';

export const CALENDAR_PREFIX = '/calendar/';
const CALENDAR_PATH = /^\/calendar\/([^/]*)\/([^/]*)\.ics$/;

/** Recent collections stay visible (did the bin go last week?), and a year ahead is planned. */
const DAYS_BEFORE = 14;
const DAYS_AHEAD = 365;
/** One `collections` call may span at most 366 days, counting both ends. */
const MAX_SPAN = 365;

/** Retry-After seconds: a council that is down is usually back soon; one not yet connected is not. */
const RETRY_AFTER = { [ErrorCode.COUNCIL_UNAVAILABLE]: 600, [ErrorCode.COUNCIL_NOT_CONNECTED]: 86_400 } as const;

export function calendarPath(councilCode: string, uprn: string): string {
  return `${CALENDAR_PREFIX}${encodeURIComponent(councilCode)}/${encodeURIComponent(uprn)}.ics`;
}

/** The feed's range, and the two parts of it that each fit in one `collections` call. */
export function calendarRange(today: string) {
  const from = addDays(today, -DAYS_BEFORE);
  const to = addDays(today, DAYS_AHEAD);
  const firstTo = addDays(from, MAX_SPAN);
  return { from, to, parts: [{ from, to: firstTo }, { from: addDays(firstTo, 1), to }] as const };
}

export async function handleCalendarFeed(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const match = CALENDAR_PATH.exec(url.pathname);
  const councilCode = match ? safeDecode(match[1]) : null;
  const uprn = match ? safeDecode(match[2]) : null;
  if (!councilCode || !uprn || !COUNCIL_CODE.test(councilCode) || !UPRN.test(uprn)) {
    sendText(req, res, 400, 'A calendar address looks like /calendar/E06000038/703860552650.ics: a council GSS code, then a UPRN (digits only).\n');
    return;
  }

  const today = context.today();
  const range = calendarRange(today);
  const [first, second] = range.parts;
  const result = await context.execute(CALENDAR_QUERY, {
    council: councilCode, uprn, from1: first.from, to1: first.to, from2: second.from, to2: second.to,
  });
  const council = result.data?.council;

  const failure = councilFailure(result.errors);
  if (failure) {
    const name = council?.name ?? `Council ${councilCode}`;
    const fallback = failure.fallbackUrl ?? externalUrl(council?.binDayUrl) ?? externalUrl(council?.website);
    const lines = [`${name}'s bin collection service is not available at the moment, so this calendar cannot be updated.`];
    if (fallback) lines.push(`Check your bin days on the council's website: ${fallback}`);
    sendText(req, res, 503, `${lines.join('\n')}\n`, { 'retry-after': RETRY_AFTER[failure.code] });
    return;
  }
  // Any other error means some collections may be missing. A calendar app replaces its copy with what
  // it fetches, so a partial calendar would silently delete bin days: better to fail and keep the old copy.
  if (result.errors?.length) throw new GraphAnswerError(result.errors);

  const property = result.data?.property;
  if (!property?.address) {
    sendText(req, res, 404, `${councilCode} does not know a property with UPRN ${uprn}.\n`);
    return;
  }

  const collections: GraphCollection[] = [...(property.first ?? []), ...(property.second ?? [])];
  const lang = languageOf(url);
  const body = buildCalendar({
    lang,
    bankHolidays: council?.upcomingBankHolidays ?? [],
    councilCode,
    councilName: councilName(lang, councilCode, council?.name ?? councilCode),
    councilUrl: externalUrl(council?.binDayUrl) ?? externalUrl(council?.website),
    uprn,
    address: property.address.singleLine,
    dataSource: property.dataSource ?? null,
    collections,
    today,
  });
  sendCacheable(req, res, body, {
    'content-type': 'text/calendar; charset=utf-8',
    // Revalidated on every fetch (cheap: an ETag and a 304), so a disruption posted a moment ago reaches a
    // calendar app or a CDN in front at once; a cache may still serve its copy while we answer 5xx.
    'cache-control': 'public, no-cache, stale-if-error=86400',
    'content-disposition': `attachment; filename="bin-days-${councilCode}-${uprn}.ics"`,
  });
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
