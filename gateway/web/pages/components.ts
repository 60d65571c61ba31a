// GOV.UK Frontend components as HTML, with the markup of the Design System's Nunjucks templates
// (so its stylesheet applies) but none of its JavaScript: every page works without scripts.
import { externalUrl, html, type HtmlValue, type SafeHtml } from '../html.js';
import type { GraphContainer, GraphDisruption } from '../graph.js';
import { SAMPLE_FALLBACK_NOTICE, STATUS_LABELS, formatDayFrom } from '../wording.js';
import { swatchColour } from './container-colours.js';

export interface ErrorItem {
  text: string;
  /** The id of the field in error, for the summary's link. */
  fieldId: string;
}

/** The GOV.UK error summary: at the top of main, each error linking to its field. */
export function errorSummary(errors: readonly ErrorItem[]): SafeHtml {
  return html`
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            ${errors.map((e) => html`<li><a href="#${e.fieldId}">${e.text}</a></li>`)}
          </ul>
        </div>
      </div>
    </div>`;
}

/** The error message shown above a field in error. */
export function errorMessage(id: string, text: string): SafeHtml {
  return html`<p id="${id}" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${text}</p>`;
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

/** Sample data is labelled wherever it appears: this banner goes on every page that shows it. */
export function sampleBanner(notice: string | null | undefined, council?: { name: string; url: string | null }): SafeHtml {
  return notificationBanner({
    id: 'sample-data',
    title: 'Sample data',
    heading: 'These are sample collection days, not real ones',
    body: html`
      <p class="govuk-body">${notice || SAMPLE_FALLBACK_NOTICE}</p>
      ${council?.url && html`<p class="govuk-body"><a class="govuk-notification-banner__link" href="${council.url}">Check your real bin days on ${council.name}'s website</a></p>`}`,
  });
}

const EFFECTS: Record<string, (d: GraphDisruption) => string> = {
  CANCELLED: () => 'Collections are cancelled.',
  DELAYED: (d) => (d.delayDays ? `Collections are running ${d.delayDays} ${d.delayDays === 1 ? 'day' : 'days'} late.` : 'Collections are running late.'),
  LEAVE_OUT: () => 'Leave your bin out: crews will come back for it when they can.',
};

/** A council's disruption notice, as a banner above everything else on the page. */
export function disruptionBanner(disruption: GraphDisruption, index: number, today: string, councilName: string): SafeHtml {
  const url = externalUrl(disruption.url);
  const when = disruption.endsOn
    ? `From ${formatDayFrom(today, disruption.startsOn)} to ${formatDayFrom(today, disruption.endsOn)}.`
    : `From ${formatDayFrom(today, disruption.startsOn)} until further notice.`;
  return notificationBanner({
    id: `disruption-${index + 1}`,
    title: 'Important',
    heading: disruption.title,
    body: html`
      ${disruption.message && html`<p class="govuk-body">${disruption.message}</p>`}
      <p class="govuk-body">${EFFECTS[disruption.effect]?.(disruption) ?? ''} ${when} Area: ${disruption.area}.</p>
      ${url && html`<p class="govuk-body"><a class="govuk-notification-banner__link" href="${url}">More about this from ${councilName}</a></p>`}`,
  });
}

const TAG_COLOURS: Record<string, string> = {
  MOVED: 'govuk-tag--orange',
  DELAYED: 'govuk-tag--yellow',
  CANCELLED: 'govuk-tag--red',
  COMPLETED: 'govuk-tag--green',
};

/** A status tag for collections that are not on their usual day; the tag's words say the status. */
export function statusTag(status: string): SafeHtml | null {
  if (status === 'SCHEDULED') return null;
  return html`<strong class="govuk-tag ${TAG_COLOURS[status] ?? 'govuk-tag--grey'} binfo-tag-gap">${STATUS_LABELS[status] ?? status}</strong>`;
}

/** A colour swatch for a container; decorative, because the colour is also given in words. */
export function swatch(containers: readonly GraphContainer[]): SafeHtml {
  const colour = containers.find((c) => c.colour)?.colour;
  return html`<span class="binfo-swatch binfo-swatch--${swatchColour(colour)}" aria-hidden="true"></span>`;
}
