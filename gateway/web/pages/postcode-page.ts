// Steps 1 and 2 of the bin-day page: GET / asks for a postcode; GET /?postcode=rg1+1aa lists its
// addresses to choose from. GET /address?postcode=…&property=<council>/<uprn> (the address form's
// submission) redirects to the address page, or shows the list again with an error when nothing was chosen.
// Everything is a GET form, so the journey works without JavaScript and every step has a URL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebContext } from '../context.js';
import { COUNCIL_CODE, GraphAnswerError, POSTCODE_QUERY, UPRN, badUserInput, councilFailure, type GraphError, type GraphPostcodeLookup } from '../graph.js';
import { externalUrl, html, type SafeHtml } from '../html.js';
import { redirect, sendHtml } from '../http.js';
import { addressPath } from './address-page.js';
import { errorMessage, errorSummary, sampleBanner } from './components.js';
import { layout } from './layout.js';

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

type PostcodeView =
  | { kind: 'ask'; typed?: string; error?: string }
  | { kind: 'not-covered'; postcode: string; notice: string }
  | { kind: 'no-council'; postcode: string }
  | { kind: 'choose'; postcode: string; councils: CouncilAnswer[]; error?: string };

const POSTCODE_FIELD = 'postcode';
const ADDRESS_FIELD = 'address';

export async function handlePostcodePage(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const typed = url.searchParams.get('postcode');
  if (typed === null) {
    sendHtml(req, res, 200, renderPostcodePage({ kind: 'ask' }));
    return;
  }
  const { status, view } = await lookUp(context, typed);
  sendHtml(req, res, status, renderPostcodePage(view));
}

/** The address form's target: on to the chosen address, or back to the list with "Select your address". */
export async function handleAddressChoice(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const [councilCode, uprn] = (url.searchParams.get('property') ?? '').split('/');
  if (councilCode && uprn && COUNCIL_CODE.test(councilCode) && UPRN.test(uprn)) {
    redirect(req, res, addressPath(councilCode, uprn));
    return;
  }
  const typed = url.searchParams.get('postcode');
  if (typed === null) {
    redirect(req, res, '/');
    return;
  }
  const { status, view } = await lookUp(context, typed);
  if (view.kind === 'choose' && view.councils.some((c) => c.addresses.length > 0)) {
    sendHtml(req, res, 400, renderPostcodePage({ ...view, error: 'Select your address' }));
    return;
  }
  sendHtml(req, res, status, renderPostcodePage(view));
}

async function lookUp(context: WebContext, typed: string): Promise<{ status: number; view: PostcodeView }> {
  const result = await context.execute(POSTCODE_QUERY, { postcode: typed });
  // The graph's own sentence ("… is not a valid UK postcode. A postcode looks like …") is written for people.
  const invalid = badUserInput(result.errors);
  if (invalid) return { status: 400, view: { kind: 'ask', typed, error: invalid.message } };
  const lookup: GraphPostcodeLookup | null | undefined = result.data?.postcode;
  if (lookup === null && !result.errors?.length) {
    return { status: 404, view: { kind: 'ask', typed, error: 'We could not find that postcode. Check it and try again.' } };
  }
  if (!lookup) throw new GraphAnswerError(result.errors);
  if (lookup.coverage !== 'COVERED') {
    return { status: 200, view: { kind: 'not-covered', postcode: lookup.postcode, notice: lookup.notice ?? 'Bin days for this postcode are not covered.' } };
  }
  if (!lookup.councils?.length) return { status: 200, view: { kind: 'no-council', postcode: lookup.postcode } };

  const councils = lookup.councils.map((council, index): CouncilAnswer => {
    const url = externalUrl(council.binDayUrl) ?? externalUrl(council.website);
    const failed = council.properties == null;
    const failure = failed ? councilFailure(errorsAbout(result.errors, index, council.code)) : null;
    if (failed && !failure) throw new GraphAnswerError(result.errors);
    return {
      name: council.name,
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

/** The errors about one council of the lookup: by its path in the answer, or by its code. */
function errorsAbout(errors: readonly GraphError[] | undefined, index: number, code: string): GraphError[] {
  return (errors ?? []).filter(
    (e) => (e.path?.[0] === 'postcode' && e.path?.[1] === 'councils' && e.path?.[2] === index) || e.extensions?.councilCode === code,
  );
}

export function renderPostcodePage(view: PostcodeView): SafeHtml {
  switch (view.kind) {
    case 'ask':
      return layout({ title: 'Find your bin collection days', hasErrors: Boolean(view.error), main: askForPostcode(view.typed, view.error) });
    case 'not-covered':
      return layout({
        title: `Bin days for ${view.postcode}`,
        backLink: { href: '/', text: 'Back' },
        main: html`
          <h1 class="govuk-heading-l">We cannot look up bin days for ${view.postcode}</h1>
          <div class="govuk-inset-text">${view.notice}</div>
          <p class="govuk-body"><a class="govuk-link" href="/">Search for another postcode</a></p>`,
      });
    case 'no-council':
      return layout({
        title: `Bin days for ${view.postcode}`,
        backLink: { href: '/', text: 'Back' },
        main: html`
          <h1 class="govuk-heading-l">We could not find which council collects bins at ${view.postcode}</h1>
          <p class="govuk-body"><a class="govuk-link" href="/">Search for another postcode</a></p>`,
      });
    case 'choose':
      return layout({ title: 'Select your address', hasErrors: Boolean(view.error), backLink: { href: '/', text: 'Back' }, main: chooseAddress(view) });
  }
}

function askForPostcode(typed: string | undefined, error: string | undefined): SafeHtml {
  const describedBy = ['postcode-hint', error && 'postcode-error'].filter(Boolean).join(' ');
  return html`
    ${error && errorSummary([{ text: error, fieldId: POSTCODE_FIELD }])}
    <h1 class="govuk-heading-xl">Find your bin collection days</h1>
    <p class="govuk-body-l">See when each of your bins is collected, including days that move for bank holidays, and add them to your calendar.</p>
    <form action="/" method="get" novalidate>
      <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
        <label class="govuk-label govuk-label--m" for="${POSTCODE_FIELD}">Postcode</label>
        <div id="postcode-hint" class="govuk-hint">For example, RG1 1AA</div>
        ${error && errorMessage('postcode-error', error)}
        <input class="govuk-input govuk-input--width-10${error ? ' govuk-input--error' : ''}" id="${POSTCODE_FIELD}" name="postcode" type="text"
          value="${typed ?? ''}" autocomplete="postal-code" spellcheck="false" aria-describedby="${describedBy}">
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Find bin days</button>
    </form>`;
}

function chooseAddress(view: Extract<PostcodeView, { kind: 'choose' }>): SafeHtml {
  const answering = view.councils.filter((c) => !c.unavailable);
  const unavailable = view.councils.filter((c) => c.unavailable);
  if (answering.length === 0) {
    return html`
      <h1 class="govuk-heading-l">Sorry, we cannot show bin days for ${view.postcode} at the moment</h1>
      ${unavailable.map((council) => unavailableCouncil(council))}
      <p class="govuk-body">You can also try again later.</p>`;
  }
  const addresses = answering.flatMap((council) => council.addresses.map((a) => ({ ...a, council })));
  const sample = answering.find((c) => c.sample);
  const several = answering.length > 1;
  const error = view.error;
  const inputId = (i: number) => (i === 0 ? ADDRESS_FIELD : `${ADDRESS_FIELD}-${i + 1}`);
  if (addresses.length === 0) {
    return html`
      ${sample && sampleBanner(sample.sample?.notice, { name: sample.name, url: sample.url })}
      <h1 class="govuk-heading-l">We could not find any addresses in ${view.postcode}</h1>
      ${unavailable.map((council) => unavailableCouncil(council))}
      ${answering.map((c) => c.url && html`<p class="govuk-body">Check your bin days on <a class="govuk-link" href="${c.url}">${c.name}'s website</a>.</p>`)}
      <p class="govuk-body"><a class="govuk-link" href="/">Search for another postcode</a></p>`;
  }
  return html`
    ${error && errorSummary([{ text: error, fieldId: ADDRESS_FIELD }])}
    ${sample && sampleBanner(sample.sample?.notice, { name: sample.name, url: sample.url })}
    ${unavailable.map((council) => unavailableCouncil(council))}
    <form action="/address" method="get" novalidate>
      <input type="hidden" name="postcode" value="${view.postcode}">
      <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
        <fieldset class="govuk-fieldset" aria-describedby="address-hint${error ? ' address-error' : ''}">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
            <h1 class="govuk-fieldset__heading">Select your address</h1>
          </legend>
          <div id="address-hint" class="govuk-hint">Addresses in ${view.postcode}${several ? '' : ` collected by ${answering[0].name}`}</div>
          ${error && errorMessage('address-error', error)}
          <div class="govuk-radios" data-module="govuk-radios">
            ${addresses.map((a, i) => html`
            <div class="govuk-radios__item">
              <input class="govuk-radios__input" id="${inputId(i)}" name="property" type="radio" value="${a.value}"${several && html` aria-describedby="${inputId(i)}-hint"`}>
              <label class="govuk-label govuk-radios__label" for="${inputId(i)}">${a.label}</label>
              ${several && html`<div id="${inputId(i)}-hint" class="govuk-hint govuk-radios__hint">Collected by ${a.council.name}</div>`}
            </div>`)}
          </div>
        </fieldset>
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
    </form>
    <p class="govuk-body"><a class="govuk-link" href="/">Search for another postcode</a></p>`;
}

function unavailableCouncil(council: CouncilAnswer): SafeHtml {
  const fallback = council.unavailable?.fallbackUrl;
  return html`
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        ${council.name}'s bin collection service is not available at the moment.
      </strong>
    </div>
    ${fallback && html`<p class="govuk-body"><a class="govuk-link" href="${fallback}">Check your bin day on ${council.name}'s website</a></p>`}`;
}
