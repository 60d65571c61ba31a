// The page shell: GOV.UK Frontend's page template, minus its script and GOV.UK's branding. Binfo is not
// a government service, so the header is the Design System's generic header with Binfo's name, and the
// footer has no crown.
import { assetUrl } from '../../../lib/web/assets.js';
import { html, type SafeHtml } from '../../../lib/web/html.js';
import { inLanguage, wordsFor, type Lang } from '../language.js';

export const SERVICE_NAME = wordsFor('en').serviceName;

export interface Page {
  /** The page's own title; " – Binfo" is added, and "Error: " when the page shows errors (GOV.UK pattern). */
  title: string;
  hasErrors?: boolean;
  backLink?: { href: string; text: string } | null;
  main: SafeHtml;
  /** The page's language (English by default). */
  lang?: Lang;
  /** The link to this page in the other language; every page a resident reaches has one. */
  toggle?: { href: string; text: string; hreflang: string } | null;
}

export function layout(page: Page): SafeHtml {
  const lang = page.lang ?? 'en';
  const words = wordsFor(lang);
  return html`<!DOCTYPE html>
<html lang="${words.htmlLang}" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${page.hasErrors ? words.errorPrefix : ''}${page.title} – Binfo</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#0b0c0c">
  <link rel="icon" href="${assetUrl('binfo-icon.svg')}" type="image/svg+xml">
  <link rel="stylesheet" href="${assetUrl('govuk-frontend.min.css')}">
  <link rel="stylesheet" href="${assetUrl('binfo.css')}">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">${words.skipLink}</a>
  <header class="govuk-template__header">
    <div class="govuk-generic-header">
      <div class="govuk-generic-header__container govuk-width-container">
        <div class="govuk-generic-header__logo">
          <a href="${inLanguage('/', lang)}" class="govuk-generic-header__homepage-link"><span class="binfo-header__service-name">${words.serviceName}</span></a>
        </div>
      </div>
    </div>
  </header>
  <div class="govuk-width-container">
    ${page.toggle && html`<nav class="binfo-language govuk-body-s" aria-label="${words.languageNav}"><a class="govuk-link" href="${page.toggle.href}" hreflang="${page.toggle.hreflang}" lang="${page.toggle.hreflang}">${page.toggle.text}</a></nav>`}
    ${page.backLink && html`<nav aria-label="${words.back}"><a href="${page.backLink.href}" class="govuk-back-link">${page.backLink.text}</a></nav>`}
    <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
      ${page.main}
    </main>
  </div>
  <footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <h2 class="govuk-visually-hidden">${words.aboutBinfo}</h2>
          <p class="govuk-body-s">${words.footerAbout}</p>
          <p class="govuk-body-s">${words.footerAttribution}</p>
        </div>
      </div>
    </div>
  </footer>
</body>
</html>
`;
}
