// The bin-day page and feed in Welsh (`?lang=cy`), for a Welsh address: every fixed text in Welsh, the
// council's name from the ONS Welsh names, GOV.UK's Welsh bank-holiday names, dates written the Welsh way.
// "No English left" is checked against the English page's own fixed texts, taken from the word table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankHolidayTitle, formatDayIn, wordsFor } from '../../gateway/web/language.js';
import { frequencyWords } from '../../gateway/web/wording.js';
import { CANNED_COUNCIL, CANNED_UPRN, SNOW, cannedGraph } from './canned-graph.js';
import { serveWeb, startWebTestServer, type WebTestServer } from './web-test-server.js';

/** The week before Christmas 2026: the page shows collections moved by the bank holidays. */
const TODAY = '2026-12-21';
const CARDIFF = 'W06000015';
const POSTCODE = 'CF10 1EP';

let server: WebTestServer;
let uprn: string;
let englishCouncilName: string;

beforeAll(async () => {
  server = await startWebTestServer({ today: () => TODAY });
  const result = await server.execute(`{ postcode(code: "${POSTCODE}") { councils { code name properties(postcode: "${POSTCODE}") { uprn } } } }`);
  const [council] = result.data.postcode.councils;
  expect(council.code).toBe(CARDIFF);
  englishCouncilName = council.name;
  uprn = council.properties[0].uprn;
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string) {
  const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
  return { response, body: await response.text() };
}

/** What a reader sees: the text of the page, without tags or attribute values, entities decoded. */
function visibleText(body: string): string {
  return body
    .replace(/<head>[\s\S]*?<\/head>/, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * Every fixed English text of the pages: the English word table's sentences, and the fixed parts of its
 * templates (split where a name, a date or a number goes in), with the English weekdays, months and
 * bank-holiday names. Short fragments ("Or") are left out: they would match inside council data.
 */
function englishFixedTexts(): string[] {
  const gap = '\u0000';
  const texts = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const part of value.split(gap)) if (part.trim().length >= 5) texts.add(part.trim());
    } else if (typeof value === 'function') {
      add((value as (...args: string[]) => unknown)(gap, gap));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(add);
    }
  };
  const { htmlLang: _htmlLang, ...words } = wordsFor('en');
  add(words);
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) texts.add(day);
  for (const month of ['January', 'February', 'April', 'June', 'July', 'August', 'September', 'October', 'November', 'December']) texts.add(month);
  for (const holiday of ['Christmas Day', 'Boxing Day', 'New Year’s Day']) texts.add(holiday);
  return [...texts];
}

describe('a Welsh address in Welsh (?lang=cy)', () => {
  it('has no English fixed text left on the postcode step or the bin days, and names the council in Welsh', async () => {
    const english = englishFixedTexts();
    expect(english.length).toBeGreaterThan(100);
    expect(english).toEqual(expect.arrayContaining(['Next collection of each bin', 'Skip to main content', 'Bin collection days from', 'Thursday']));

    const choose = await get(`/?postcode=${encodeURIComponent(POSTCODE)}&lang=cy`);
    const address = await get(`/address/${CARDIFF}/${uprn}?lang=cy`);
    for (const { response, body } of [choose, address]) {
      expect(response.status).toBe(200);
      expect(body).toMatch(/^<!DOCTYPE html>\n<html lang="cy"/);
      const text = visibleText(body);
      expect(english.filter((phrase) => text.includes(phrase))).toEqual([]);
      expect(text).not.toContain(englishCouncilName);
      expect(text).toContain('Cyngor Caerdydd');
    }
    const text = visibleText(address.body);
    expect(text).toContain('Casgliad nesaf pob bin');
    // Dates the Welsh way, GOV.UK's Welsh names of the bank holidays, and why a collection moved.
    expect(text).toContain('Dydd Gwener 25 Rhagfyr: Dydd Nadolig');
    expect(text).toContain('Dydd Llun 28 Rhagfyr: Dydd San Steffan');
    expect(text).toContain('Dydd Gwener 1 Ionawr 2027: Dydd Calan');
    expect(text).toMatch(/Wedi symud\. Y diwrnod arferol: Dydd Iau 31 Rhagfyr\. Y rheswm: gŵyl banc \(Dydd San Steffan, Dydd Calan\)\./);
  });

  it('says a disruption, a cancelled and a moved collection in Welsh too (canned graph answers)', async () => {
    const web = await serveWeb({ execute: cannedGraph(), today: () => '2026-11-30' });
    try {
      const body = await (await fetch(`${web.url}/address/${CANNED_COUNCIL}/${CANNED_UPRN}?lang=cy`)).text();
      const text = visibleText(body);
      expect(englishFixedTexts().filter((phrase) => text.includes(phrase))).toEqual([]);
      expect(text).toContain(`Pwysig ${SNOW.title} Mae’r casgliadau wedi’u canslo. Dechrau: Dydd Mawrth 1 Rhagfyr. Diwedd: Dydd Mercher 2 Rhagfyr. Ardal: ${SNOW.area}.`);
      expect(text).toContain(`Wedi’i ganslo. Y rheswm: tywydd garw: ${SNOW.title}.`);
      expect(text).toContain('Wedi symud. Y diwrnod arferol: Dydd Mawrth 1 Rhagfyr. Y rheswm: rhesymau gweithredol.');
      expect(text).toContain('Wedyn: Dydd Mawrth 8 Rhagfyr.');
    } finally {
      await web.close();
    }
  });

  it('keeps Welsh on every link and form, and offers English in one click', async () => {
    const { body } = await get(`/address/${CARDIFF}/${uprn}?lang=cy`);
    // GOV.UK's language navigation: the other language is a link, this one is marked current.
    expect(body).toMatch(new RegExp(`<a class="govuk-language-navigation__link" href="/address/${CARDIFF}/${uprn}" rel="alternate" lang="en" hreflang="en">English\\s*</a>`));
    expect(body).toMatch(/<span class="govuk-language-navigation__text"\s+aria-current="true" lang="cy">Cymraeg<\/span>/);
    expect(body).toContain(`href="/?postcode=CF10+1EP&amp;lang=cy" class="govuk-back-link"`);
    expect(body).toMatch(new RegExp(`href="webcal://127\\.0\\.0\\.1:\\d+/calendar/${CARDIFF}/${uprn}\\.ics\\?lang=cy"`));
    const start = await get('/?lang=cy');
    expect(start.body).toContain('<input type="hidden" name="lang" value="cy">');
    const choice = await get(`/address?postcode=${encodeURIComponent(POSTCODE)}&property=${CARDIFF}/${uprn}&lang=cy`);
    expect(choice.response.headers.get('location')).toBe(`/address/${CARDIFF}/${uprn}?lang=cy`);
    const englishStart = await get('/');
    expect(englishStart.body).toMatch(/<a class="govuk-language-navigation__link" href="\/\?lang=cy" rel="alternate" lang="cy" hreflang="cy">Cymraeg\s*<\/a>/);
  });

  it('gives the calendar feed Welsh titles and descriptions', async () => {
    const { response, body } = await get(`/calendar/${CARDIFF}/${uprn}.ics?lang=cy`);
    expect(response.status).toBe(200);
    // Unfolded and unescaped (RFC 5545 escapes commas in text).
    const unfolded = body.replace(/\r\n[ \t]/g, '').replace(/\\,/g, ',');
    expect(unfolded).toMatch(/^NAME:Diwrnodau biniau: /m);
    expect(unfolded).toMatch(/^SUMMARY:.+ \(wedi symud\)$/m);
    expect(unfolded).toContain('Y rheswm: gŵyl banc (Dydd San Steffan, Dydd Calan)');
    for (const english of ['Bin days:', '(moved)', 'Put out:', 'Address:', 'Check with', 'Because of', 'because of', 'Sample data']) expect(unfolded).not.toContain(english);
    // Every date a person reads (titles and descriptions) is written the Welsh way, as on the page.
    const readable = unfolded.split('\r\n').filter((line) => /^(NAME|X-WR-CALNAME|X-WR-CALDESC|SUMMARY|DESCRIPTION)[:;]/.test(line)).join('\n');
    const englishDate = /\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b/;
    expect(readable).not.toMatch(englishDate);
    expect(readable).toMatch(/Y diwrnod arferol: Dydd (Llun|Mawrth|Mercher|Iau|Gwener|Sadwrn|Sul) \d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)\b/);
  });

  it('shows an English page in English, with the council\'s English name', async () => {
    const { body } = await get(`/address/${CARDIFF}/${uprn}`);
    expect(body).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB"/);
    expect(visibleText(body)).toContain(englishCouncilName);
    expect(visibleText(body)).toContain('Friday 25 December: Christmas Day');
    // The same check finds the English page's fixed texts, so it would find any left on the Welsh page.
    expect(englishFixedTexts().filter((phrase) => visibleText(body).includes(phrase)).length).toBeGreaterThan(20);
  });
});

describe('Welsh wording', () => {
  it.each([
    ['2026-12-03', {}, 'Dydd Iau 3 Rhagfyr'],
    ['2026-12-03', { withYear: true }, 'Dydd Iau 3 Rhagfyr 2026'],
    ['2027-03-01', { withYear: true }, 'Dydd Llun 1 Mawrth 2027'],
  ])('writes %s as "%s"', (date, options, expected) => {
    expect(formatDayIn('cy', date, options)).toBe(expected);
  });

  it.each([
    ['FREQ=WEEKLY;BYDAY=TH', 'Bob dydd Iau'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', 'Bob yn ail ddydd Llun'],
    ['FREQ=WEEKLY;INTERVAL=3;BYDAY=FR', 'Bob 3 wythnos, ar ddydd Gwener'],
    ['FREQ=WEEKLY;INTERVAL=2', 'Bob pythefnos'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', 'On the 1st of every month'],
  ])('says how often from the rrule %s: "%s", keeping the council\'s words for a rule it cannot say', (rrule, expected) => {
    expect(frequencyWords({ description: 'On the 1st of every month', rrule }, 'cy')).toBe(expected);
  });

  it('names bank holidays as GOV.UK does in Welsh, and leaves one it has not translated in English', () => {
    expect(bankHolidayTitle('cy', 'Early May bank holiday')).toBe('Gŵyl banc dechrau Mai');
    expect(bankHolidayTitle('cy', "New Year's Day")).toBe('Dydd Calan');
    expect(bankHolidayTitle('cy', 'World Cup bank holiday')).toBe('World Cup bank holiday');
    expect(bankHolidayTitle('en', 'Boxing Day')).toBe('Boxing Day');
  });
});
