// The resident page's GOV.UK components are GOV.UK Frontend's own Nunjucks macros, not copies of their
// markup: each is compared with a direct render of the macro from node_modules/govuk-frontend with the same
// options, so hand-written markup (or a stale copy after an upgrade) fails here. And autoescaping is on: a
// council's notice with a <script> in it reaches the page as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../lib/http/listen.js';
import { createTemplateEnvironment } from '../../lib/web/templates.js';
import { languageNavigation, wordsFor } from '../../gateway/web/language.js';
import { renderPostcodePage } from '../../gateway/web/pages/postcode-page.js';
import { CANNED_COUNCIL, CANNED_UPRN, SNOW, cannedGraph } from './canned-graph.js';
import { serveWeb } from './web-test-server.js';

const govuk = createTemplateEnvironment({ templateDirs: [] });

/** GOV.UK Frontend's macro `name` from `component`, rendered on its own with `params`. */
function macro(component: string, name: string, params: Record<string, unknown>): string {
  const source = `{% from "govuk/components/${component}/macro.njk" import ${name} %}{{ ${name}(params) }}`;
  return govuk.renderString(source, { params }).trim();
}

describe('the resident page uses GOV.UK Frontend\'s macros', () => {
  const words = wordsFor('en');
  const error = 'Enter a real postcode <like RG1 1AA>';
  const askAgain = renderPostcodePage({ kind: 'ask', typed: 'nonsense', error }, 'en', languageNavigation(new URL('http://localhost/?postcode=nonsense'), 'en')).value;

  it('renders the error summary exactly as govukErrorSummary does', () => {
    const expected = macro('error-summary', 'govukErrorSummary', { titleText: words.thereIsAProblem, errorList: [{ text: error, href: '#postcode' }] });
    expect(expected).toContain('govuk-error-summary__list');
    expect(askAgain).toContain(expected);
  });

  it('renders the postcode field exactly as govukInput does, error message included', () => {
    const expected = macro('input', 'govukInput', {
      id: 'postcode',
      name: 'postcode',
      label: { text: words.postcodeLabel, classes: 'govuk-label--m' },
      hint: { text: words.postcodeHint },
      errorMessage: { text: error, visuallyHiddenText: words.errorHidden },
      classes: 'govuk-input--width-10',
      value: 'nonsense',
      autocomplete: 'postal-code',
      spellcheck: false,
    });
    expect(expected).toContain('<span class="govuk-visually-hidden">Error:</span>');
    expect(askAgain).toContain(expected);
  });

  it('renders the language toggle exactly as govukLanguageNavigation does', () => {
    const expected = macro('language-navigation', 'govukLanguageNavigation', {
      ariaLabel: 'Language',
      classes: 'binfo-language',
      items: [
        { text: 'English', lang: 'en', current: true },
        { text: 'Cymraeg', lang: 'cy', current: false, href: '/?postcode=nonsense&lang=cy' },
      ],
    });
    expect(askAgain).toContain(expected);
  });

  it('renders the address choice exactly as govukRadios does', () => {
    const council = { name: 'Reading Borough Council', code: 'E06000038', url: null, sample: null, unavailable: null };
    const page = renderPostcodePage({
      kind: 'choose',
      postcode: 'RG1 1AA',
      error: words.selectAddress,
      councils: [{ ...council, addresses: [{ value: 'E06000038/1', label: '1 Road' }, { value: 'E06000038/2', label: '2 Road' }] }],
    }).value;
    const expected = macro('radios', 'govukRadios', {
      name: 'property',
      idPrefix: 'address',
      fieldset: { legend: { text: words.selectAddress, isPageHeading: true, classes: 'govuk-fieldset__legend--l' } },
      hint: { text: words.addressesInCollectedBy('RG1 1AA', council.name) },
      errorMessage: { text: words.selectAddress, visuallyHiddenText: words.errorHidden },
      items: [{ value: 'E06000038/1', text: '1 Road' }, { value: 'E06000038/2', text: '2 Road' }],
    });
    expect(expected).toContain('govuk-radios__input');
    expect(page).toContain(expected);
  });
});

describe('autoescaping', () => {
  const hostile = {
    ...SNOW,
    title: '<script>alert("title")</script>',
    message: 'Roads closed <script>alert("message")</script> & bins stay in',
    area: '<img src=x onerror=alert(1)>',
  };
  let web: RunningServer;
  beforeAll(async () => {
    web = await serveWeb({ execute: cannedGraph({ disruptions: [hostile] }), today: () => '2026-11-30' });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('shows a council notice containing <script> as text, never as markup', async () => {
    const response = await fetch(`${web.url}/address/${CANNED_COUNCIL}/${CANNED_UPRN}`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).not.toMatch(/<script|<img/i);
    const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const heading = /<p class="govuk-notification-banner__heading">([^<]*)<\/p>/.exec(body);
    expect(heading?.[1]).toBe('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(decode(heading![1])).toBe(hostile.title);
    expect(body).toContain('Roads closed &lt;script&gt;alert(&quot;message&quot;)&lt;/script&gt; &amp; bins stay in');
    expect(body).toContain('Area: &lt;img src=x onerror=alert(1)&gt;.');
  });
});
