// The page for anything unexpected (the graph failed in a way no page explains): GOV.UK's wording.
import type { SafeHtml } from '../../../lib/web/html.js';
import { inLanguage, wordsFor, type Lang } from '../language.js';
import { renderPage } from './render-page.js';

export function problemPage(lang: Lang = 'en'): SafeHtml {
  const words = wordsFor(lang);
  return renderPage('problem.njk', { lang, title: words.problemTitle }, {
    heading: words.problemTitle,
    tryLater: words.problemTryLater,
    search: { href: inLanguage('/', lang), text: words.searchYourPostcode },
  });
}
