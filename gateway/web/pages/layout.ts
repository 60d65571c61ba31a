// The page shell: GOV.UK Frontend's page template, minus its script and GOV.UK's branding. Binfo is not
// a government service, so the header is the Design System's generic header with Binfo's name, and the
// footer has no crown.
import { assetUrl } from '../assets.js';
import { html, type SafeHtml } from '../html.js';

export const SERVICE_NAME = 'Binfo — bin collection days';

export interface Page {
  /** The page's own title; " – Binfo" is added, and "Error: " when the page shows errors (GOV.UK pattern). */
  title: string;
  hasErrors?: boolean;
  backLink?: { href: string; text: string } | null;
  main: SafeHtml;
}

export function layout(page: Page): SafeHtml {
  return html`<!DOCTYPE html>
<html lang="en-GB" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${page.hasErrors ? 'Error: ' : ''}${page.title} – Binfo</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#0b0c0c">
  <link rel="icon" href="${assetUrl('binfo-icon.svg')}" type="image/svg+xml">
  <link rel="stylesheet" href="${assetUrl('govuk-frontend.min.css')}">
  <link rel="stylesheet" href="${assetUrl('binfo.css')}">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-template__header">
    <div class="govuk-generic-header">
      <div class="govuk-generic-header__container govuk-width-container">
        <div class="govuk-generic-header__logo">
          <a href="/" class="govuk-generic-header__homepage-link"><span class="binfo-header__service-name">${SERVICE_NAME}</span></a>
        </div>
      </div>
    </div>
  </header>
  <div class="govuk-width-container">
    ${page.backLink && html`<nav aria-label="Back"><a href="${page.backLink.href}" class="govuk-back-link">${page.backLink.text}</a></nav>`}
    <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
      ${page.main}
    </main>
  </div>
  <footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <h2 class="govuk-visually-hidden">About Binfo</h2>
          <p class="govuk-body-s">Binfo is not a government service. Collection days come from each council; where a council has not connected its own data yet, Binfo shows sample days and says so.</p>
          <p class="govuk-body-s">Contains OS data © Crown copyright and database right 2021-2025. Contains Royal Mail data © Royal Mail copyright and database right 2021-2025. Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Bank holidays from GOV.UK, Open Government Licence v3.0.</p>
        </div>
      </div>
    </div>
  </footer>
</body>
</html>
`;
}
