// Renders a resident page: a Nunjucks template in gateway/web/templates that extends the shared
// lib/web/templates/binfo-layout.njk and calls GOV.UK Frontend's own macros. The page modules hand it plain
// values (words already in the page's language, dates already written); autoescaping does the rest.
import { assetUrl } from '../../../lib/web/assets.js';
import { SafeHtml } from '../../../lib/web/html.js';
import { projectPath } from '../../../lib/project-path.js';
import { createTemplateEnvironment, renderTemplate } from '../../../lib/web/templates.js';
import { inLanguage, wordsFor, type Lang, type LanguageItem } from '../language.js';

/**
 * Found from the project root, not from this module, so the bundled dist/start.js finds them too. One
 * environment per process: Nunjucks caches each compiled template after its first read.
 */
export const RESIDENT_TEMPLATES = projectPath('gateway', 'web', 'templates');
const environment = createTemplateEnvironment({ templateDirs: [RESIDENT_TEMPLATES, projectPath('lib', 'web', 'templates')] });

export interface Link {
  href: string;
  text: string;
}

export interface PageChrome {
  lang: Lang;
  /** The page's own title; "Error: " goes before it when the page shows errors (GOV.UK pattern), " – Binfo" after. */
  title: string;
  hasErrors?: boolean;
  /** English / Cymraeg: every page a resident reaches from a link has it. */
  languageNavigation?: { label: string; items: LanguageItem[] } | null;
  /** Where "Back" goes, in the page's language. */
  backHref?: string | null;
}

/** The whole page as HTML. `view` is the template's own data, as plain values. */
export function renderPage(template: string, chrome: PageChrome, view: object): SafeHtml {
  const words = wordsFor(chrome.lang);
  const rendered = renderTemplate(environment, template, {
    // binfo-layout.njk's variables (documented at its top).
    htmlLang: words.htmlLang,
    pageTitle: chrome.title,
    hasErrors: Boolean(chrome.hasErrors),
    errorPrefix: words.errorPrefix,
    titleServiceName: 'Binfo',
    skipLinkText: words.skipLink,
    serviceName: words.serviceName,
    serviceUrl: inLanguage('/', chrome.lang),
    assets: { css: assetUrl('govuk-frontend.min.css'), binfoCss: assetUrl('binfo.css'), icon: assetUrl('binfo-icon.svg') },
    footerHeading: words.aboutBinfo,
    footerLines: [words.footerAbout, words.footerAttribution],
    // resident-page.njk's.
    languageNavigation: chrome.languageNavigation ?? null,
    backLink: chrome.backHref ? { href: chrome.backHref, text: words.back } : null,
    view,
  });
  // Nunjucks escaped every value as it rendered, so the whole page is safe HTML for sendHtml.
  return new SafeHtml(rendered);
}
