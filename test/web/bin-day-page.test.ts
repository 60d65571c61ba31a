// The bin-day page at the HTML level, over real HTTP: the no-JavaScript journey (GET forms), the GOV.UK
// error pattern with the graph's own messages, escaping, security headers, and the council fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../lib/http/listen.js';
import { CANNED_COUNCIL, CANNED_UPRN, SNOW, cannedGraph } from './canned-graph.js';
import { READING, serveWeb, startWebTestServer, type WebTestServer } from './web-test-server.js';

/** The week before Christmas 2026, so the four weeks shown include collections moved by the bank holidays. */
const TODAY = '2026-12-21';

let server: WebTestServer;
let uprn: string;

beforeAll(async () => {
  server = await startWebTestServer({ today: () => TODAY });
  const result = await server.execute(`{ postcode(code: "RG1 1AA") { councils { properties(postcode: "RG1 1AA") { uprn } } } }`);
  uprn = result.data.postcode.councils[0].properties[0].uprn;
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string, base = server.url) {
  const response = await fetch(`${base}${path}`, { redirect: 'manual' });
  return { response, body: await response.text() };
}

/** The headings in document order, as [level, text]. */
function headings(body: string): Array<[number, string]> {
  return [...body.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => [Number(m[1]), m[2].replace(/<[^>]+>/g, '').trim()]);
}

function expectWellFormedPage(body: string) {
  expect(body).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB"/);
  expect(body).toMatch(/<a href="#main-content" class="govuk-skip-link"[^>]*>Skip to main content<\/a>/);
  expect(body).toContain('id="main-content"');
  expect(body).toContain('Binfo — bin collection days');
  // No scripts of any kind, and no GOV.UK crown or logotype.
  expect(body).not.toMatch(/<script/i);
  expect(body).not.toMatch(/govuk-logo|govuk-header__logotype|govuk-footer__crown|govuk-crest|GOV\.UK<\/a>/);
  // Exactly one h1, and after it no heading skips a level on the way down.
  const levels = headings(body).map(([level]) => level);
  expect(levels.filter((l) => l === 1)).toHaveLength(1);
  const afterH1 = levels.slice(levels.indexOf(1));
  afterH1.forEach((level, i) => i > 0 && expect(level - afterH1[i - 1]).toBeLessThanOrEqual(1));
}

describe('GET / (the postcode step)', () => {
  it('asks for a postcode with a labelled GET form, GOV.UK styles from this origin and strict security headers', async () => {
    const { response, body } = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expectWellFormedPage(body);
    expect(body).toContain('<form action="/" method="get" novalidate>');
    expect(body).toMatch(/<label class="govuk-label govuk-label--m" for="postcode">\s*Postcode\s*<\/label>/);
    expect(body).toMatch(/<input class="govuk-input[^"]*" id="postcode" name="postcode" type="text"/);
    expect(body).toMatch(/<button type="submit" class="govuk-button"/);
    expect(body).toMatch(/<link rel="stylesheet" href="\/assets\/govuk-frontend\.min\.css\?v=[\w-]+">/);
    expect(body).not.toMatch(/https?:\/\/(?!www\.)/); // nothing loaded from elsewhere
  });

  it('lists the addresses of a postcode as radios that submit by GET, with the sample-data banner', async () => {
    const { response, body } = await get('/?postcode=rg1+1aa');
    expect(response.status).toBe(200);
    expectWellFormedPage(body);
    expect(body).toContain('These are sample collection days, not real ones');
    expect(body).toContain('<form action="/address" method="get" novalidate>');
    expect(body).toContain('<input type="hidden" name="postcode" value="RG1 1AA">');
    expect(body).toContain(`<input class="govuk-radios__input" id="address" name="property" type="radio" value="${READING}/${uprn}">`);
    expect(body).toMatch(/<label class="govuk-label govuk-radios__label" for="address">\s*\d+ [^<]+ \(sample\), Reading, RG1 1AA\s*<\/label>/);
    expect(headings(body)).toContainEqual([1, 'Select your address']);
  });

  it('shows the graph\'s own message in a GOV.UK error summary for a malformed postcode, escaped', async () => {
    const { response, body } = await get(`/?postcode=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(response.status).toBe(400);
    expectWellFormedPage(body);
    expect(body).toMatch(/<title>Error: /);
    expect(body).toContain('class="govuk-error-summary"');
    expect(body).toMatch(/<h2 class="govuk-error-summary__title">\s*There is a problem\s*<\/h2>/);
    // The message comes from the graph (BAD_USER_INPUT), with the typed text escaped.
    const graph = await server.execute('query($p: String!) { postcode(code: $p) { postcode } }', { p: '<script>alert(1)</script>' });
    expect(graph.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const escaped = graph.errors![0].message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    expect(body).toContain(`<a href="#postcode">${escaped}</a>`);
    expect(body).toContain(`<span class="govuk-visually-hidden">Error:</span> ${escaped}`);
    expect(body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(body).toContain('govuk-input--error');
    expect(body).not.toContain('<script>');
  });

  it('says "We could not find that postcode" for a well-formed postcode that does not exist', async () => {
    const { response, body } = await get('/?postcode=ZZ99+9ZZ');
    expect(response.status).toBe(404);
    expect(body).toContain('class="govuk-error-summary"');
    expect(body).toContain('We could not find that postcode');
    expect(body).toContain('value="ZZ99 9ZZ"');
  });

  it('asks the graph even for an empty postcode, and shows its sentence', async () => {
    const { response, body } = await get('/?postcode=');
    expect(response.status).toBe(400);
    expect(body).toMatch(/Please enter a postcode, for example &quot;RG1 1AA&quot;\./);
  });

  it('lists every Northern Ireland council with a link to its own page for a BT postcode, and no query language', async () => {
    const graph = await server.execute('{ councils(nation: NORTHERN_IRELAND, collectsWaste: true) { name binDayUrl website } }');
    const councils: Array<{ name: string; binDayUrl: string | null; website: string }> = graph.data.councils;
    expect(councils).toHaveLength(11);
    const { response, body } = await get('/?postcode=bt1+1aa');
    expect(response.status).toBe(200);
    expectWellFormedPage(body);
    expect(headings(body)).toContainEqual([1, 'We cannot look up bin days for BT1 1AA']);
    for (const council of councils) {
      const escapedName = council.name.replace(/&/g, '&amp;').replace(/'/g, '&#39;');
      expect(body).toContain(`<a class="govuk-link" href="${new URL(council.binDayUrl ?? council.website).href}">${escapedName}</a>`);
    }
    // The graph's notice names a GraphQL query: written for developers, never shown to residents.
    expect(body).not.toMatch(/councils\(|NORTHERN_IRELAND|nation:/);
  });
});

describe('GET /address (the address form\'s target)', () => {
  it('redirects to the chosen address\'s page', async () => {
    const { response } = await get(`/address?postcode=RG1+1AA&property=${READING}%2F${uprn}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/address/${READING}/${uprn}`);
  });

  it('shows the addresses again with "Select your address" when none was chosen', async () => {
    const { response, body } = await get('/address?postcode=RG1+1AA');
    expect(response.status).toBe(400);
    expectWellFormedPage(body);
    expect(body).toContain('<a href="#address">Select your address</a>');
    expect(body).toContain('id="address-error"');
    expect(body).toMatch(/<title>Error: Select your address/);
  });

  it('goes back to the start without a postcode', async () => {
    const { response } = await get('/address');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });
});

describe('GET /address/<council>/<uprn> (the bin days)', () => {
  it('shows each service by the council\'s name with its colour in a swatch and in words, and the coming days', async () => {
    const { response, body } = await get(`/address/${READING}/${uprn}`);
    expect(response.status).toBe(200);
    expectWellFormedPage(body);
    const graph = await server.execute(
      'query($c: ID!, $u: ID!) { property(councilCode: $c, uprn: $u) { address { singleLine } services { name containers { name colour } } } }',
      { c: READING, u: uprn },
    );
    const property = graph.data.property;
    // The bin days first, then the banners: on a phone the answer comes before the notices. The sample label
    // is in the caption above the address, so no date is read before knowing it is a sample.
    const order = headings(body).map(([, text]) => text);
    expect(order[0]).toBe(property.address.singleLine);
    expect(order.indexOf('Next collection of each bin')).toBeLessThan(order.indexOf('Sample data'));
    expect(body).toMatch(/<span class="govuk-caption-l">Bin collection days from Reading Borough Council <strong class="govuk-tag govuk-tag--grey binfo-caption-tag">\s*Sample data\s*<\/strong>\s*<\/span>/);
    for (const service of property.services) {
      expect(body).toContain(service.name);
      const [container] = service.containers;
      expect(body).toContain(`${container.name} (${container.colour})`);
      expect(body).toMatch(new RegExp(`<span class="binfo-swatch binfo-swatch--${container.colour}" aria-hidden="true"></span><span>${service.name.replace(/[()]/g, '\\$&')}</span>`));
    }
    expect(body).toContain('These are sample collection days, not real ones');
    expect(headings(body)).toContainEqual([2, 'The next 4 weeks']);
    expect(headings(body)).toContainEqual([3, 'Thursday 24 December']);
  });

  it('highlights a collection moved by the Christmas bank holidays, with the reason', async () => {
    const { body } = await get(`/address/${READING}/${uprn}`);
    expect(body).toContain('<li class="binfo-collection binfo-collection--changed">');
    expect(body).toMatch(/<strong class="govuk-tag govuk-tag--orange binfo-tag-gap">\s*Moved\s*<\/strong>/);
    expect(body).toContain('Moved from Thursday 31 December because of a bank holiday.');
    expect(headings(body)).toContainEqual([3, 'Saturday 2 January 2027']);
  });

  it('links to the calendar feed by webcal:// and by http(s), on this server', async () => {
    const { body } = await get(`/address/${READING}/${uprn}`);
    const host = new URL(server.url).host;
    expect(body).toContain(`href="webcal://${host}/calendar/${READING}/${uprn}.ics"`);
    expect(body).toContain(`href="http://${host}/calendar/${READING}/${uprn}.ics"`);
    const feed = await fetch(`http://${host}/calendar/${READING}/${uprn}.ics`);
    expect(feed.status).toBe(200);
  });

  it('uses the public base URL the gateway gives it', async () => {
    const web = await serveWeb({ execute: server.execute, today: () => TODAY, publicBaseUrl: () => 'https://bins.example.org' });
    try {
      const { body } = await get(`/address/${READING}/${uprn}`, web.url);
      expect(body).toContain(`href="webcal://bins.example.org/calendar/${READING}/${uprn}.ics"`);
      expect(body).toContain(`href="https://bins.example.org/calendar/${READING}/${uprn}.ics"`);
    } finally {
      await web.close();
    }
  });

  it.each([
    ['an unknown UPRN', `/address/${READING}/1`],
    ['a malformed council code', '/address/reading/703860552650'],
    ['a malformed UPRN', `/address/${READING}/abc`],
  ])('answers 404 with a page for %s', async (_what, path) => {
    const { response, body } = await get(path);
    expect(response.status).toBe(404);
    expectWellFormedPage(body);
    expect(body).toContain('We could not find that address');
  });
});

describe('when the council is down', () => {
  it('links to the council\'s own bin-day page from the address page and the postcode step', async () => {
    const restore = server.takeReadingDown();
    try {
      const address = await get(`/address/${READING}/${uprn}`);
      expect(address.response.status).toBe(200); // the page does its job: it sends the resident to the council
      expectWellFormedPage(address.body);
      expect(address.body).toContain(`<a class="govuk-link" href="https://www.reading.gov.uk/bin-calendar/">Check your bin day on Reading Borough Council&#39;s website</a>`);
      const postcode = await get('/?postcode=rg1+1aa');
      expect(postcode.response.status).toBe(200);
      expectWellFormedPage(postcode.body);
      expect(postcode.body).toContain('href="https://www.reading.gov.uk/bin-calendar/"');
      expect(postcode.body).toContain(`Reading Borough Council&#39;s bin collection service is not available at the moment.`);
    } finally {
      restore();
    }
  });
});

describe('disruptions, cancellations and hostile council text (canned graph answers)', () => {
  let web: RunningServer;
  beforeAll(async () => {
    web = await serveWeb({
      execute: cannedGraph({ councilName: 'Reading <script>alert("x")</script> Council', binDayUrl: 'javascript:alert(1)' }),
      today: () => '2026-11-30',
    });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('shows an active disruption as a banner, and a cancelled collection with the disruption\'s title', async () => {
    const { response, body } = await get(`/address/${CANNED_COUNCIL}/${CANNED_UPRN}`, web.url);
    expect(response.status).toBe(200);
    expectWellFormedPage(body);
    expect(body).toContain('class="govuk-notification-banner"');
    expect(body).toContain(`<p class="govuk-notification-banner__heading">${SNOW.title}</p>`);
    expect(body).toContain(SNOW.message.replace(/'/g, '&#39;'));
    expect(body).toContain('Collections are cancelled. From Tuesday 1 December to Wednesday 2 December. Area: Whole council area.');
    expect(body).toContain('<li class="binfo-collection binfo-collection--cancelled">');
    expect(body).toMatch(/<strong class="govuk-tag govuk-tag--red binfo-tag-gap">\s*Cancelled\s*<\/strong>/);
    expect(body).toContain(`Cancelled because of severe weather: ${SNOW.title}.`);
    // In the banner, by the next grey bin and in the day-by-day list: once each, although the collection's
    // note is the same text as the disruption's message (it was shown twice by each collection).
    expect(body.split(SNOW.message.replace(/'/g, '&#39;')).length - 1).toBe(3);
    // The next grey bin is cancelled, so the summary also says when the one after is.
    expect(body).toContain('Then: Tuesday 8 December.');
    // Not sample data: no sample banner.
    expect(body).not.toContain('These are sample collection days');
  });

  it('escapes everything the council sends and never links to a non-http URL', async () => {
    const { body } = await get(`/address/${CANNED_COUNCIL}/${CANNED_UPRN}`, web.url);
    expect(body).not.toContain('<script');
    expect(body).toContain('Reading &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Council');
    expect(body).toContain('Blue bin &lt;recycling&gt;');
    expect(body).not.toContain('javascript:');
    // The homepage is used instead of the unusable bin-day link.
    expect(body).toContain('href="https://www.reading.gov.uk/"');
    // "Blue lid" is shown as a blue swatch, with the words beside it.
    expect(body).toContain('binfo-swatch--blue');
    expect(body).toContain('Recycling bin (Blue lid)');
  });
});

describe('/assets/', () => {
  it('serves GOV.UK Frontend\'s stylesheet from node_modules, without the GOV.UK-only typeface', async () => {
    const response = await fetch(`${server.url}/assets/govuk-frontend.min.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const css = await response.text();
    expect(css).toContain('.govuk-button');
    expect(css).not.toContain('@font-face');
    expect(css).not.toMatch(/url\((?!\/assets\/)/);
  });

  it('caches versioned asset URLs for a year and answers 304 to a current ETag', async () => {
    const { body } = await get('/');
    const href = /href="(\/assets\/binfo\.css\?v=[\w-]+)"/.exec(body)![1];
    const response = await fetch(`${server.url}${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${server.url}${href}`, { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it.each(['/assets/fonts/bold-b542beb274-v2.woff2', '/assets/images/govuk-crest.svg', '/assets/../package.json', '/assets/toString'])('does not serve %s', async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(404);
  });
});

describe('routing', () => {
  it('leaves paths that are not its own to the gateway', async () => {
    const { response, body } = await get('/graphql');
    expect(response.status).toBe(404);
    expect(body).toBe('Not a web route.\n');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(`${server.url}/?postcode=rg1+1aa`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});
