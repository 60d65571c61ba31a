// A council's address list: uprn, postcode, address[, town]. Councils whose data is keyed by UPRN
// (a round plan, a back office that answers per property) need it to answer "who lives in RG1 1AA?".
import type { Address } from '../../../../domain/types.js';
import { parsePostcode } from '../../../../contracts/postcode.js';
import { readCsvTable } from './csv.js';
import { DataFileError, type DataProblem } from './data-problem.js';

export interface ListedAddress {
  uprn: string;
  address: Address;
}

export const UPRN_PATTERN = /^\d{1,12}$/;

/** Reads and validates the list; every problem names the file, row and column. */
export function parseAddressList(text: string, file: string, defaultTown: string): ListedAddress[] {
  const rows = readCsvTable(text, file, { required: ['uprn', 'postcode', 'address'], optional: ['town'] });
  const problems: DataProblem[] = [];
  const seen = new Map<string, number>();
  const addresses: ListedAddress[] = [];
  for (const { line, row, values } of rows) {
    const at = { file, line, row };
    if (!UPRN_PATTERN.test(values.uprn)) {
      problems.push({ ...at, column: 'uprn', message: `must be a UPRN (up to 12 digits), got ${JSON.stringify(values.uprn)}` });
      continue;
    }
    if (seen.has(values.uprn)) {
      problems.push({ ...at, column: 'uprn', message: `${values.uprn} is listed twice (first on row ${seen.get(values.uprn)})` });
      continue;
    }
    seen.set(values.uprn, row);
    const postcode = parsePostcode(values.postcode);
    if (!postcode.ok) {
      problems.push({ ...at, column: 'postcode', message: postcode.message });
      continue;
    }
    if (values.address === '') {
      problems.push({ ...at, column: 'address', message: 'is empty' });
      continue;
    }
    const town = values.town || defaultTown;
    addresses.push({ uprn: values.uprn, address: splitAddress(values.address, town, postcode.postcode) });
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return addresses;
}

/**
 * "12 Station Road, Arnold, Nottingham, NG5 6AA" → lines ["12 Station Road", "Arnold"], town "Nottingham".
 * Exports often repeat the town and postcode inside the address; they are dropped from the lines.
 */
export function splitAddress(text: string, town: string, postcode: string): Address {
  const compact = (value: string) => value.replace(/\s+/g, '').toUpperCase();
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  while (parts.length > 1 && compact(parts[parts.length - 1]) === compact(postcode)) parts.pop();
  while (parts.length > 1 && parts[parts.length - 1].toLowerCase() === town.toLowerCase()) parts.pop();
  return { lines: parts, town, postcode };
}
