// GOV.UK Frontend components as HTML, with the markup of the Design System's Nunjucks templates
// (so its stylesheet applies) but none of its JavaScript: every page works without scripts.
import { externalUrl, html, type HtmlValue, type SafeHtml } from '../../../lib/web/html.js';
import type { GraphContainer, GraphDisruption } from '../graph.js';
import { wordsFor, type Lang } from '../language.js';
import { formatDayFrom } from '../wording.js';
import { swatchColour } from './container-colours.js';

export interface ErrorItem {
  text: string;
  /** The id of the field in error, for the summary's link. */
  fieldId: string;
}

/** The GOV.UK error summary: at the top of main, each error linking to its field. */
export function errorSummary(errors: readonly ErrorItem[], lang: Lang = 'en'): SafeHtml {
  return html`
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">${wordsFor(lang).thereIsAProblem}</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            ${errors.map((e) => html`<li><a href="#${e.fieldId}">${e.text}</a></li>`)}
          </ul>
        </div>
      </div>
    </div>`;
}

/** The error message shown above a field in error. */
export function errorMessage(id: string, text: string, lang: Lang = 'en'): SafeHtml {
  return html`<p id="${id}" class="govuk-error-message"><span class="govuk-visually-hidden">${wordsFor(lang).errorHidden}</span> ${text}</p>`;
}

export function notificationBanner(options: { id: string; title: string; heading: HtmlValue; body?: HtmlValue }): SafeHtml {
  const titleId = `${options.id}-title`;
  return html`
    <div class="govuk-notification-banner" role="region" aria-labelledby="${titleId}" id="${options.id}" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="${titleId}">${options.title}</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">${options.heading}</p>
        ${options.body}
      </div>
    </div>`;
}

/**
 * Sample data is labelled wherever it appears: this banner goes on every page that shows it. In Welsh the
 * source's own notice (English) gives way to the same fixed sentence in Welsh.
 */
export function sampleBanner(notice: string | null | undefined, council?: { name: string; url: string | null }, lang: Lang = 'en'): SafeHtml {
  const words = wordsFor(lang);
  return notificationBanner({
    id: 'sample-data',
    title: words.sampleTitle,
    heading: words.sampleHeading,
    body: html`
      <p class="govuk-body">${(lang === 'en' && notice) || words.sampleNotice}</p>
      ${council?.url && html`<p class="govuk-body"><a class="govuk-notification-banner__link" href="${council.url}">${words.checkRealDays(council.name)}</a></p>`}`,
  });
}

function effectWords(disruption: GraphDisruption, lang: Lang): string {
  const words = wordsFor(lang);
  switch (disruption.effect) {
    case 'CANCELLED':
      return words.cancelledEffect;
    case 'DELAYED':
      return words.delayedEffect(disruption.delayDays);
    case 'LEAVE_OUT':
      return words.leaveOutEffect;
    default:
      return '';
  }
}

/**
 * A council's disruption notice as a short banner: its title, then one line of what, when and where; the
 * council's longer message folds away, so on a phone the banners do not push the bin days off the screen.
 */
export function disruptionBanner(disruption: GraphDisruption, index: number, today: string, councilName: string, lang: Lang = 'en'): SafeHtml {
  const words = wordsFor(lang);
  const url = externalUrl(disruption.url);
  const day = (date: string) => formatDayFrom(today, date, lang);
  const when = disruption.endsOn ? words.fromTo(day(disruption.startsOn), day(disruption.endsOn)) : words.fromUntilFurtherNotice(day(disruption.startsOn));
  return notificationBanner({
    id: `disruption-${index + 1}`,
    title: words.important,
    heading: disruption.title,
    body: html`
      <p class="govuk-body-s govuk-!-margin-bottom-2">${effectWords(disruption, lang)} ${when} ${words.area(disruption.area)}</p>
      ${(disruption.message || url) && html`
      <details class="govuk-details govuk-!-margin-bottom-0">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${words.messageFrom(councilName)}</span></summary>
        <div class="govuk-details__text">
          ${disruption.message && html`<p class="govuk-body-s">${disruption.message}</p>`}
          ${url && html`<p class="govuk-body-s govuk-!-margin-bottom-0"><a class="govuk-notification-banner__link" href="${url}">${words.moreFrom(councilName)}</a></p>`}
        </div>
      </details>`}`,
  });
}

const TAG_COLOURS: Record<string, string> = {
  MOVED: 'govuk-tag--orange',
  DELAYED: 'govuk-tag--yellow',
  CANCELLED: 'govuk-tag--red',
  COMPLETED: 'govuk-tag--green',
};

/** A status tag for collections that are not on their usual day; the tag's words say the status. */
export function statusTag(status: string, lang: Lang = 'en'): SafeHtml | null {
  if (status === 'SCHEDULED') return null;
  return html`<strong class="govuk-tag ${TAG_COLOURS[status] ?? 'govuk-tag--grey'} binfo-tag-gap">${wordsFor(lang).status[status] ?? status}</strong>`;
}

/** A colour swatch for a container; decorative, because the colour is also given in words. */
export function swatch(containers: readonly GraphContainer[]): SafeHtml {
  const colour = containers.find((c) => c.colour)?.colour;
  return html`<span class="binfo-swatch binfo-swatch--${swatchColour(colour)}" aria-hidden="true"></span>`;
}
