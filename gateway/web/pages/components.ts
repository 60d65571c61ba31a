// The data of Binfo's page parts in templates/components.njk (banners, status tags, swatches), in the
// page's language: plain values, which the templates hand to GOV.UK Frontend's macros.
import { externalUrl } from '../../../lib/web/html.js';
import type { GraphContainer, GraphDisruption } from '../graph.js';
import { wordsFor, type Lang } from '../language.js';
import { formatDayFrom } from '../wording.js';
import { swatchColour } from './container-colours.js';
import type { Link } from './render-page.js';

export interface SampleBanner {
  title: string;
  heading: string;
  notice: string;
  link: Link | null;
}

/**
 * Sample data is labelled wherever it appears: this banner goes on every page that shows it. In Welsh the
 * source's own notice (English) gives way to the same fixed sentence in Welsh.
 */
export function sampleBanner(notice: string | null | undefined, council: { name: string; url: string | null }, lang: Lang = 'en'): SampleBanner {
  const words = wordsFor(lang);
  return {
    title: words.sampleTitle,
    heading: words.sampleHeading,
    notice: (lang === 'en' && notice) || words.sampleNotice,
    link: council.url ? { href: council.url, text: words.checkRealDays(council.name) } : null,
  };
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

export interface DisruptionBanner {
  /** The banner's id (`disruption-1`, ...); its title's id adds `-title`. */
  id: string;
  /** The banner's title ("Important"). */
  label: string;
  title: string;
  /** One line: what, when and where. */
  summary: string;
  messageFrom: string;
  message: string | null;
  link: Link | null;
}

/** A council's disruption notice as a short banner: its title, then one line of what, when and where. */
export function disruptionBanner(disruption: GraphDisruption, index: number, today: string, councilName: string, lang: Lang = 'en'): DisruptionBanner {
  const words = wordsFor(lang);
  const url = externalUrl(disruption.url);
  const day = (date: string) => formatDayFrom(today, date, lang);
  const when = disruption.endsOn ? words.fromTo(day(disruption.startsOn), day(disruption.endsOn)) : words.fromUntilFurtherNotice(day(disruption.startsOn));
  return {
    id: `disruption-${index + 1}`,
    label: words.important,
    title: disruption.title,
    summary: [effectWords(disruption, lang), when, words.area(disruption.area)].filter(Boolean).join(' '),
    messageFrom: words.messageFrom(councilName),
    message: disruption.message || null,
    link: url ? { href: url, text: words.moreFrom(councilName) } : null,
  };
}

const TAG_COLOURS: Record<string, string> = {
  MOVED: 'govuk-tag--orange',
  DELAYED: 'govuk-tag--yellow',
  CANCELLED: 'govuk-tag--red',
  COMPLETED: 'govuk-tag--green',
};

export interface StatusTag {
  text: string;
  /** GOV.UK's tag colour class. */
  colour: string;
}

/** A status tag for collections that are not on their usual day; the tag's words say the status. */
export function statusTag(status: string, lang: Lang = 'en'): StatusTag | null {
  if (status === 'SCHEDULED') return null;
  return { text: wordsFor(lang).status[status] ?? status, colour: TAG_COLOURS[status] ?? 'govuk-tag--grey' };
}

/** The swatch class suffix for a service's containers (the first with a colour). */
export function swatch(containers: readonly GraphContainer[]): string {
  return swatchColour(containers.find((c) => c.colour)?.colour);
}
