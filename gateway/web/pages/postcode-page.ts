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
import { externalUrl, type SafeHtml } from '../../../lib/web/html.js';
import { redirect, sendHtml } from '../../../lib/web/http.js';
import { councilName, inLanguage, languageNavigation, languageOf, wordsFor, type Lang } from '../language.js';
import { addressPath } from './address-page.js';
import { sampleBanner } from './components.js';
import { renderPage, type Link, type PageChrome } from './render-page.js';

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


export async function handlePostcodePage(context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const lang = languageOf(url);
  const languages = languageNavigation(url, lang);
  const typed = url.searchParams.get('postcode');
  if (typed === null) {
    sendHtml(req, res, 200, renderPostcodePage({ kind: 'ask' }, lang, languages));
    return;
  }
  const { status, view } = await lookUp(context, typed, lang);
  sendHtml(req, res, status, renderPostcodePage(view, lang, languages));
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
  const languages = languageNavigation(url, lang);
  const { status, view } = await lookUp(context, typed, lang);
  if (view.kind === 'choose' && view.councils.some((c) => c.addresses.length > 0)) {
    sendHtml(req, res, 400, renderPostcodePage({ ...view, error: wordsFor(lang).selectAddress }, lang, languages));
    return;
  }
  sendHtml(req, res, status, renderPostcodePage(view, lang, languages));
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

/** The page for one state of the postcode step, in the page's language. */
export function renderPostcodePage(view: PostcodeView, lang: Lang = 'en', languages: PageChrome['languageNavigation'] = null): SafeHtml {
  const words = wordsFor(lang);
  const home = inLanguage('/', lang);
  const searchAgain: Link = { href: home, text: words.searchAnother };
  const chrome = { lang, languageNavigation: languages, backHref: home };
  switch (view.kind) {
    case 'ask':
      return renderPage('postcode.njk', { ...chrome, backHref: null, title: words.findTitle, hasErrors: Boolean(view.error) }, {
        heading: words.findTitle,
        lead: words.findLead,
        welsh: lang === 'cy',
        typed: view.typed ?? '',
        error: view.error ?? null,
        errorSummaryTitle: words.thereIsAProblem,
        errorHidden: words.errorHidden,
        label: words.postcodeLabel,
        hint: words.postcodeHint,
        button: words.findButton,
      });
    case 'northern-ireland':
      return renderPage('northern-ireland.njk', { ...chrome, title: words.binDaysFor(view.postcode) }, {
        heading: words.cannotLookUp(view.postcode),
        explanation: words.northernIreland,
        councilsHeading: words.northernIrelandCouncils,
        councils: view.councils.map((c) => ({ name: c.name, href: c.url, kind: c.binDayPage ? words.binDayPage : words.website })),
        searchAgain,
      });
    case 'not-covered':
      return renderPage('cannot-look-up.njk', { ...chrome, title: words.binDaysFor(view.postcode) }, {
        heading: words.cannotLookUp(view.postcode),
        inset: view.coverage === 'CROWN_DEPENDENCY_NOT_COVERED' ? words.crownDependency : words.notCoveredOther,
        searchAgain,
      });
    case 'no-council':
      return renderPage('cannot-look-up.njk', { ...chrome, title: words.binDaysFor(view.postcode) }, {
        heading: words.noCouncil(view.postcode),
        inset: null,
        searchAgain,
      });
    case 'choose':
      return renderPage('address-choice.njk', { ...chrome, title: words.selectAddress, hasErrors: Boolean(view.error) }, chooseAddress(view, lang, searchAgain));
  }
}

function chooseAddress(view: Extract<PostcodeView, { kind: 'choose' }>, lang: Lang, searchAgain: Link) {
  const words = wordsFor(lang);
  const answering = view.councils.filter((c) => !c.unavailable);
  const unavailable = view.councils.filter((c) => c.unavailable).map((council) => unavailableCouncil(council, lang));
  const sampleCouncil = answering.find((c) => c.sample);
  const sample = sampleCouncil ? sampleBanner(sampleCouncil.sample?.notice, { name: sampleCouncil.name, url: sampleCouncil.url }, lang) : null;
  const common = { sample, unavailable, searchAgain };
  if (answering.length === 0) {
    return { ...common, sample: null, mode: 'none-answered', heading: words.cannotShowPostcode(view.postcode), tryLater: words.tryLater };
  }
  const several = answering.length > 1;
  const items = answering.flatMap((council) => council.addresses.map((a) => ({
    value: a.value,
    text: a.label,
    hint: several ? words.collectedBy(council.name) : null,
  })));
  if (items.length === 0) {
    return {
      ...common,
      mode: 'no-addresses',
      heading: words.noAddresses(view.postcode),
      councilLinks: answering.flatMap((c) => (c.url ? [{ href: c.url, text: words.checkDaysOnWebsite(c.name) }] : [])),
    };
  }
  return {
    ...common,
    mode: 'choose',
    form: {
      postcode: view.postcode,
      welsh: lang === 'cy',
      legend: words.selectAddress,
      hint: several ? words.addressesIn(view.postcode) : words.addressesInCollectedBy(view.postcode, answering[0].name),
      error: view.error ?? null,
      errorSummaryTitle: words.thereIsAProblem,
      errorHidden: words.errorHidden,
      items,
      button: words.continue,
    },
  };
}

function unavailableCouncil(council: CouncilAnswer, lang: Lang) {
  const words = wordsFor(lang);
  const fallback = council.unavailable?.fallbackUrl;
  return {
    warning: words.serviceDown(council.name),
    warningHidden: words.warning,
    fallback: fallback ? { href: fallback, text: words.checkOnWebsite(council.name) } : null,
  };
}
