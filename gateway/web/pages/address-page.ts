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
import { externalUrl, html, type SafeHtml } from '../html.js';
import { sendHtml } from '../http.js';
import { changeSentence, containerWords, formatDayFrom } from '../wording.js';
import { disruptionBanner, sampleBanner, statusTag, swatch } from './components.js';
import { layout } from './layout.js';

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
  const match = ADDRESS_PATH.exec(url.pathname);
  const [councilCode, uprn] = match ? [match[1], match[2]] : ['', ''];
  if (!COUNCIL_CODE.test(councilCode) || !UPRN.test(uprn)) {
    sendHtml(req, res, 404, notFoundPage());
    return;
  }
  const today = context.today();
  const result = await context.execute(ADDRESS_QUERY, { council: councilCode, uprn, from: today, to: addDays(today, WEEKS_LOOKED_AHEAD * 7 - 1) });
  const graphCouncil = result.data?.council;
  const council: Council = {
    code: councilCode,
    name: graphCouncil?.name ?? 'The council',
    url: externalUrl(graphCouncil?.binDayUrl) ?? externalUrl(graphCouncil?.website),
    disruptions: graphCouncil?.disruptions ?? [],
  };

  const failure = councilFailure(result.errors);
  if (failure) {
    // The page still helps the resident (the council's own link), so a 200; the feed answers 503 instead, so
    // calendar apps keep the collections they have rather than replace them with none.
    sendHtml(req, res, 200, unavailablePage(council, failure.fallbackUrl ?? council.url));
    return;
  }
  if (result.errors?.length) throw new GraphAnswerError(result.errors);
  const property = result.data?.property;
  if (!property?.address) {
    sendHtml(req, res, 404, notFoundPage());
    return;
  }

  const feed = `${context.publicBaseUrl(req)}${calendarPath(councilCode, uprn)}`;
  sendHtml(req, res, 200, renderAddressPage({
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
  const sample = view.dataSource?.kind === 'SAMPLE';
  const back = view.address.postcode ? `/?${new URLSearchParams({ postcode: view.address.postcode })}` : '/';
  return layout({
    title: `Bin days for ${view.address.singleLine}`,
    backLink: { href: back, text: 'Back' },
    main: html`
      ${view.council.disruptions.map((d, i) => disruptionBanner(d, i, view.today, view.council.name))}
      ${sample && sampleBanner(view.dataSource?.notice, { name: view.council.name, url: view.council.url })}
      <span class="govuk-caption-l">Bin collection days from ${view.council.name}</span>
      <h1 class="govuk-heading-l">${view.address.singleLine}</h1>
      ${view.dataSource?.stale && html`
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>
            ${view.council.name}'s latest data could not be read, so these days may be out of date.</strong>
        </div>`}
      ${nextByService(view)}
      ${comingWeeks(view)}
      ${addToCalendar(view)}
      <h2 class="govuk-heading-m">Something not right?</h2>
      <p class="govuk-body">
        ${view.council.url
          ? html`Check your bin days, report a missed collection or order a new bin on <a class="govuk-link" href="${view.council.url}">${view.council.name}'s website</a>.`
          : html`Contact ${view.council.name} to check your bin days.`}
      </p>
      <p class="govuk-body"><a class="govuk-link" href="/">Search for another postcode</a></p>`,
  });
}

/** "Thursday 3 December (tomorrow)": relative words help on the days that matter most. */
function dayWithDistance(today: string, date: string): string {
  const distance = daysBetween(today, date);
  const words = formatDayFrom(today, date);
  return distance === 0 ? `${words} (today)` : distance === 1 ? `${words} (tomorrow)` : words;
}

function serviceName(service: GraphService, extraClass = ''): SafeHtml {
  return html`<span class="binfo-service">${swatch(service.containers)}<span class="${extraClass}">${service.name}</span></span>`;
}

function changeDetail(view: AddressView, collection: GraphCollection): SafeHtml | null {
  const change = changeSentence(collection, (date) => formatDayFrom(view.today, date));
  const extra = [collection.note, collection.disruption?.message].filter((t): t is string => Boolean(t));
  if (!change && extra.length === 0) return null;
  return html`${change && html`<p class="govuk-body-s govuk-!-margin-bottom-1">${change}.</p>`}${extra.map((t) => html`<p class="govuk-body-s govuk-!-margin-bottom-1">${t}</p>`)}`;
}

function nextByService(view: AddressView): SafeHtml {
  // The property's services, in the council's order; a service only seen in collections is still shown.
  const services = [...view.services];
  for (const c of view.collections) if (!services.some((s) => s.id === c.service.id)) services.push(c.service);
  if (services.length === 0) return html`<p class="govuk-body">${view.council.name} has not said which bins are collected here.</p>`;
  return html`
    <h2 class="govuk-heading-m">Next collection of each bin</h2>
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
            <p class="govuk-body binfo-next-date">${next ? dayWithDistance(view.today, next.date) : `No collection in the next ${WEEKS_LOOKED_AHEAD} weeks`}${next && statusTag(next.status)}</p>
            ${next && changeDetail(view, next)}
            ${then && html`<p class="govuk-body-s govuk-!-margin-bottom-1">Then: ${dayWithDistance(view.today, then.date)}.</p>`}
            <p class="govuk-body-s govuk-!-margin-bottom-0">${[service.frequency?.description, containers.length ? `Put out: ${containers.join(', ')}` : null].filter(Boolean).join('. ')}.</p>
            ${service.subscription?.required && html`<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">${service.subscription.description}${
              externalUrl(service.subscription.url) && html` <a class="govuk-link" href="${externalUrl(service.subscription.url)}">Sign up for ${service.name}</a>`}</p>`}
          </dd>
        </div>`;
      })}
    </dl>`;
}

function comingWeeks(view: AddressView): SafeHtml {
  const last = addDays(view.today, WEEKS_SHOWN * 7 - 1);
  const days = new Map<string, GraphCollection[]>();
  for (const c of view.collections) if (c.date <= last) days.set(c.date, [...(days.get(c.date) ?? []), c]);
  return html`
    <h2 class="govuk-heading-m">The next ${WEEKS_SHOWN} weeks</h2>
    ${days.size === 0 && html`<p class="govuk-body">No collections in the next ${WEEKS_SHOWN} weeks.</p>`}
    ${[...days].map(([date, collections]) => html`
    <section class="binfo-day" aria-labelledby="day-${date}">
      <h3 class="govuk-heading-s govuk-!-margin-bottom-2" id="day-${date}">${dayWithDistance(view.today, date)}</h3>
      <ul class="govuk-list binfo-day__list">
        ${collections.map((c) => {
          const state = c.status === 'CANCELLED' ? ' binfo-collection--cancelled' : c.status === 'MOVED' || c.status === 'DELAYED' ? ' binfo-collection--changed' : '';
          const detail = changeDetail(view, c);
          return html`
        <li class="binfo-collection${state}">
          <span class="binfo-service">${swatch(c.service.containers)}<span class="binfo-collection__name">${c.service.name}</span>${statusTag(c.status)}</span>
          ${detail && html`<div class="binfo-collection__detail">${detail}</div>`}
        </li>`;
        })}
      </ul>
    </section>`)}`;
}

function addToCalendar(view: AddressView): SafeHtml {
  return html`
    <h2 class="govuk-heading-m">Add these days to your calendar</h2>
    <p class="govuk-body">Subscribe and your calendar app keeps itself up to date, including collections that move for bank holidays.${
      view.dataSource?.kind === 'SAMPLE' ? ' The calendar is labelled as sample data too.' : ''}</p>
    <a href="${webcalUrl(view.feedUrl)}" class="govuk-button" draggable="false">Subscribe in your calendar app</a>
    <p class="govuk-body">Or <a class="govuk-link" href="${view.feedUrl}">download the calendar file (.ics)</a>.</p>
    <details class="govuk-details">
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Using Google Calendar or Outlook on the web</span></summary>
      <div class="govuk-details__text">
        <p class="govuk-body">Add a calendar "from URL" (Google) or "from the web" (Outlook) and paste this address:</p>
        <p class="govuk-body binfo-feed-url">${view.feedUrl}</p>
      </div>
    </details>`;
}

function unavailablePage(council: Council, fallbackUrl: string | null): SafeHtml {
  return layout({
    title: 'Bin days are not available at the moment',
    backLink: { href: '/', text: 'Back' },
    main: html`
      <h1 class="govuk-heading-l">Sorry, we cannot show your bin days at the moment</h1>
      <p class="govuk-body">${council.name}'s bin collection service is not available at the moment.</p>
      ${fallbackUrl && html`<p class="govuk-body"><a class="govuk-link" href="${fallbackUrl}">Check your bin day on ${council.name}'s website</a></p>`}
      <p class="govuk-body">You can also try again later.</p>`,
  });
}

export function notFoundPage(): SafeHtml {
  return layout({
    title: 'Address not found',
    main: html`
      <h1 class="govuk-heading-l">We could not find that address</h1>
      <p class="govuk-body">If you typed the web address, check it is correct.</p>
      <p class="govuk-body"><a class="govuk-link" href="/">Search for your postcode</a> to find your address.</p>`,
  });
}
