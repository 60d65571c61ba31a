// The page for anything unexpected (the graph failed in a way no page explains): GOV.UK's wording.
import { html, type SafeHtml } from '../html.js';
import { layout } from './layout.js';

export function problemPage(): SafeHtml {
  return layout({
    title: 'Sorry, there is a problem with the service',
    main: html`
      <h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>
      <p class="govuk-body">Try again later.</p>
      <p class="govuk-body"><a class="govuk-link" href="/">Search for your postcode</a></p>`,
  });
}
