// Loads the bank-holiday calendar the project ships (data/bank-holidays.json, GOV.UK data under
// the Open Government Licence v3.0). Kept out of domain/ because it reads a file.
// Refresh the file with `npx tsx scripts/refresh-bank-holidays.ts`.

import { readFileSync } from 'node:fs';
import { BankHolidayCalendar } from '../../domain/bank-holidays/calendar.js';
import { projectPath } from '../../lib/project-path.js';

/** Resolved from this module, not the working directory, so it works from any cwd. */
export const SHIPPED_BANK_HOLIDAYS_PATH = projectPath('data', 'bank-holidays.json');

export function loadShippedBankHolidays(path: string = SHIPPED_BANK_HOLIDAYS_PATH): BankHolidayCalendar {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the bank-holiday calendar at ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return BankHolidayCalendar.fromFeed(json);
  } catch (error) {
    throw new Error(`The bank-holiday calendar at ${path} is invalid: ${(error as Error).message}`, { cause: error });
  }
}
