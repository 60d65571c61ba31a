// The two languages of the resident pages and feeds: English, and Welsh (`?lang=cy`), which Welsh councils
// must offer their residents (Welsh Language Standards). Every fixed text lives here, so a page in Welsh has
// no English left but what councils themselves write (service names, notices) and the other language's name
// on the language toggle.
//
// The Welsh avoids putting a council's name or a date straight after a word that mutates it ("gan Gyngor",
// "o ddydd Llun"): names and dates follow a colon, a dash or a genitive ("ar wefan Cyngor Caerdydd"),
// so the words councils and the calendar give can be used as they are.
import { readFileSync } from 'node:fs';
import { isoWeekday } from '../../domain/dates.js';
import { projectPath } from '../../lib/project-path.js';

export type Lang = 'en' | 'cy';

/** The page's language from its URL: Welsh for `?lang=cy`, English otherwise. */
export function languageOf(url: URL): Lang {
  return url.searchParams.get('lang') === 'cy' ? 'cy' : 'en';
}

/** A path on this site in the same language: `?lang=cy` is carried on every link and form of a Welsh page. */
export function inLanguage(path: string, lang: Lang): string {
  if (lang === 'en') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=cy`;
}

/** One entry of GOV.UK's language navigation: the page's own language has no link. */
export interface LanguageItem {
  text: string;
  lang: Lang;
  href?: string;
  current: boolean;
}

/**
 * English and Cymraeg, each named in its own language, with a link to the same page in the other one
 * (GOV.UK's language navigation component renders them).
 */
export function languageNavigation(url: URL, lang: Lang): { label: string; items: LanguageItem[] } {
  const other = new URL(url.href);
  if (lang === 'cy') other.searchParams.delete('lang');
  else other.searchParams.set('lang', 'cy');
  const query = other.searchParams.toString();
  const otherHref = `${other.pathname}${query ? `?${query}` : ''}`;
  return {
    label: wordsFor(lang).languageNav,
    items: [
      { text: 'English', lang: 'en', current: lang === 'en', href: lang === 'en' ? undefined : otherHref },
      { text: 'Cymraeg', lang: 'cy', current: lang === 'cy', href: lang === 'cy' ? undefined : otherHref },
    ],
  };
}

const WEEKDAYS = {
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  cy: ['Dydd Llun', 'Dydd Mawrth', 'Dydd Mercher', 'Dydd Iau', 'Dydd Gwener', 'Dydd Sadwrn', 'Dydd Sul'],
} as const;
const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  cy: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
} as const;

/** "Thursday 3 December" or "Dydd Iau 3 Rhagfyr", the year only when asked (no leading zeros, no commas). */
export function formatDayIn(lang: Lang, date: string, options: { withYear?: boolean } = {}): string {
  const [year, month, day] = date.split('-').map(Number);
  const words = `${WEEKDAYS[lang][isoWeekday(date) - 1]} ${day} ${MONTHS[lang][month - 1]}`;
  return options.withYear ? `${words} ${year}` : words;
}

/**
 * GOV.UK's own Welsh titles of the bank holidays, as https://www.gov.uk/gwyliau-banc shows them (the
 * `bank_holidays.*` strings of alphagov/frontend's config/locales/cy.yml), by the English title the shipped
 * feed carries: data/bank-holidays.json has only the English titles. A title GOV.UK has not translated is
 * shown in English rather than guessed.
 */
const BANK_HOLIDAYS_CY: Record<string, string> = {
  'New Year’s Day': 'Dydd Calan',
  '2nd January': '2il o Ionawr',
  'St Patrick’s Day': 'Gŵyl Sant Padrig',
  'Good Friday': 'Gwener y Groglith',
  'Easter Monday': 'Llun y Pasg',
  'Early May bank holiday': 'Gŵyl banc dechrau Mai',
  'Early May bank holiday (VE day)': 'Gŵyl banc dechrau Mai (diwrnod VE)',
  'Spring bank holiday': 'Gŵyl banc y gwanwyn',
  'Queen’s Diamond Jubilee': 'Jiwbilî Ddiemwnt y Frenhines',
  'Platinum Jubilee bank holiday': 'Gŵyl banc Jiwbilî Blatinwm',
  'Bank holiday for the coronation of King Charles III': 'Gŵyl y banc ar gyfer coroni Brenin Siarl III',
  'Bank Holiday for the State Funeral of Queen Elizabeth II': 'Gŵyl y Banc ar gyfer Angladd Gwladol y Frenhines Elizabeth II',
  'Battle of the Boyne (Orangemen’s Day)': 'Brwydr y Boyne (Dydd yr Orenwyr)',
  'Summer bank holiday': 'Gŵyl banc yr haf',
  'St Andrew’s Day': 'Gŵyl Andreas',
  'Christmas Day': 'Dydd Nadolig',
  'Boxing Day': 'Dydd San Steffan',
};

export function bankHolidayTitle(lang: Lang, title: string): string {
  return lang === 'cy' ? BANK_HOLIDAYS_CY[title.replace(/'/g, '’')] ?? title : title;
}

let welshPlaceNames: Record<string, string> | undefined;

/** The ONS Welsh names of Welsh councils' areas (data/council-names-cy.json, derived by scripts/derive-directory-data.ts). */
function welshPlaceName(code: string): string | undefined {
  welshPlaceNames ??= (JSON.parse(readFileSync(projectPath('data', 'council-names-cy.json'), 'utf8')) as { names: Record<string, string> }).names;
  return welshPlaceNames[code];
}

/** A council's name in the page's language: "Cyngor Caerdydd" for Cardiff Council in Welsh; otherwise as the registry has it. */
export function councilName(lang: Lang, code: string | null | undefined, name: string): string {
  const welsh = lang === 'cy' && code ? welshPlaceName(code) : undefined;
  return welsh ? `Cyngor ${welsh}` : name;
}

const en = {
  htmlLang: 'en-GB',
  serviceName: 'Binfo — bin collection days',
  skipLink: 'Skip to main content',
  errorPrefix: 'Error: ',
  back: 'Back',
  languageNav: 'Language',
  aboutBinfo: 'About Binfo',
  footerAbout: 'Binfo is not a government service. Collection days come from each council; where a council has not connected its own data yet, Binfo shows sample days and says so.',
  footerAttribution: 'Contains OS data © Crown copyright and database right 2021-2025. Contains Royal Mail data © Royal Mail copyright and database right 2021-2025. Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Bank holidays from GOV.UK, Open Government Licence v3.0.',
  // Postcode step
  findTitle: 'Find your bin collection days',
  findLead: 'See when each of your bins is collected, including days that move for bank holidays, and add them to your calendar.',
  postcodeLabel: 'Postcode',
  postcodeHint: 'For example, RG1 1AA',
  findButton: 'Find bin days',
  invalidPostcode: (graphMessage: string) => graphMessage,
  postcodeNotFound: 'We could not find that postcode. Check it and try again.',
  binDaysFor: (place: string) => `Bin days for ${place}`,
  cannotLookUp: (postcode: string) => `We cannot look up bin days for ${postcode}`,
  northernIreland: 'Northern Ireland postcodes are not in the open postcode data Binfo uses, so we cannot tell which council collects your bins. Find your council below: each link goes to its own bin collection page, or its website where it has none.',
  northernIrelandCouncils: 'Councils in Northern Ireland',
  binDayPage: 'bin collection page',
  website: 'website',
  crownDependency: 'Postcodes in the Channel Islands and the Isle of Man are not covered: their bins are collected outside the UK’s councils.',
  notCoveredOther: 'Bin days for this postcode are not covered.',
  searchAnother: 'Search for another postcode',
  noCouncil: (postcode: string) => `We could not find which council collects bins at ${postcode}`,
  selectAddress: 'Select your address',
  addressesIn: (postcode: string) => `Addresses in ${postcode}`,
  addressesInCollectedBy: (postcode: string, council: string) => `Addresses in ${postcode} collected by ${council}`,
  collectedBy: (council: string) => `Collected by ${council}`,
  continue: 'Continue',
  cannotShowPostcode: (postcode: string) => `Sorry, we cannot show bin days for ${postcode} at the moment`,
  serviceDown: (council: string) => `${council}'s bin collection service is not available at the moment.`,
  warning: 'Warning',
  checkOnWebsite: (council: string) => `Check your bin day on ${council}'s website`,
  tryLater: 'You can also try again later.',
  noAddresses: (postcode: string) => `We could not find any addresses in ${postcode}`,
  checkDaysOnWebsite: (council: string) => `Check your bin days on ${council}'s website`,
  // Components
  thereIsAProblem: 'There is a problem',
  /** Before an error message, for screen readers; GOV.UK's macro adds the colon. */
  errorHidden: 'Error',
  sampleTitle: 'Sample data',
  sampleHeading: 'These are sample collection days, not real ones',
  sampleNotice: 'These are sample collection days, not real ones.',
  checkRealDays: (council: string) => `Check your real bin days on ${council}'s website`,
  important: 'Important',
  cancelledEffect: 'Collections are cancelled.',
  delayedEffect: (days: number | null) => (days ? `Collections are running ${days} ${days === 1 ? 'day' : 'days'} late.` : 'Collections are running late.'),
  leaveOutEffect: 'Leave your bin out: crews will come back for it when they can.',
  fromTo: (from: string, to: string) => `From ${from} to ${to}.`,
  fromUntilFurtherNotice: (from: string) => `From ${from} until further notice.`,
  area: (area: string) => `Area: ${area}.`,
  moreFrom: (council: string) => `More about this from ${council}`,
  messageFrom: (council: string) => `Message from ${council}`,
  status: { SCHEDULED: 'Scheduled', MOVED: 'Moved', CANCELLED: 'Cancelled', DELAYED: 'Delayed', COMPLETED: 'Collected' } as Record<string, string>,
  // Address page
  binCollectionDaysFrom: (council: string) => `Bin collection days from ${council}`,
  staleData: (council: string) => `${council}'s latest data could not be read, so these days may be out of date.`,
  nextOfEachBin: 'Next collection of each bin',
  noCollectionInWeeks: (weeks: number) => `No collection in the next ${weeks} weeks`,
  noServices: (council: string) => `${council} has not said which bins are collected here.`,
  then: (day: string) => `Then: ${day}.`,
  putOut: (containers: string) => `Put out: ${containers}`,
  signUpFor: (service: string) => `Sign up for ${service}`,
  today: (day: string) => `${day} (today)`,
  tomorrow: (day: string) => `${day} (tomorrow)`,
  nextWeeks: (weeks: number) => `The next ${weeks} weeks`,
  noCollectionsInWeeks: (weeks: number) => `No collections in the next ${weeks} weeks.`,
  bankHolidaysAhead: (weeks: number) => `Bank holidays in the next ${weeks} weeks`,
  bankHolidaysNote: 'Collections can move around bank holidays; the days above already show every move the council has made.',
  addToCalendar: 'Add these days to your calendar',
  subscribeLead: 'Subscribe and your calendar app keeps itself up to date, including collections that move for bank holidays.',
  calendarSampleToo: ' The calendar is labelled as sample data too.',
  subscribe: 'Subscribe in your calendar app',
  or: 'Or',
  downloadIcs: 'download the calendar file (.ics)',
  webCalendars: 'Using Google Calendar or Outlook on the web',
  webCalendarsHow: 'Add a calendar "from URL" (Google) or "from the web" (Outlook) and paste this address:',
  notRight: 'Something not right?',
  checkReportOrder: (council: string) => `Check your bin days, report a missed collection or order a new bin on ${council}'s website`,
  contactCouncil: (council: string) => `Contact ${council} to check your bin days.`,
  unavailableTitle: 'Bin days are not available at the moment',
  cannotShowYours: 'Sorry, we cannot show your bin days at the moment',
  notFoundTitle: 'Address not found',
  notFoundHeading: 'We could not find that address',
  notFoundTyped: 'If you typed the web address, check it is correct.',
  searchYourPostcode: 'Search for your postcode',
  toFindAddress: ' to find your address.',
  problemTitle: 'Sorry, there is a problem with the service',
  problemTryLater: 'Try again later.',
  // Wording of changes (page and feed)
  reasons: {
    BANK_HOLIDAY: 'because of a bank holiday',
    SEVERE_WEATHER: 'because of severe weather',
    INDUSTRIAL_ACTION: 'because of industrial action',
    VEHICLE_BREAKDOWN: 'because of a vehicle breakdown',
    ROAD_CLOSURE: 'because of a road closure',
    OPERATIONAL: 'for operational reasons',
  } as Record<string, string>,
  // Calendar feed
  feedName: (address: string) => `Bin days: ${address}`,
  feedSampleSuffix: ' (SAMPLE data, not real bin days)',
  feedCancelled: (service: string) => `Cancelled: ${service}`,
  feedMoved: (service: string) => `${service} (moved)`,
  feedDelayed: (service: string) => `${service} (delayed)`,
  feedPutBinOutNext: 'Put your bin out on the next collection day.',
  feedPutOut: (containers: string) => `Put out: ${containers}.`,
  feedAddress: (address: string) => `Address: ${address}.`,
  feedStale: (council: string) => `${council}'s data could not be refreshed, so this may be out of date.`,
  feedCheckWith: (council: string, url: string) => `Check with ${council}: ${url}`,
  feedSamplePrefix: 'Sample data: ',
};

export type Words = typeof en;

const cy: Words = {
  htmlLang: 'cy',
  serviceName: 'Binfo — diwrnodau casglu biniau',
  skipLink: 'Neidio i’r prif gynnwys',
  errorPrefix: 'Gwall: ',
  back: 'Yn ôl',
  languageNav: 'Iaith',
  aboutBinfo: 'Am Binfo',
  footerAbout: 'Nid gwasanaeth y llywodraeth yw Binfo. Daw’r diwrnodau casglu gan bob cyngor; lle nad yw cyngor wedi cysylltu ei ddata ei hun eto, mae Binfo yn dangos diwrnodau enghreifftiol ac yn dweud hynny.',
  footerAttribution: 'Yn cynnwys data OS © Hawlfraint y Goron a hawl cronfa ddata 2021-2025. Yn cynnwys data’r Post Brenhinol © hawlfraint a hawl cronfa ddata’r Post Brenhinol 2021-2025. Ffynhonnell: y Swyddfa Ystadegau Gwladol, dan y Drwydded Llywodraeth Agored v3.0. Gwyliau banc gan GOV.UK, Trwydded Llywodraeth Agored v3.0.',
  findTitle: 'Dod o hyd i’ch diwrnodau casglu biniau',
  findLead: 'Gwelwch pryd y caiff pob un o’ch biniau ei gasglu, gan gynnwys diwrnodau sy’n symud oherwydd gwyliau banc, ac ychwanegwch nhw at eich calendr.',
  postcodeLabel: 'Cod post',
  postcodeHint: 'Er enghraifft, CF10 1EP',
  findButton: 'Dod o hyd i ddiwrnodau biniau',
  // The graph's sentence is English: in Welsh, ours.
  invalidPostcode: () => 'Rhowch god post dilys yn y DU, er enghraifft CF10 1EP',
  postcodeNotFound: 'Ni allem ddod o hyd i’r cod post hwnnw. Gwiriwch ef a rhowch gynnig arall arni.',
  binDaysFor: (place) => `Diwrnodau biniau: ${place}`,
  cannotLookUp: (postcode) => `Ni allwn chwilio am ddiwrnodau biniau’r cod post hwn: ${postcode}`,
  northernIreland: 'Nid yw codau post Gogledd Iwerddon yn y data codau post agored y mae Binfo yn ei ddefnyddio, felly ni allwn ddweud pa gyngor sy’n casglu eich biniau. Dewch o hyd i’ch cyngor isod: mae pob dolen yn mynd i’w dudalen casglu biniau ei hun, neu i’w wefan os nad oes ganddo un.',
  northernIrelandCouncils: 'Cynghorau yng Ngogledd Iwerddon',
  binDayPage: 'tudalen casglu biniau',
  website: 'gwefan',
  crownDependency: 'Nid yw codau post Ynysoedd y Sianel ac Ynys Manaw wedi’u cynnwys: mae eu biniau’n cael eu casglu y tu allan i gynghorau’r DU.',
  notCoveredOther: 'Nid yw diwrnodau biniau’r cod post hwn wedi’u cynnwys.',
  searchAnother: 'Chwilio am god post arall',
  noCouncil: (postcode) => `Ni allem ddarganfod pa gyngor sy’n casglu biniau yn y cod post hwn: ${postcode}`,
  selectAddress: 'Dewiswch eich cyfeiriad',
  addressesIn: (postcode) => `Cyfeiriadau yn ${postcode}`,
  addressesInCollectedBy: (postcode, council) => `Cyfeiriadau yn ${postcode} – ${council}`,
  collectedBy: (council) => `Yn cael eu casglu – ${council}`,
  continue: 'Parhau',
  cannotShowPostcode: (postcode) => `Mae’n ddrwg gennym, ni allwn ddangos diwrnodau biniau’r cod post hwn ar hyn o bryd: ${postcode}`,
  serviceDown: (council) => `Nid yw gwasanaeth casglu biniau ${council} ar gael ar hyn o bryd.`,
  warning: 'Rhybudd',
  checkOnWebsite: (council) => `Gwiriwch eich diwrnod bin ar wefan ${council}`,
  tryLater: 'Gallwch hefyd roi cynnig arall arni yn nes ymlaen.',
  noAddresses: (postcode) => `Ni allem ddod o hyd i unrhyw gyfeiriadau yn ${postcode}`,
  checkDaysOnWebsite: (council) => `Gwiriwch eich diwrnodau biniau ar wefan ${council}`,
  thereIsAProblem: 'Mae problem wedi codi',
  errorHidden: 'Gwall',
  sampleTitle: 'Data enghreifftiol',
  sampleHeading: 'Diwrnodau casglu enghreifftiol yw’r rhain, nid rhai go iawn',
  sampleNotice: 'Diwrnodau casglu enghreifftiol yw’r rhain, nid rhai go iawn.',
  checkRealDays: (council) => `Gwiriwch eich diwrnodau biniau go iawn ar wefan ${council}`,
  important: 'Pwysig',
  cancelledEffect: 'Mae’r casgliadau wedi’u canslo.',
  delayedEffect: (days) => (days ? `Mae’r casgliadau’n hwyr: ${days} ${days === 1 ? 'diwrnod' : 'diwrnod'}.` : 'Mae’r casgliadau’n hwyr.'),
  leaveOutEffect: 'Gadewch eich bin allan: bydd y criwiau’n dod yn ôl amdano pan allan nhw.',
  fromTo: (from, to) => `Dechrau: ${from}. Diwedd: ${to}.`,
  fromUntilFurtherNotice: (from) => `Dechrau: ${from}. Tan rybudd pellach.`,
  area: (area) => `Ardal: ${area}.`,
  moreFrom: (council) => `Mwy am hyn ar wefan ${council}`,
  messageFrom: (council) => `Neges gan y cyngor – ${council}`,
  status: { SCHEDULED: 'Wedi’i drefnu', MOVED: 'Wedi symud', CANCELLED: 'Wedi’i ganslo', DELAYED: 'Yn hwyr', COMPLETED: 'Wedi’i gasglu' },
  binCollectionDaysFrom: (council) => `Diwrnodau casglu biniau – ${council}`,
  staleData: (council) => `Nid oedd modd darllen data diweddaraf ${council}, felly gall y diwrnodau hyn fod yn hen.`,
  nextOfEachBin: 'Casgliad nesaf pob bin',
  noCollectionInWeeks: (weeks) => `Dim casgliad yn yr ${weeks} wythnos nesaf`,
  noServices: (council) => `Nid yw’r cyngor (${council}) wedi dweud pa finiau sy’n cael eu casglu yma.`,
  then: (day) => `Wedyn: ${day}.`,
  putOut: (containers) => `Rhowch allan: ${containers}`,
  signUpFor: (service) => `Cofrestru: ${service}`,
  today: (day) => `${day} (heddiw)`,
  tomorrow: (day) => `${day} (yfory)`,
  nextWeeks: (weeks) => `Y ${weeks} wythnos nesaf`,
  noCollectionsInWeeks: (weeks) => `Dim casgliadau yn y ${weeks} wythnos nesaf.`,
  bankHolidaysAhead: (weeks) => `Gwyliau banc yn yr ${weeks} wythnos nesaf`,
  bankHolidaysNote: 'Gall casgliadau symud o gwmpas gwyliau banc; mae’r diwrnodau uchod eisoes yn dangos pob newid gan y cyngor.',
  addToCalendar: 'Ychwanegu’r diwrnodau hyn at eich calendr',
  subscribeLead: 'Tanysgrifiwch a bydd eich ap calendr yn cadw’i hun yn gyfredol, gan gynnwys casgliadau sy’n symud oherwydd gwyliau banc.',
  calendarSampleToo: ' Mae’r calendr hefyd wedi’i labelu fel data enghreifftiol.',
  subscribe: 'Tanysgrifio yn eich ap calendr',
  or: 'Neu',
  downloadIcs: 'lawrlwytho’r ffeil calendr (.ics)',
  webCalendars: 'Defnyddio calendr ar y we (Google neu Outlook)',
  webCalendarsHow: 'Ychwanegwch galendr o gyfeiriad gwe (URL) a gludo’r cyfeiriad hwn:',
  notRight: 'Rhywbeth ddim yn iawn?',
  checkReportOrder: (council) => `Gwiriwch eich diwrnodau biniau, rhowch wybod am gasgliad a fethwyd neu archebwch fin newydd ar wefan ${council}`,
  contactCouncil: (council) => `Cysylltwch â’r cyngor (${council}) i wirio eich diwrnodau biniau.`,
  unavailableTitle: 'Nid yw diwrnodau biniau ar gael ar hyn o bryd',
  cannotShowYours: 'Mae’n ddrwg gennym, ni allwn ddangos eich diwrnodau biniau ar hyn o bryd',
  notFoundTitle: 'Heb ddod o hyd i’r cyfeiriad',
  notFoundHeading: 'Ni allem ddod o hyd i’r cyfeiriad hwnnw',
  notFoundTyped: 'Os teipioch chi’r cyfeiriad gwe, gwiriwch ei fod yn gywir.',
  searchYourPostcode: 'Chwiliwch am eich cod post',
  toFindAddress: ' i ddod o hyd i’ch cyfeiriad.',
  problemTitle: 'Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth',
  problemTryLater: 'Rhowch gynnig arall arni yn nes ymlaen.',
  reasons: {
    BANK_HOLIDAY: 'gŵyl banc',
    SEVERE_WEATHER: 'tywydd garw',
    INDUSTRIAL_ACTION: 'gweithredu diwydiannol',
    VEHICLE_BREAKDOWN: 'cerbyd wedi torri',
    ROAD_CLOSURE: 'ffordd ar gau',
    OPERATIONAL: 'rhesymau gweithredol',
  },
  feedName: (address) => `Diwrnodau biniau: ${address}`,
  feedSampleSuffix: ' (data ENGHREIFFTIOL, nid diwrnodau biniau go iawn)',
  feedCancelled: (service) => `Wedi’i ganslo: ${service}`,
  feedMoved: (service) => `${service} (wedi symud)`,
  feedDelayed: (service) => `${service} (yn hwyr)`,
  feedPutBinOutNext: 'Rhowch eich bin allan ar y diwrnod casglu nesaf.',
  feedPutOut: (containers) => `Rhowch allan: ${containers}.`,
  feedAddress: (address) => `Cyfeiriad: ${address}.`,
  feedStale: (council) => `Nid oedd modd diweddaru data ${council}, felly gall hwn fod yn hen.`,
  feedCheckWith: (council, url) => `Gwiriwch gyda’r cyngor (${council}): ${url}`,
  feedSamplePrefix: 'Data enghreifftiol: ',
};

const WORDS: Record<Lang, Words> = { en, cy };

export function wordsFor(lang: Lang): Words {
  return WORDS[lang];
}
