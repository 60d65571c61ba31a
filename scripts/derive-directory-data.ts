// Derives the directory subgraph's committed data from the read-only reference data:
//
//   data/councils.json      every current UK council (GOV.UK Local Links Manager, joined with
//                           mySociety by GSS code and Bindicator's bin-day URLs by name)
//   data/postcodes.bin.gz   every GB postcode (ONS, Aug 2023) → council GSS code
//
// Usage: npx tsx scripts/derive-directory-data.ts [--shared ../shared/data] [--welsh-names-only]
//
// The project never reads the shared folder at runtime or in tests (a fresh clone does not have
// it); this script is the only bridge. It prints every join it could not make, so a reviewer can
// see what the data does and does not cover. data/README.md is written by hand (other sections
// belong to other work) and quotes this script's output.

import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { Nation } from '../domain/types.js';
import type { CouncilRecord, CouncilTier } from '../contracts/council.js';
import { createCouncilRegistry } from '../subgraphs/directory/council-registry.js';
import {
  CROWN_DEPENDENCY_PSEUDO_CODES,
  encodePostcodeIndex,
  PostcodeIndex,
} from '../subgraphs/directory/postcode-index.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_DIR = join(PROJECT_ROOT, 'data');

const FILES = {
  localLinks: 'local-authorities/govuk_local-links-manager_local-authorities.csv',
  mySociety: 'local-authorities/mysociety_uk_local_authorities.csv',
  bindicator: 'local-authorities/bindicator_council_bin_collection_websites.csv',
  postcodes: 'postcodes/ons_pcd_lad_aug2023_full.csv.gz',
  onsLadNames: 'local-authorities/ons_lad24_names_centroids.csv',
} as const;

const SOURCES = [
  {
    name: 'GOV.UK Local Links Manager: local authorities',
    file: FILES.localLinks,
    origin: 'alphagov/local-links-manager data/local-authorities.csv @ a9e5e8ed7bd9cb7269529cee8fe3df632c3c0098',
    licence: 'Crown copyright, Open Government Licence v3.0 (repository MIT)',
    usedFor: 'codes, names, tiers, parent counties, homepages, slugs, local custodian codes',
  },
  {
    name: 'mySociety: UK local authority names and codes',
    file: FILES.mySociety,
    origin:
      'mysociety/uk_local_authority_names_and_codes data/uk_local_authorities.csv @ 67ef8b118938678401a452f4f19f669a7221cc73',
    licence: 'CC BY 4.0, mySociety (codes: ONS, Open Government Licence v3.0)',
    usedFor: 'nation, short names, current codes of renamed or reorganised councils, name matching',
  },
  {
    name: 'Bindicator: council bin collection websites',
    file: FILES.bindicator,
    origin: 'jesscasey/Bindicator dataset/council_bin_collection_websites.csv @ 86d956991544d8d2678950f7f579d507d12e411f',
    licence: 'MIT',
    usedFor: 'binDayUrl',
  },
  {
    name: 'ONS postcode to local authority lookup (August 2023)',
    file: FILES.postcodes,
    origin: 'jesscasey/Bindicator dataset/pcd_lad_aug_2023_*.csv @ 86d956991544d8d2678950f7f579d507d12e411f',
    licence:
      'Contains OS data © Crown copyright and database right 2021-2025. Contains Royal Mail data © Royal Mail copyright and database right 2021-2025. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.',
    usedFor: 'data/postcodes.bin.gz',
  },
];

// ---------------------------------------------------------------------------------------------
// CSV

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines); strips a UTF-8 BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** CSV rows as objects keyed by the (trimmed) header. */
function readCsvRecords(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const keys = header.map((key) => key.trim());
  return rows.map((cells) => Object.fromEntries(keys.map((key, i) => [key, cells[i] ?? ''])));
}

// ---------------------------------------------------------------------------------------------
// Councils

const TIER_BY_LOCAL_LINKS_ID: Record<string, CouncilTier> = { '1': 'COUNTY', '2': 'DISTRICT', '3': 'UNITARY' };

const NATION_BY_NAME: Record<string, Nation> = {
  England: 'ENGLAND',
  Scotland: 'SCOTLAND',
  Wales: 'WALES',
  'Northern Ireland': 'NORTHERN_IRELAND',
};

/** mySociety `local-authority-type` → the tier it implies, to cross-check Local Links Manager. */
const TIER_BY_MYSOCIETY_TYPE: Record<string, CouncilTier> = {
  CTY: 'COUNTY',
  NMD: 'DISTRICT',
  UA: 'UNITARY',
  MD: 'UNITARY',
  LBO: 'UNITARY',
  CC: 'UNITARY',
  SCO: 'UNITARY',
  WPA: 'UNITARY',
  NID: 'UNITARY',
};

type MySocietyRow = Record<string, string>;

interface CodeCorrection {
  localLinksCode: string;
  code: string;
  name: string;
  /** renumbered: same council, new code; replaced: a new council took over (new name too). */
  kind: 'renumbered' | 'replaced';
  reason: string;
}

type CorrectionKind = CodeCorrection['kind'];

/**
 * Local Links Manager still carries a few codes ONS has since replaced. The postcode lookup uses
 * current codes, so each council is keyed by its current code, found through mySociety:
 * either a current authority lists the old code among its `former-gss-codes` (boundary changes,
 * e.g. Glasgow S12000046 → S12000049), or the old authority is marked replaced (the 2023
 * unitaries, e.g. North Yorkshire County Council E10000023 → North Yorkshire Council E06000065).
 */
function resolveCurrentAuthority(
  localLinksCode: string,
  mySociety: MySocietyRow[],
): { row: MySocietyRow; correction?: { kind: CorrectionKind; reason: string } } | undefined {
  const current = mySociety.filter((row) => row['current-authority'] === 'True');
  const direct = current.find((row) => row['gss-code'] === localLinksCode);
  if (direct) return { row: direct };

  const renumbered = current.find((row) =>
    row['former-gss-codes'].split(',').map((code) => code.trim()).includes(localLinksCode),
  );
  if (renumbered) {
    return { row: renumbered, correction: { kind: 'renumbered', reason: 'code changed (boundary change); same council' } };
  }

  const abolished = mySociety.find((row) => row['gss-code'] === localLinksCode);
  const successorId = abolished?.['replaced-by'].trim();
  if (successorId && !successorId.includes(',')) {
    const successor = current.find((row) => row['local-authority-code'] === successorId);
    if (successor) {
      return {
        row: successor,
        correction: {
          kind: 'replaced',
          reason: `${abolished!['official-name']} was replaced by ${successor['official-name']} on ${abolished!['end-date']}`,
        },
      };
    }
  }
  return undefined;
}

/** Normalises a council name so differently written names of one council compare equal. */
function normaliseAuthorityName(name: string): string {
  const IGNORED_WORDS = new Set([
    'council', 'borough', 'district', 'metropolitan', 'county', 'city', 'of', 'the', 'and',
    'corporation', 'royal', 'london',
  ]);
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents
    .toLowerCase()
    .replace(/['’]/g, '') // King's → kings
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  const kept = words.filter((word) => !IGNORED_WORDS.has(word));
  // "City of London Corporation" would otherwise normalise to nothing.
  return (kept.length > 0 ? kept : words).join(' ');
}

interface BindicatorEntry {
  authorityName: string;
  url: string;
}

/** Bindicator rows are irregular (2 or 4 columns); the URL is the last column that is one. */
function readBindicator(path: string): { entries: BindicatorEntry[]; rowsWithoutUrl: string[] } {
  const [, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const entries: BindicatorEntry[] = [];
  const rowsWithoutUrl: string[] = [];
  for (const cells of rows) {
    const authorityName = cells[0].trim();
    const url = cells
      .map((cell) => cell.trim())
      .filter((cell) => /^https?:\/\//i.test(cell))
      .at(-1);
    if (url) entries.push({ authorityName, url });
    else rowsWithoutUrl.push(authorityName);
  }
  return { entries, rowsWithoutUrl };
}

/**
 * Matches Bindicator names to councils by normalised name. Official names (GOV.UK, mySociety)
 * are tried before mySociety's alternative names, and a name that normalises to more than one
 * council is never used, so a loose alias cannot attach one council's page to another.
 */
function matchBindicator(
  councils: CouncilRecord[],
  namesByCode: Map<string, { official: string[]; alternative: string[] }>,
  entries: BindicatorEntry[],
): { urlByCode: Map<string, string>; unmatched: string[]; duplicates: string[] } {
  const buildIndex = (pick: (names: { official: string[]; alternative: string[] }) => string[]) => {
    const index = new Map<string, Set<string>>();
    for (const council of councils) {
      for (const name of pick(namesByCode.get(council.code)!)) {
        const key = normaliseAuthorityName(name);
        if (!key) continue;
        if (!index.has(key)) index.set(key, new Set());
        index.get(key)!.add(council.code);
      }
    }
    return index;
  };
  const officialIndex = buildIndex((names) => names.official);
  const alternativeIndex = buildIndex((names) => names.alternative);
  const unique = (codes: Set<string> | undefined) => (codes?.size === 1 ? [...codes][0] : undefined);

  const urlByCode = new Map<string, string>();
  const unmatched: string[] = [];
  const duplicates: string[] = [];
  for (const { authorityName, url } of entries) {
    const key = normaliseAuthorityName(authorityName);
    const code = unique(officialIndex.get(key)) ?? unique(alternativeIndex.get(key));
    if (!code) unmatched.push(authorityName);
    else if (urlByCode.has(code)) duplicates.push(`${authorityName} → ${code} (kept the first URL)`);
    else urlByCode.set(code, url);
  }
  return { urlByCode, unmatched, duplicates };
}

function deriveCouncils(sharedDir: string) {
  const localLinks = readCsvRecords(join(sharedDir, FILES.localLinks));
  const mySociety = readCsvRecords(join(sharedDir, FILES.mySociety));
  const bindicator = readBindicator(join(sharedDir, FILES.bindicator));

  const warnings: string[] = [];
  const corrections: CodeCorrection[] = [];
  const codeByLocalLinksId = new Map<string, string>();
  const mySocietyByCode = new Map<string, MySocietyRow>();

  // First pass: settle every row's current code, so parents can be resolved by id afterwards.
  for (const row of localLinks) {
    const resolved = resolveCurrentAuthority(row.gss, mySociety);
    const code = resolved?.row['gss-code'] ?? row.gss;
    if (!resolved) warnings.push(`${row.gss} ${row.name}: not found in mySociety; kept as is`);
    else mySocietyByCode.set(code, resolved.row);
    if (resolved?.correction) {
      corrections.push({ localLinksCode: row.gss, code, name: row.name, ...resolved.correction });
    }
    codeByLocalLinksId.set(row.id, code);
  }

  const namesByCode = new Map<string, { official: string[]; alternative: string[] }>();
  const councils: CouncilRecord[] = localLinks.map((row) => {
    const code = codeByLocalLinksId.get(row.id)!;
    const society = mySocietyByCode.get(code);
    const tier = TIER_BY_LOCAL_LINKS_ID[row.tier_id];
    if (!tier) throw new Error(`${row.gss} ${row.name}: unknown tier_id ${row.tier_id}`);

    const impliedTier = society && TIER_BY_MYSOCIETY_TYPE[society['local-authority-type']];
    if (society && impliedTier !== tier) {
      warnings.push(`${code} ${row.name}: tier ${tier} but mySociety type ${society['local-authority-type']}`);
    }

    const nation = NATION_BY_NAME[society?.nation ?? ''] ?? NATION_BY_NAME[row.country_name];
    if (!nation) throw new Error(`${code} ${row.name}: no nation (mySociety "${society?.nation}", GOV.UK "${row.country_name}")`);
    if (society && NATION_BY_NAME[row.country_name] !== NATION_BY_NAME[society.nation]) {
      warnings.push(`${code} ${row.name}: nation differs (GOV.UK ${row.country_name}, mySociety ${society.nation})`);
    }

    // A council that replaced the one GOV.UK names (the 2023 unitaries) takes its own name.
    const replaced = corrections.some((c) => c.code === code && c.kind === 'replaced');
    const name = replaced && society ? society['official-name'] : row.name.trim();

    let parentCode: string | null = null;
    if (row.parent_local_authority_id) {
      parentCode = codeByLocalLinksId.get(row.parent_local_authority_id) ?? null;
      if (!parentCode) throw new Error(`${code} ${row.name}: parent id ${row.parent_local_authority_id} not in file`);
    }
    if ((tier === 'DISTRICT') !== (parentCode !== null)) {
      warnings.push(`${code} ${row.name}: tier ${tier} with parent ${parentCode ?? 'none'}`);
    }

    namesByCode.set(code, {
      official: [row.name, society?.['official-name'] ?? '', society?.['nice-name'] ?? ''].filter(Boolean),
      alternative: (society?.['alt-names'] ?? '').split(',').map((name) => name.trim()).filter(Boolean),
    });

    return {
      code,
      name,
      shortName: society?.['nice-name']?.trim() || name,
      nation,
      tier,
      website: toHttps(row.homepage_url.trim()),
      binDayUrl: null,
      parentCode,
      collectsWaste: tier !== 'COUNTY',
      slug: row.slug.trim(),
      localCustodianCode: row.local_custodian_code.trim() || null,
    };
  });

  const match = matchBindicator(councils, namesByCode, bindicator.entries);
  for (const council of councils) council.binDayUrl = match.urlByCode.get(council.code) ?? null;

  councils.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  createCouncilRegistry(councils); // throws on duplicate codes or dangling parents

  const httpUpgraded = localLinks.filter((row) => row.homepage_url.trim().startsWith('http:')).length;
  return { councils, corrections, warnings, match, bindicator, httpUpgraded };
}

/**
 * GOV.UK lists about a third of homepages as http://; every council site now serves https
 * (and most redirect http to it), and an https link is what a client should be given.
 */
function toHttps(url: string): string {
  return url.replace(/^http:\/\//i, 'https://');
}

// ---------------------------------------------------------------------------------------------
// Postcodes

async function* readPostcodeRows(path: string): AsyncGenerator<[postcode: string, lad: string]> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      if (line.trim() !== 'pcd,lad23cd') throw new Error(`Unexpected postcode header: ${line}`);
      header = false;
      continue;
    }
    const comma = line.indexOf(',');
    yield [line.slice(0, comma), line.slice(comma + 1).trim()];
  }
}

async function derivePostcodes(sharedDir: string, councils: CouncilRecord[], corrections: CodeCorrection[]) {
  const councilCodes = new Set(councils.map((council) => council.code));
  const currentCodeByOldCode = new Map(corrections.map((c) => [c.localLinksCode, c.code]));

  const entries: [string, string][] = [];
  const postcodesByLad = new Map<string, number>();
  const remapped = new Map<string, string>();
  const unknownLads = new Map<string, number>();
  let sourceRows = 0;
  let blankLad = 0;

  for await (const [postcode, lad] of readPostcodeRows(join(sharedDir, FILES.postcodes))) {
    sourceRows++;
    if (lad === '') {
      blankLad++;
      continue;
    }
    let code = lad;
    if (!councilCodes.has(lad) && !Object.hasOwn(CROWN_DEPENDENCY_PSEUDO_CODES, lad)) {
      const current = currentCodeByOldCode.get(lad);
      if (current) {
        remapped.set(lad, current);
        code = current;
      } else {
        unknownLads.set(lad, (unknownLads.get(lad) ?? 0) + 1);
      }
    }
    postcodesByLad.set(code, (postcodesByLad.get(code) ?? 0) + 1);
    entries.push([postcode, code]);
  }

  const gzipped = encodePostcodeIndex(entries);
  return { gzipped, entries, sourceRows, blankLad, postcodesByLad, remapped, unknownLads };
}

// ---------------------------------------------------------------------------------------------

/**
 * Welsh names of the Welsh councils' areas (ONS LAD24NMW, e.g. W06000015 "Caerdydd"), for the bin-day page
 * in Welsh: Welsh councils must offer their services in Welsh (Welsh Language Standards). Only councils in
 * councils.json with a Welsh name are kept.
 */
function deriveWelshCouncilNames(sharedDir: string, councilCodes: ReadonlySet<string>) {
  const names: Record<string, string> = {};
  for (const row of readCsvRecords(join(sharedDir, FILES.onsLadNames))) {
    const welsh = row.LAD24NMW?.trim();
    if (welsh && councilCodes.has(row.LAD24CD)) names[row.LAD24CD] = welsh;
  }
  return {
    source: 'ONS Local Authority Districts (May 2024) names, LAD24NMW column; Office for National Statistics, Open Government Licence v3.0',
    names: Object.fromEntries(Object.entries(names).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function writeWelshCouncilNames(sharedDir: string, councilCodes: ReadonlySet<string>): void {
  const welsh = deriveWelshCouncilNames(sharedDir, councilCodes);
  const path = join(OUTPUT_DIR, 'council-names-cy.json');
  writeFileSync(path, JSON.stringify(welsh, null, 2) + '\n');
  console.log(`council-names-cy.json: Welsh names of ${Object.keys(welsh.names).length} councils`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shared: { type: 'string' }, 'welsh-names-only': { type: 'boolean' } } });
  const sharedDir = values.shared ? resolve(values.shared) : resolve(PROJECT_ROOT, '../shared/data');
  if (!existsSync(join(sharedDir, FILES.localLinks))) {
    console.error(`No reference data at ${sharedDir} (expected ${FILES.localLinks}); pass --shared <dir>.`);
    process.exit(1);
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  console.log(`Reading reference data from ${sharedDir}\n`);
  if (values['welsh-names-only']) {
    // The shipped registry's codes: re-deriving only the Welsh names leaves councils.json and the postcodes as they are.
    const shipped = JSON.parse(readFileSync(join(OUTPUT_DIR, 'councils.json'), 'utf8')) as { councils: CouncilRecord[] };
    writeWelshCouncilNames(sharedDir, new Set(shipped.councils.map((c) => c.code)));
    return;
  }

  // --- councils.json
  const { councils, corrections, warnings, match, bindicator, httpUpgraded } = deriveCouncils(sharedDir);
  const generatedAt = new Date().toISOString().slice(0, 10); // a date: reruns the same day give no diff
  const councilsPath = join(OUTPUT_DIR, 'councils.json');
  writeFileSync(
    councilsPath,
    JSON.stringify({ generatedAt, sources: SOURCES, codeCorrections: corrections, councils }, null, 2) + '\n',
  );

  const count = (predicate: (c: CouncilRecord) => boolean) => councils.filter(predicate).length;
  console.log(`councils.json: ${councils.length} councils (${statSync(councilsPath).size} bytes)`);
  for (const tier of ['COUNTY', 'DISTRICT', 'UNITARY'] as const) console.log(`  ${tier}: ${count((c) => c.tier === tier)}`);
  for (const nation of Object.values(NATION_BY_NAME)) console.log(`  ${nation}: ${count((c) => c.nation === nation)}`);
  console.log(`  collect household waste: ${count((c) => c.collectsWaste)}`);
  console.log(`  homepages upgraded from http:// to https://: ${httpUpgraded}`);
  console.log(`  codes corrected to the current GSS code: ${corrections.length}`);
  for (const c of corrections) console.log(`    ${c.localLinksCode} → ${c.code} ${c.name}: ${c.reason}`);
  for (const warning of warnings) console.log(`  WARNING ${warning}`);

  const collecting = councils.filter((c) => c.collectsWaste);
  console.log(
    `\nBindicator: ${bindicator.entries.length} rows with a URL; matched ${match.urlByCode.size}; ` +
      `collecting councils with a bin-day URL: ${count((c) => c.collectsWaste && c.binDayUrl !== null)}/${collecting.length}`,
  );
  if (bindicator.rowsWithoutUrl.length) console.log(`  rows without a URL: ${bindicator.rowsWithoutUrl.join('; ')}`);
  console.log(`  unmatched Bindicator rows (${match.unmatched.length}): ${match.unmatched.join('; ') || 'none'}`);
  if (match.duplicates.length) console.log(`  duplicates: ${match.duplicates.join('; ')}`);
  const withoutUrl = collecting.filter((c) => !c.binDayUrl);
  console.log(`  collecting councils without a bin-day URL (${withoutUrl.length}):`);
  console.log(`    ${withoutUrl.map((c) => `${c.code} ${c.shortName}`).join('; ')}`);

  writeWelshCouncilNames(sharedDir, new Set(councils.map((c) => c.code)));

  // --- postcodes.bin.gz
  const postcodes = await derivePostcodes(sharedDir, councils, corrections);
  const postcodesPath = join(OUTPUT_DIR, 'postcodes.bin.gz');
  writeFileSync(postcodesPath, postcodes.gzipped);
  console.log(
    `\npostcodes.bin.gz: ${postcodes.entries.length} postcodes from ${postcodes.sourceRows} rows ` +
      `(${postcodes.blankLad} with a blank LAD skipped), ${postcodes.postcodesByLad.size} codes, ` +
      `${(postcodes.gzipped.length / 1024 / 1024).toFixed(2)} MiB`,
  );
  for (const [pseudo, place] of Object.entries(CROWN_DEPENDENCY_PSEUDO_CODES)) {
    console.log(`  ${pseudo} (${place}): ${postcodes.postcodesByLad.get(pseudo) ?? 0} postcodes`);
  }
  console.log(`  LAD23 codes mapped to a current council code: ${postcodes.remapped.size || 'none'}`);
  for (const [from, to] of postcodes.remapped) console.log(`    ${from} → ${to}`);
  console.log(`  LAD23 codes not in councils.json: ${postcodes.unknownLads.size || 'none'}`);
  for (const [lad, n] of postcodes.unknownLads) console.log(`    ${lad}: ${n} postcodes`);
  const gbCollecting = collecting.filter((c) => c.nation !== 'NORTHERN_IRELAND');
  const withoutPostcodes = gbCollecting.filter((c) => !postcodes.postcodesByLad.has(c.code));
  console.log(
    `  GB collecting councils with no postcode: ${withoutPostcodes.map((c) => `${c.code} ${c.name}`).join('; ') || 'none'}`,
  );

  // Read the file back and check every source row, so a format bug cannot ship.
  const started = performance.now();
  const index = PostcodeIndex.load(postcodesPath);
  const loadMs = performance.now() - started;
  let mismatches = 0;
  for (const [postcode, code] of postcodes.entries) {
    if (index.lookup(postcode) !== code && mismatches++ < 5) console.log(`  MISMATCH ${postcode}: ${index.lookup(postcode)} ≠ ${code}`);
  }
  console.log(`  verified: ${postcodes.entries.length - mismatches}/${postcodes.entries.length} read back; load took ${loadMs.toFixed(1)} ms`);
  if (mismatches > 0 || index.size !== postcodes.entries.length) {
    throw new Error('The written postcode index does not read back as written');
  }
}

await main();
