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
import { externalUrl, html, type SafeHtml } from '../../../lib/web/html.js';
import { sendHtml } from '../../../lib/web/http.js';
import { bankHolidayTitle, councilName, inLanguage, languageOf, languageToggle, wordsFor, type Lang } from '../language.js';
import { changeSentence, collectionNote, containerWords, formatDayFrom, frequencyWords, type BankHoliday } from '../wording.js';
import { disruptionBanner, sampleBanner, statusTag, swatch } from './components.js';
import { layout, type Page } from './layout.js';

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
  toggle?: Page['toggle'];
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
  const toggle = languageToggle(url, lang);
  const match = ADDRESS_PATH.exec(url.pathname);
  const [councilCode, uprn] = match ? [match[1], match[2]] : ['', ''];
  if (!COUNCIL_CODE.test(councilCode) || !UPRN.test(uprn)) {
    sendHtml(req, res, 404, notFoundPage(lang, toggle));
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
    sendHtml(req, res, 200, unavailablePage(council, failure.fallbackUrl ?? council.url, lang, toggle));
    return;
  }
  if (result.errors?.length) throw new GraphAnswerError(result.errors);
  const property = result.data?.property;
  if (!property?.address) {
    sendHtml(req, res, 404, notFoundPage(lang, toggle));
    return;
  }

  const feed = inLanguage(`${context.publicBaseUrl(req)}${calendarPath(councilCode, uprn)}`, lang);
  sendHtml(req, res, 200, renderAddressPage({
    lang,
    toggle,
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

export function renderAddressPage(view: AddressView): SafeHtml {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const sample = view.dataSource?.kind === 'SAMPLE';
  const back = inLanguage(view.address.postcode ? `/?${new URLSearchParams({ postcode: view.address.postcode })}` : '/', lang);
  // The bin days come first, then the notices: on a phone a resident sees the answer without scrolling past
  // banners. Sample data is still said before any date, in the caption.
  return layout({
    lang,
    toggle: view.toggle,
    title: words.binDaysFor(view.address.singleLine),
    backLink: { href: back, text: words.back },
    main: html`
      <span class="govuk-caption-l">${words.binCollectionDaysFrom(view.council.name)}${sample && html` <strong class="govuk-tag govuk-tag--grey binfo-caption-tag">${words.sampleTitle}</strong>`}</span>
      <h1 class="govuk-heading-l">${view.address.singleLine}</h1>
      ${view.dataSource?.stale && html`
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${words.warning}</span>
            ${words.staleData(view.council.name)}</strong>
        </div>`}
      ${nextByService(view)}
      ${view.council.disruptions.map((d, i) => disruptionBanner(d, i, view.today, view.council.name, lang))}
      ${sample && sampleBanner(view.dataSource?.notice, { name: view.council.name, url: view.council.url }, lang)}
      ${comingWeeks(view)}
      ${bankHolidaysAhead(view)}
      ${addToCalendar(view)}
      <h2 class="govuk-heading-m">${words.notRight}</h2>
      <p class="govuk-body">
        ${view.council.url
          ? html`<a class="govuk-link" href="${view.council.url}">${words.checkReportOrder(view.council.name)}</a>.`
          : words.contactCouncil(view.council.name)}
      </p>
      <p class="govuk-body"><a class="govuk-link" href="${inLanguage('/', lang)}">${words.searchAnother}</a></p>`,
  });
}

/** "Thursday 3 December (tomorrow)": relative words help on the days that matter most. */
function dayWithDistance(view: AddressView, date: string): string {
  const words = wordsFor(view.lang ?? 'en');
  const distance = daysBetween(view.today, date);
  const day = formatDayFrom(view.today, date, view.lang);
  return distance === 0 ? words.today(day) : distance === 1 ? words.tomorrow(day) : day;
}

function serviceName(service: GraphService, extraClass = ''): SafeHtml {
  return html`<span class="binfo-service">${swatch(service.containers)}<span class="${extraClass}">${service.name}</span></span>`;
}

function changeDetail(view: AddressView, collection: GraphCollection): SafeHtml | null {
  const lang = view.lang ?? 'en';
  const change = changeSentence(collection, (date) => formatDayFrom(view.today, date, lang), lang, view.bankHolidays ?? []);
  const extra = [collectionNote(collection, lang), collection.disruption?.message].filter((t): t is string => Boolean(t));
  if (!change && extra.length === 0) return null;
  return html`${change && html`<p class="govuk-body-s govuk-!-margin-bottom-1">${change}.</p>`}${extra.map((t) => html`<p class="govuk-body-s govuk-!-margin-bottom-1">${t}</p>`)}`;
}

function nextByService(view: AddressView): SafeHtml {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  // The property's services, in the council's order; a service only seen in collections is still shown.
  const services = [...view.services];
  for (const c of view.collections) if (!services.some((s) => s.id === c.service.id)) services.push(c.service);
  if (services.length === 0) return html`<p class="govuk-body">${words.noServices(view.council.name)}</p>`;
  return html`
    <h2 class="govuk-heading-m">${words.nextOfEachBin}</h2>
    <dl class="govuk-summary-list">
      ${services.map((service) => {
        const ofService = view.collections.filter((c) => c.service.id === service.id);
        const next = ofService[0];
        // When the next one is cancelled, the resident's question is "so when?": give the one after too.
        const then = next?.status === 'CANCELLED' ? ofService.find((c) => c.status !== 'CANCELLED') : undefined;
        const containers = (service.containers.length ? service.containers : next?.service.containers ?? []).map(containerWords);
        return html`
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">${serviceName(service)}</dt>
          <dd class="govuk-summary-list__value">
            <p class="govuk-body binfo-next-date">${next ? dayWithDistance(view, next.date) : words.noCollectionInWeeks(WEEKS_LOOKED_AHEAD)}${next && statusTag(next.status, lang)}</p>
            ${next && changeDetail(view, next)}
            ${then && html`<p class="govuk-body-s govuk-!-margin-bottom-1">${words.then(dayWithDistance(view, then.date))}</p>`}
            <p class="govuk-body-s govuk-!-margin-bottom-0">${[frequencyWords(service.frequency, lang), containers.length ? words.putOut(containers.join(', ')) : null].filter(Boolean).join('. ')}.</p>
            ${service.subscription?.required && html`<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">${service.subscription.description}${
              externalUrl(service.subscription.url) && html` <a class="govuk-link" href="${externalUrl(service.subscription.url)}">${words.signUpFor(service.name)}</a>`}</p>`}
          </dd>
        </div>`;
      })}
    </dl>`;
}

function comingWeeks(view: AddressView): SafeHtml {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const last = addDays(view.today, WEEKS_SHOWN * 7 - 1);
  const days = new Map<string, GraphCollection[]>();
  for (const c of view.collections) if (c.date <= last) days.set(c.date, [...(days.get(c.date) ?? []), c]);
  return html`
    <h2 class="govuk-heading-m">${words.nextWeeks(WEEKS_SHOWN)}</h2>
    ${days.size === 0 && html`<p class="govuk-body">${words.noCollectionsInWeeks(WEEKS_SHOWN)}</p>`}
    ${[...days].map(([date, collections]) => html`
    <section class="binfo-day" aria-labelledby="day-${date}">
      <h3 class="govuk-heading-s govuk-!-margin-bottom-2" id="day-${date}">${dayWithDistance(view, date)}</h3>
      <ul class="govuk-list binfo-day__list">
        ${collections.map((c) => {
          const state = c.status === 'CANCELLED' ? ' binfo-collection--cancelled' : c.status === 'MOVED' || c.status === 'DELAYED' ? ' binfo-collection--changed' : '';
          const detail = changeDetail(view, c);
          return html`
        <li class="binfo-collection${state}">
          <span class="binfo-service">${swatch(c.service.containers)}<span class="binfo-collection__name">${c.service.name}</span>${statusTag(c.status, lang)}</span>
          ${detail && html`<div class="binfo-collection__detail">${detail}</div>`}
        </li>`;
        })}
      </ul>
    </section>`)}`;
}

/** The bank holidays in the weeks looked ahead, by GOV.UK's name in the page's language. */
function bankHolidaysAhead(view: AddressView): SafeHtml | null {
  const lang = view.lang ?? 'en';
  const words = wordsFor(lang);
  const last = addDays(view.today, WEEKS_LOOKED_AHEAD * 7 - 1);
  const ahead = (view.bankHolidays ?? []).filter((h) => h.date >= view.today && h.date <= last);
  if (ahead.length === 0) return null;
  return html`
    <h2 class="govuk-heading-m">${words.bankHolidaysAhead(WEEKS_LOOKED_AHEAD)}</h2>
    <ul class="govuk-list">
      ${ahead.map((h) => html`<li>${formatDayFrom(view.today, h.date, lang)}: ${bankHolidayTitle(lang, h.title)}</li>`)}
    </ul>
    <p class="govuk-body-s">${words.bankHolidaysNote}</p>`;
}

function addToCalendar(view: AddressView): SafeHtml {
  const words = wordsFor(view.lang ?? 'en');
  return html`
    <h2 class="govuk-heading-m">${words.addToCalendar}</h2>
    <p class="govuk-body">${words.subscribeLead}${view.dataSource?.kind === 'SAMPLE' ? words.calendarSampleToo : ''}</p>
    <a href="${webcalUrl(view.feedUrl)}" class="govuk-button" draggable="false">${words.subscribe}</a>
    <p class="govuk-body">${words.or} <a class="govuk-link" href="${view.feedUrl}">${words.downloadIcs}</a>.</p>
    <details class="govuk-details">
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${words.webCalendars}</span></summary>
      <div class="govuk-details__text">
        <p class="govuk-body">${words.webCalendarsHow}</p>
        <p class="govuk-body binfo-feed-url">${view.feedUrl}</p>
      </div>
    </details>`;
}

function unavailablePage(council: Council, fallbackUrl: string | null, lang: Lang, toggle: Page['toggle']): SafeHtml {
  const words = wordsFor(lang);
  return layout({
    lang,
    toggle,
    title: words.unavailableTitle,
    backLink: { href: inLanguage('/', lang), text: words.back },
    main: html`
      <h1 class="govuk-heading-l">${words.cannotShowYours}</h1>
      <p class="govuk-body">${words.serviceDown(council.name)}</p>
      ${fallbackUrl && html`<p class="govuk-body"><a class="govuk-link" href="${fallbackUrl}">${words.checkOnWebsite(council.name)}</a></p>`}
      <p class="govuk-body">${words.tryLater}</p>`,
  });
}

export function notFoundPage(lang: Lang = 'en', toggle: Page['toggle'] = null): SafeHtml {
  const words = wordsFor(lang);
  return layout({
    lang,
    toggle,
    title: words.notFoundTitle,
    main: html`
      <h1 class="govuk-heading-l">${words.notFoundHeading}</h1>
      <p class="govuk-body">${words.notFoundTyped}</p>
      <p class="govuk-body"><a class="govuk-link" href="${inLanguage('/', lang)}">${words.searchYourPostcode}</a>${words.toFindAddress}</p>`,
  });
}
