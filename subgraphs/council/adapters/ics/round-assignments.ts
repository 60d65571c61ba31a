// Which round (calendar) each property is on. A calendar is per round, so the council says which
// addresses each round visits: a CSV of uprn, round[, postcode, address, town] (one row per property
// and round: a house on "Monday G1" for bins and "Monday A" for garden waste has two rows), or a
// postcode → round(s) table, optionally with an address list to give real addresses and UPRNs.
import type { Address } from '../../../../domain/types.js';
import { parsePostcode } from '../../../../contracts/postcode.js';
import { splitAddress, UPRN_PATTERN, type ListedAddress } from '../shared/address-list.js';
import { readCsvTable } from '../shared/csv.js';
import { DataFileError, type DataProblem } from '../shared/data-problem.js';

export interface RoundAssignment {
  uprn: string;
  address: Address;
  rounds: string[];
}

export function assignmentsFromCsv(text: string, file: string, knownRounds: ReadonlySet<string>, defaultTown: string): RoundAssignment[] {
  const rows = readCsvTable(text, file, { required: ['uprn', 'round'], optional: ['postcode', 'address', 'town'] });
  const problems: DataProblem[] = [];
  const byUprn = new Map<string, RoundAssignment>();
  for (const { line, row, values } of rows) {
    const at = { file, line, row };
    if (!UPRN_PATTERN.test(values.uprn)) {
      problems.push({ ...at, column: 'uprn', message: `must be a UPRN (up to 12 digits), got ${JSON.stringify(values.uprn)}` });
      continue;
    }
    if (!knownRounds.has(values.round)) {
      problems.push({ ...at, column: 'round', message: `${JSON.stringify(values.round)} has no calendar; configured rounds are ${[...knownRounds].map((r) => JSON.stringify(r)).join(', ')}` });
      continue;
    }
    let postcode = '';
    if (values.postcode !== '') {
      const parsed = parsePostcode(values.postcode);
      if (!parsed.ok) {
        problems.push({ ...at, column: 'postcode', message: parsed.message });
        continue;
      }
      postcode = parsed.postcode;
    }
    const existing = byUprn.get(values.uprn);
    if (existing) {
      if (!existing.rounds.includes(values.round)) existing.rounds.push(values.round);
      continue;
    }
    const town = values.town || defaultTown;
    const address = values.address ? splitAddress(values.address, town, postcode) : { lines: [], town, postcode };
    byUprn.set(values.uprn, { uprn: values.uprn, address, rounds: [values.round] });
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return [...byUprn.values()];
}

/** Postcode → round(s), as written in the configuration (already validated there). */
export type PostcodeRounds = ReadonlyMap<string, readonly string[]>;

/** With an address list: every listed address in a mapped postcode, on that postcode's rounds. */
export function assignmentsFromPostcodes(table: PostcodeRounds, addresses: readonly ListedAddress[]): { assignments: RoundAssignment[]; unmapped: number } {
  let unmapped = 0;
  const assignments: RoundAssignment[] = [];
  for (const { uprn, address } of addresses) {
    const rounds = table.get(address.postcode);
    if (rounds) assignments.push({ uprn, address, rounds: [...rounds] });
    else unmapped++;
  }
  return { assignments, unmapped };
}

/**
 * Without an address list the council only knows streets by postcode, so each postcode is one
 * property standing for all its addresses. Its id says so ("PC-NG41AA"): it is not a real UPRN.
 */
export function postcodeWideAssignments(table: PostcodeRounds, town: string): RoundAssignment[] {
  return [...table].map(([postcode, rounds]) => ({
    uprn: postcodePropertyId(postcode),
    address: { lines: [`All addresses in ${postcode}`], town, postcode },
    rounds: [...rounds],
  }));
}

export function postcodePropertyId(postcode: string): string {
  return `PC-${postcode.replace(/\s+/g, '')}`;
}
