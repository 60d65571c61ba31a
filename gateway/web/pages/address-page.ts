// Step 3 of the bin-day page: GET /address/<council>/<uprn> shows the address's coming collections, by
// service and by day, with moved and cancelled ones called out, the council's disruption notices, and
// links to subscribe to the calendar feed. When the council cannot answer, it links to the council's own page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addDays, daysBetween } from '../../../domain/dates.js';
import { webcalUrl } from '../base-url.js';
import { calendarPath } from '../calendar-feed.js';
import type { WebContext } from '../context.js';
import {
  ADDRESS_QUERY, COUNCIL_CODE, GraphAnswerError, UPRN, councilFailure,
  type GraphCollection, type GraphDataSource, type GraphDisruption, type GraphService,
} from '../graph.js';
import { externalUrl, type SafeHtml } from '../../../lib/web/html.js';
import { sendHtml } from '../../../lib/web/http.js';
import { bankHolidayTitle, councilName, inLanguage, languageNavigation, languageOf, wordsFor, type Lang } from '../language.js';
import { changeSentence, collectionNotes, containerWords, formatDayFrom, frequencyWords, type BankHoliday } from '../wording.js';
import { disruptionBanner, sampleBanner, statusTag, swatch, type DisruptionBanner, type SampleBanner, type StatusTag } from './components.js';
import { renderPage, type Link, type PageChrome } from './render-page.js';

export const ADDRESS_PREFIX = '/address/';
const ADDRESS_PATH = /^\/address\/([^/]+)\/([^/]+)\/?$/;
/** The day-by-day list covers four weeks: enough to see a fortnightly pattern twice. */
const WEEKS_SHOWN = 4;
/**
 * "Next collection of each bin" looks further, as the graph's nextCollections does, to find four-weekly
 * services. Both lists come from one `collections` call, so they always agree about the same "today".
 */
const WEEKS_LOOKED_AHEAD = 8;

export function addressPath(councilCode: string, uprn: string): string {
  return `${ADDRESS_PREFIX}${encodeURIComponent(councilCode)}/${encodeURIComponent(uprn)}`;
}

interface Council {
  code: string;
  name: string;
  /** The council's bin-day page, else its homepage. */
  url: string | null;
  disruptions: GraphDisruption[];
}

interface AddressView {
  lang?: Lang;
  languages?: PageChrome['languageNavigation'];
  /** Bank holidays from a week before today, to name the one behind a moved collection. */
  bankHolidays?: BankHoliday[];
  today: string;
  council: Council;
  address: { singleLine: string; postcode: string | null };
  dataSource: GraphDataSource | null;
  services: GraphService[];
  /** Collections from today for WEEKS_LOOKED_AHEAD weeks, sorted by date. */
  collections: GraphCollection[];
  feedUrl: string;
}

export async function handleAddressPage(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const lang = languageOf(url);
  const languages = languageNavigation(url, lang);
  const match = ADDRESS_PATH.exec(url.pathname);
  const [councilCode, uprn] = match ? [match[1], match[2]] : ['', ''];
  if (!COUNCIL_CODE.test(councilCode) || !UPRN.test(uprn)) {
    sendHtml(req, res, 404, notFoundPage(lang, languages));
    return;
  }
  const today = context.today();
  const result = await context.execute(ADDRESS_QUERY, {
    council: councilCode, uprn, from: today, to: addDays(today, WEEKS_LOOKED_AHEAD * 7 - 1), holidaysFrom: addDays(today, -7),
  });
  const graphCouncil = result.data?.council;
  const council: Council = {
    code: councilCode,
    name: graphCouncil?.name ? councilName(lang, councilCode, graphCouncil.name) : lang === 'cy' ? 'Y cyngor' : 'The council',
    url: externalUrl(graphCouncil?.binDayUrl) ?? externalUrl(graphCouncil?.website),
    // Newest first: the notice posted last is the one most likely to change what residents do today.
    disruptions: [...(graphCouncil?.disruptions ?? [])].sort((a: GraphDisruption, b: GraphDisruption) =>
      (b.updatedAt ?? b.startsOn).localeCompare(a.updatedAt ?? a.startsOn)),
  };

  const failure = councilFailure(result.errors);
  if (failure) {
    // The page still helps the resident (the council's own link), so a 200; the feed answers 503 instead, so
    // calendar apps keep the collections they have rather than replace them with none.
    sendHtml(req, res, 200, unavailablePage(council, failure.fallbackUrl ?? council.url, lang, languages));
    return;
  }
  if (result.errors?.length) throw new GraphAnswerError(result.errors);
  const property = result.data?.property;
  if (!property?.address) {
    sendHtml(req, res, 404, notFoundPage(lang, languages));
    return;
  }

  const feed = inLanguage(`${context.publicBaseUrl(req)}${calendarPath(councilCode, uprn)}`, lang);
  sendHtml(req, res, 200, renderAddressPage({
    lang,
    languages,
    bankHolidays: graphCouncil?.upcomingBankHolidays ?? [],
    today,
    council,
    address: { singleLine: property.address.singleLine, postcode: property.address.postcode ?? null },
    dataSource: property.dataSource ?? null,
    services: property.services ?? [],
    collections: property.collections ?? [],
    feedUrl: feed,
  }));
}

interface ServiceRow {
  name: string;
  swatch: string;
  /** The next collection's day ("Thursday 3 December (tomorrow)"), or that there is none. */
  date: string;
  tag: StatusTag | null;
  details: string[];
  then: string | null;
  howOften: string;
  subscription: { text: string; link: Link | null } | null;
}

interface DayOfCollections {
  id: string;
  heading: string;
  collections: Array<{ state: 'cancelled' | 'changed' | null; name: string; swatch: string; tag: StatusTag | null; details: string[] }>;
}

/** What templates/address.njk shows, in the page's language. */
export interface AddressPageView {
  caption: string;
  sampleTag: string | null;
  heading: string;
  stale: { text: string; hidden: string } | null;
  next: { heading: string; empty: string | null; rows: ServiceRow[] };
  disruptions: DisruptionBanner[];
  sample: SampleBanner | null;
  weeks: { heading: string; empty: string | null; days: DayOfCollections[] };
  bankHolidays: { heading: string; items: string[]; note: string } | null;
  calendar: { heading: string; lead: string; subscribe: Link; or: string; download: Link; webHeading: string; webHow: string; feedUrl: string };
  notRight: { heading: string; link: Link | null; text: string | null };
  searchAgain: Link;
}

export function renderAddressPage(view: AddressView): SafeHtml {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const back = inLanguage(view.address.postcode ? `/?${new URLSearchParams({ postcode: view.address.postcode })}` : '/', lang);
  return renderPage('address.njk', { lang, languageNavigation: view.languages, title: words.binDaysFor(view.address.singleLine), backHref: back }, addressPageView(view));
}

export function addressPageView(view: AddressView): AddressPageView {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const sample = view.dataSource?.kind === 'SAMPLE';
  return {
    caption: words.binCollectionDaysFrom(view.council.name),
    sampleTag: sample ? words.sampleTitle : null,
    heading: view.address.singleLine,
    stale: view.dataSource?.stale ? { text: words.staleData(view.council.name), hidden: words.warning } : null,
    next: nextByService(view),
    disruptions: view.council.disruptions.map((d, i) => disruptionBanner(d, i, view.today, view.council.name, lang)),
    sample: sample ? sampleBanner(view.dataSource?.notice, { name: view.council.name, url: view.council.url }, lang) : null,
    weeks: comingWeeks(view),
    bankHolidays: bankHolidaysAhead(view),
    calendar: {
      heading: words.addToCalendar,
      lead: `${words.subscribeLead}${sample ? words.calendarSampleToo : ''}`,
      subscribe: { href: webcalUrl(view.feedUrl), text: words.subscribe },
      or: words.or,
      download: { href: view.feedUrl, text: words.downloadIcs },
      webHeading: words.webCalendars,
      webHow: words.webCalendarsHow,
      feedUrl: view.feedUrl,
    },
    notRight: {
      heading: words.notRight,
      link: view.council.url ? { href: view.council.url, text: words.checkReportOrder(view.council.name) } : null,
      text: view.council.url ? null : words.contactCouncil(view.council.name),
    },
    searchAgain: { href: inLanguage('/', lang), text: words.searchAnother },
  };
}

/** "Thursday 3 December (tomorrow)": relative words help on the days that matter most. */
function dayWithDistance(view: AddressView, date: string): string {
  const words = wordsFor(view.lang ?? 'en');
  const distance = daysBetween(view.today, date);
  const day = formatDayFrom(view.today, date, view.lang);
  return distance === 0 ? words.today(day) : distance === 1 ? words.tomorrow(day) : day;
}

/** Why a collection is not on its usual day, its notes and the disruption's message: a line each. */
function changeDetails(view: AddressView, collection: GraphCollection): string[] {
  const lang = view.lang ?? 'en';
  const change = changeSentence(collection, (date) => formatDayFrom(view.today, date, lang), lang, view.bankHolidays ?? []);
  return [...(change ? [`${change}.`] : []), ...collectionNotes(collection, lang)];
}

function nextByService(view: AddressView): AddressPageView['next'] {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  // The property's services, in the council's order; a service only seen in collections is still shown.
  const services = [...view.services];
  for (const c of view.collections) if (!services.some((s) => s.id === c.service.id)) services.push(c.service);
  const rows = services.map((service): ServiceRow => {
    const ofService = view.collections.filter((c) => c.service.id === service.id);
    const next = ofService[0];
    // When the next one is cancelled, the resident's question is "so when?": give the one after too.
    const then = next?.status === 'CANCELLED' ? ofService.find((c) => c.status !== 'CANCELLED') : undefined;
    const containers = (service.containers.length ? service.containers : next?.service.containers ?? []).map(containerWords);
    const subscriptionUrl = externalUrl(service.subscription?.url);
    return {
      name: service.name,
      swatch: swatch(service.containers),
      date: next ? dayWithDistance(view, next.date) : words.noCollectionInWeeks(WEEKS_LOOKED_AHEAD),
      tag: next ? statusTag(next.status, lang) : null,
      details: next ? changeDetails(view, next) : [],
      then: then ? words.then(dayWithDistance(view, then.date)) : null,
      howOften: `${[frequencyWords(service.frequency, lang), containers.length ? words.putOut(containers.join(', ')) : null].filter(Boolean).join('. ')}.`,
      subscription: service.subscription?.required
        ? { text: service.subscription.description, link: subscriptionUrl ? { href: subscriptionUrl, text: words.signUpFor(service.name) } : null }
        : null,
    };
  });
  return { heading: words.nextOfEachBin, empty: rows.length ? null : words.noServices(view.council.name), rows };
}

function comingWeeks(view: AddressView): AddressPageView['weeks'] {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const last = addDays(view.today, WEEKS_SHOWN * 7 - 1);
  const days = new Map<string, GraphCollection[]>();
  for (const c of view.collections) if (c.date <= last) days.set(c.date, [...(days.get(c.date) ?? []), c]);
  return {
    heading: words.nextWeeks(WEEKS_SHOWN),
    empty: days.size === 0 ? words.noCollectionsInWeeks(WEEKS_SHOWN) : null,
    days: [...days].map(([date, collections]) => ({
      id: `day-${date}`,
      heading: dayWithDistance(view, date),
      collections: collections.map((c) => ({
        state: c.status === 'CANCELLED' ? 'cancelled' : c.status === 'MOVED' || c.status === 'DELAYED' ? 'changed' : null,
        name: c.service.name,
        swatch: swatch(c.service.containers),
        tag: statusTag(c.status, lang),
        details: changeDetails(view, c),
      })),
    })),
  };
}

/** The bank holidays in the weeks looked ahead, by GOV.UK's name in the page's language. */
function bankHolidaysAhead(view: AddressView): AddressPageView['bankHolidays'] {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const last = addDays(view.today, WEEKS_LOOKED_AHEAD * 7 - 1);
  const ahead = (view.bankHolidays ?? []).filter((h) => h.date >= view.today && h.date <= last);
  if (ahead.length === 0) return null;
  return {
    heading: words.bankHolidaysAhead(WEEKS_LOOKED_AHEAD),
    items: ahead.map((h) => `${formatDayFrom(view.today, h.date, lang)}: ${bankHolidayTitle(lang, h.title)}`),
    note: words.bankHolidaysNote,
  };
}

function unavailablePage(council: Council, fallbackUrl: string | null, lang: Lang, languages: PageChrome['languageNavigation']): SafeHtml {
  const words = wordsFor(lang);
  return renderPage('address-unavailable.njk', { lang, languageNavigation: languages, title: words.unavailableTitle, backHref: inLanguage('/', lang) }, {
    heading: words.cannotShowYours,
    serviceDown: words.serviceDown(council.name),
    fallback: fallbackUrl ? { href: fallbackUrl, text: words.checkOnWebsite(council.name) } : null,
    tryLater: words.tryLater,
  });
}

export function notFoundPage(lang: Lang = 'en', languages: PageChrome['languageNavigation'] = null): SafeHtml {
  const words = wordsFor(lang);
  return renderPage('not-found.njk', { lang, languageNavigation: languages, title: words.notFoundTitle }, {
    heading: words.notFoundHeading,
    typed: words.notFoundTyped,
    search: { href: inLanguage('/', lang), text: words.searchYourPostcode },
    afterSearch: words.toFindAddress,
  });
}
