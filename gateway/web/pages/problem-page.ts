// The page for anything unexpected (the graph failed in a way no page explains): GOV.UK's wording.
import { html, type SafeHtml } from '../../../lib/web/html.js';
import { inLanguage, wordsFor, type Lang } from '../language.js';
import { layout } from './layout.js';

export function problemPage(lang: Lang = 'en'): SafeHtml {
  const words = wordsFor(lang);
  return layout({
    lang,
    title: words.problemTitle,
    main: html`
      <h1 class="govuk-heading-l">${words.problemTitle}</h1>
      <p class="govuk-body">${words.problemTryLater}</p>
      <p class="govuk-body"><a class="govuk-link" href="${inLanguage('/', lang)}">${words.searchYourPostcode}</a></p>`,
  });
}
