// Steps 1 and 2 of the bin-day page: GET / asks for a postcode; GET /?postcode=rg1+1aa lists its
// addresses to choose from. GET /address?postcode=…&property=<council>/<uprn> (the address form's
// submission) redirects to the address page, or shows the list again with an error when nothing was chosen.
// Everything is a GET form, so the journey works without JavaScript and every step has a URL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebContext } from '../context.js';
import {
  COUNCIL_CODE, GraphAnswerError, NATION_COUNCILS_QUERY, POSTCODE_QUERY, UPRN, badUserInput, councilFailure,
  type GraphError, type GraphNationCouncil, type GraphPostcodeLookup,
} from '../graph.js';
import { externalUrl, html, type SafeHtml } from '../../../lib/web/html.js';
import { redirect, sendHtml } from '../../../lib/web/http.js';
import { councilName, inLanguage, languageOf, languageToggle, wordsFor, type Lang } from '../language.js';
import { addressPath } from './address-page.js';
import { errorMessage, errorSummary, sampleBanner } from './components.js';
import { layout, type Page } from './layout.js';

interface AddressChoice {
  value: string;
  label: string;
}

interface CouncilAnswer {
  name: string;
  code: string;
  url: string | null;
  sample: { notice: string | null } | null;
  addresses: AddressChoice[];
  /** Set when the council could not answer: where residents can look instead. */
  unavailable: { fallbackUrl: string | null } | null;
}

/** A council to find by its own page when the directory cannot say which one collects (Northern Ireland). */
interface CouncilLink {
  name: string;
  url: string;
  /** Whether `url` is the council's bin collection page, or only its homepage. */
  binDayPage: boolean;
}

type PostcodeView =
  | { kind: 'ask'; typed?: string; error?: string }
  | { kind: 'northern-ireland'; postcode: string; councils: CouncilLink[] }
  | { kind: 'not-covered'; postcode: string; coverage: string }
  | { kind: 'no-council'; postcode: string }
  | { kind: 'choose'; postcode: string; councils: CouncilAnswer[]; error?: string };

const POSTCODE_FIELD = 'postcode';
const ADDRESS_FIELD = 'address';

export async function handlePostcodePage(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const lang = languageOf(url);
  const toggle = languageToggle(url, lang);
  const typed = url.searchParams.get('postcode');
  if (typed === null) {
    sendHtml(req, res, 200, renderPostcodePage({ kind: 'ask' }, lang, toggle));
    return;
  }
  const { status, view } = await lookUp(context, typed, lang);
  sendHtml(req, res, status, renderPostcodePage(view, lang, toggle));
}

/** The address form's target: on to the chosen address, or back to the list with "Select your address". */
export async function handleAddressChoice(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const lang = languageOf(url);
  const [councilCode, uprn] = (url.searchParams.get('property') ?? '').split('/');
  if (councilCode && uprn && COUNCIL_CODE.test(councilCode) && UPRN.test(uprn)) {
    redirect(req, res, inLanguage(addressPath(councilCode, uprn), lang));
    return;
  }
  const typed = url.searchParams.get('postcode');
  if (typed === null) {
    redirect(req, res, inLanguage('/', lang));
    return;
  }
  const toggle = languageToggle(url, lang);
  const { status, view } = await lookUp(context, typed, lang);
  if (view.kind === 'choose' && view.councils.some((c) => c.addresses.length > 0)) {
    sendHtml(req, res, 400, renderPostcodePage({ ...view, error: wordsFor(lang).selectAddress }, lang, toggle));
    return;
  }
  sendHtml(req, res, status, renderPostcodePage(view, lang, toggle));
}

async function lookUp(context: WebContext, typed: string, lang: Lang): Promise<{ status: number; view: PostcodeView }> {
  const words = wordsFor(lang);
  const result = await context.execute(POSTCODE_QUERY, { postcode: typed });
  // The graph's own sentence ("… is not a valid UK postcode. A postcode looks like …") is written for people.
  const invalid = badUserInput(result.errors);
  if (invalid) return { status: 400, view: { kind: 'ask', typed, error: words.invalidPostcode(forPeople(invalid.message)) } };
  const lookup: GraphPostcodeLookup | null | undefined = result.data?.postcode;
  if (lookup === null && !result.errors?.length) {
    return { status: 404, view: { kind: 'ask', typed, error: words.postcodeNotFound } };
  }
  if (!lookup) throw new GraphAnswerError(result.errors);
  if (lookup.coverage === 'NORTHERN_IRELAND_NOT_COVERED') {
    return { status: 200, view: { kind: 'northern-ireland', postcode: lookup.postcode, councils: await northernIrelandCouncils(context) } };
  }
  // The graph's notice is written for developers (it may name a query); residents get a sentence of ours.
  if (lookup.coverage !== 'COVERED') return { status: 200, view: { kind: 'not-covered', postcode: lookup.postcode, coverage: lookup.coverage } };
  if (!lookup.councils?.length) return { status: 200, view: { kind: 'no-council', postcode: lookup.postcode } };

  const councils = lookup.councils.map((council, index): CouncilAnswer => {
    const url = externalUrl(council.binDayUrl) ?? externalUrl(council.website);
    const failed = council.properties == null;
    const failure = failed ? councilFailure(errorsAbout(result.errors, index, council.code)) : null;
    if (failed && !failure) throw new GraphAnswerError(result.errors);
    return {
      name: councilName(lang, council.code, council.name),
      code: council.code,
      url,
      sample: council.dataSource?.kind === 'SAMPLE' ? { notice: council.dataSource.notice } : null,
      addresses: (council.properties ?? []).map((p) => ({ value: `${p.councilCode}/${p.uprn}`, label: p.address?.singleLine ?? `Property ${p.uprn}` })),
      unavailable: failure ? { fallbackUrl: failure.fallbackUrl ?? url } : null,
    };
  });
  // A council that could not answer is shown with its own bin-day link: the page still does its job for the
  // resident (where to look), so it is a 200, not an error page (a 5xx would also hide the link from some clients).
  return { status: 200, view: { kind: 'choose', postcode: lookup.postcode, councils } };
}

/**
 * The sentence of a BAD_USER_INPUT message without the location GraphQL puts before it when the input came in
 * a variable ('Variable $postcode (argument "postcode" of properties): '): residents typed a postcode, not a variable.
 */
function forPeople(message: string): string {
  return message.replace(/^Variable \$\w+ \(argument "\w+" of \w+\): /, '');
}

/** Northern Ireland's councils from the registry, each with its bin-day page, else its homepage. */
async function northernIrelandCouncils(context: WebContext): Promise<CouncilLink[]> {
  const result = await context.execute(NATION_COUNCILS_QUERY, { nation: 'NORTHERN_IRELAND' });
  const councils: GraphNationCouncil[] | undefined = result.data?.councils;
  if (!councils) throw new GraphAnswerError(result.errors);
  return councils.flatMap((c) => {
    const binDayPage = externalUrl(c.binDayUrl);
    const url = binDayPage ?? externalUrl(c.website);
    return url ? [{ name: c.name, url, binDayPage: Boolean(binDayPage) }] : [];
  });
}

/** The errors about one council of the lookup: by its path in the answer, or by its code. */
function errorsAbout(errors: readonly GraphError[] | undefined, index: number, code: string): GraphError[] {
  return (errors ?? []).filter(
    (e) => (e.path?.[0] === 'postcode' && e.path?.[1] === 'councils' && e.path?.[2] === index) || e.extensions?.councilCode === code,
  );
}

export function renderPostcodePage(view: PostcodeView, lang: Lang = 'en', toggle: Page['toggle'] = null): SafeHtml {
  const words = wordsFor(lang);
  const home = inLanguage('/', lang);
  const searchAgain = html`<p class="govuk-body"><a class="govuk-link" href="${home}">${words.searchAnother}</a></p>`;
  const page = { lang, toggle, backLink: { href: home, text: words.back } };
  switch (view.kind) {
    case 'ask':
      return layout({ ...page, backLink: null, title: words.findTitle, hasErrors: Boolean(view.error), main: askForPostcode(view.typed, view.error, lang) });
    case 'northern-ireland':
      return layout({
        ...page,
        title: words.binDaysFor(view.postcode),
        main: html`
          <h1 class="govuk-heading-l">${words.cannotLookUp(view.postcode)}</h1>
          <p class="govuk-body">${words.northernIreland}</p>
          <h2 class="govuk-heading-m">${words.northernIrelandCouncils}</h2>
          <ul class="govuk-list govuk-list--spaced">
            ${view.councils.map((c) => html`<li><a class="govuk-link" href="${c.url}">${c.name}</a> <span class="govuk-body-s">(${c.binDayPage ? words.binDayPage : words.website})</span></li>`)}
          </ul>
          ${searchAgain}`,
      });
    case 'not-covered':
      return layout({
        ...page,
        title: words.binDaysFor(view.postcode),
        main: html`
          <h1 class="govuk-heading-l">${words.cannotLookUp(view.postcode)}</h1>
          <div class="govuk-inset-text">${view.coverage === 'CROWN_DEPENDENCY_NOT_COVERED' ? words.crownDependency : words.notCoveredOther}</div>
          ${searchAgain}`,
      });
    case 'no-council':
      return layout({
        ...page,
        title: words.binDaysFor(view.postcode),
        main: html`
          <h1 class="govuk-heading-l">${words.noCouncil(view.postcode)}</h1>
          ${searchAgain}`,
      });
    case 'choose':
      return layout({ ...page, title: words.selectAddress, hasErrors: Boolean(view.error), main: chooseAddress(view, lang) });
  }
}

function askForPostcode(typed: string | undefined, error: string | undefined, lang: Lang): SafeHtml {
  const words = wordsFor(lang);
  const describedBy = ['postcode-hint', error && 'postcode-error'].filter(Boolean).join(' ');
  return html`
    ${error && errorSummary([{ text: error, fieldId: POSTCODE_FIELD }], lang)}
    <h1 class="govuk-heading-xl">${words.findTitle}</h1>
    <p class="govuk-body-l">${words.findLead}</p>
    <form action="/" method="get" novalidate>
      ${lang === 'cy' && html`<input type="hidden" name="lang" value="cy">`}
      <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
        <label class="govuk-label govuk-label--m" for="${POSTCODE_FIELD}">${words.postcodeLabel}</label>
        <div id="postcode-hint" class="govuk-hint">${words.postcodeHint}</div>
        ${error && errorMessage('postcode-error', error, lang)}
        <input class="govuk-input govuk-input--width-10${error ? ' govuk-input--error' : ''}" id="${POSTCODE_FIELD}" name="postcode" type="text"
          value="${typed ?? ''}" autocomplete="postal-code" spellcheck="false" aria-describedby="${describedBy}">
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">${words.findButton}</button>
    </form>`;
}

function chooseAddress(view: Extract<PostcodeView, { kind: 'choose' }>, lang: Lang): SafeHtml {
  const words = wordsFor(lang);
  const home = inLanguage('/', lang);
  const answering = view.councils.filter((c) => !c.unavailable);
  const unavailable = view.councils.filter((c) => c.unavailable);
  if (answering.length === 0) {
    return html`
      <h1 class="govuk-heading-l">${words.cannotShowPostcode(view.postcode)}</h1>
      ${unavailable.map((council) => unavailableCouncil(council, lang))}
      <p class="govuk-body">${words.tryLater}</p>`;
  }
  const addresses = answering.flatMap((council) => council.addresses.map((a) => ({ ...a, council })));
  const sample = answering.find((c) => c.sample);
  const several = answering.length > 1;
  const error = view.error;
  const inputId = (i: number) => (i === 0 ? ADDRESS_FIELD : `${ADDRESS_FIELD}-${i + 1}`);
  if (addresses.length === 0) {
    return html`
      ${sample && sampleBanner(sample.sample?.notice, { name: sample.name, url: sample.url }, lang)}
      <h1 class="govuk-heading-l">${words.noAddresses(view.postcode)}</h1>
      ${unavailable.map((council) => unavailableCouncil(council, lang))}
      ${answering.map((c) => c.url && html`<p class="govuk-body"><a class="govuk-link" href="${c.url}">${words.checkDaysOnWebsite(c.name)}</a>.</p>`)}
      <p class="govuk-body"><a class="govuk-link" href="${home}">${words.searchAnother}</a></p>`;
  }
  return html`
    ${error && errorSummary([{ text: error, fieldId: ADDRESS_FIELD }], lang)}
    ${sample && sampleBanner(sample.sample?.notice, { name: sample.name, url: sample.url }, lang)}
    ${unavailable.map((council) => unavailableCouncil(council, lang))}
    <form action="/address" method="get" novalidate>
      <input type="hidden" name="postcode" value="${view.postcode}">
      ${lang === 'cy' && html`<input type="hidden" name="lang" value="cy">`}
      <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
        <fieldset class="govuk-fieldset" aria-describedby="address-hint${error ? ' address-error' : ''}">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
            <h1 class="govuk-fieldset__heading">${words.selectAddress}</h1>
          </legend>
          <div id="address-hint" class="govuk-hint">${several ? words.addressesIn(view.postcode) : words.addressesInCollectedBy(view.postcode, answering[0].name)}</div>
          ${error && errorMessage('address-error', error, lang)}
          <div class="govuk-radios" data-module="govuk-radios">
            ${addresses.map((a, i) => html`
            <div class="govuk-radios__item">
              <input class="govuk-radios__input" id="${inputId(i)}" name="property" type="radio" value="${a.value}"${several && html` aria-describedby="${inputId(i)}-hint"`}>
              <label class="govuk-label govuk-radios__label" for="${inputId(i)}">${a.label}</label>
              ${several && html`<div id="${inputId(i)}-hint" class="govuk-hint govuk-radios__hint">${words.collectedBy(a.council.name)}</div>`}
            </div>`)}
          </div>
        </fieldset>
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">${words.continue}</button>
    </form>
    <p class="govuk-body"><a class="govuk-link" href="${home}">${words.searchAnother}</a></p>`;
}

function unavailableCouncil(council: CouncilAnswer, lang: Lang): SafeHtml {
  const words = wordsFor(lang);
  const fallback = council.unavailable?.fallbackUrl;
  return html`
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">${words.warning}</span>
        ${words.serviceDown(council.name)}
      </strong>
    </div>
    ${fallback && html`<p class="govuk-body"><a class="govuk-link" href="${fallback}">${words.checkOnWebsite(council.name)}</a></p>`}`;
}
