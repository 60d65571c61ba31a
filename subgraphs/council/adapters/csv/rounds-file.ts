// The rounds file that goes with a round plan: one row per round, saying when it runs.
//   round,weekday,every_weeks,anchor,exceptions,additions
//   MON-A-REF,Monday,2,2026-01-05,2026-12-28,2026-12-31
// `anchor` is one real collection date (it fixes which week of the cycle is "on"); `exceptions` and
// `additions` are dates separated by spaces or semicolons. Dates may be written 2026-01-05 or, as
// Excel exports them, 05/01/2026 (day first, the UK way).
import { isIsoDate, type IsoWeekday } from '../../../../domain/dates.js';
import { MAX_EVERY_WEEKS, patternProblems, type RoundPattern } from '../../../../domain/schedule/recurrence.js';
import type { IsoDate } from '../../../../domain/types.js';
import { readCsvTable } from '../shared/csv.js';
import { DataFileError, type DataProblem } from '../shared/data-problem.js';

export interface RoundDefinition {
  round: string;
  pattern: Extract<RoundPattern, { kind: 'weekly' }>;
  exceptions: IsoDate[];
  additions: IsoDate[];
  /** Where it was defined, for cross-checks that name it. */
  line: number;
  row: number;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function parseRoundsFile(text: string, file: string): Map<string, RoundDefinition> {
  const rows = readCsvTable(text, file, { required: ['round', 'weekday', 'every_weeks', 'anchor'], optional: ['exceptions', 'additions'] });
  const problems: DataProblem[] = [];
  const rounds = new Map<string, RoundDefinition>();
  for (const { line, row, values } of rows) {
    const problem = (column: string, message: string) => problems.push({ file, line, row, column, message });
    const before = problems.length;
    if (values.round === '') problem('round', 'is empty');
    else if (rounds.has(values.round)) problem('round', `${JSON.stringify(values.round)} is defined twice (first on row ${rounds.get(values.round)!.row})`);
    const weekday = readWeekday(values.weekday);
    if (weekday === null) problem('weekday', `must be a day of the week (Monday … Sunday, or 1 … 7), got ${JSON.stringify(values.weekday)}`);
    const everyWeeks = Number(values.every_weeks);
    if (!/^\d+$/.test(values.every_weeks) || everyWeeks < 1 || everyWeeks > MAX_EVERY_WEEKS) {
      problem('every_weeks', `must be a whole number from 1 to ${MAX_EVERY_WEEKS}, got ${JSON.stringify(values.every_weeks)}`);
    }
    const anchor = readDate(values.anchor);
    if (anchor === null) problem('anchor', `must be a date written YYYY-MM-DD or DD/MM/YYYY, got ${JSON.stringify(values.anchor)}`);
    const exceptions = readDates(values.exceptions, (bad) => problem('exceptions', `${JSON.stringify(bad)} is not a date (YYYY-MM-DD or DD/MM/YYYY)`));
    const additions = readDates(values.additions, (bad) => problem('additions', `${JSON.stringify(bad)} is not a date (YYYY-MM-DD or DD/MM/YYYY)`));
    if (problems.length > before) continue;
    const pattern = { kind: 'weekly' as const, weekday: weekday!, everyWeeks, anchor: anchor! };
    // The engine's own check: e.g. an anchor that is not on the weekday.
    const patternIssues = patternProblems(pattern);
    if (patternIssues.length > 0) {
      problem('anchor', patternIssues.join('; '));
      continue;
    }
    rounds.set(values.round, { round: values.round, pattern, exceptions, additions, line, row });
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return rounds;
}

function readWeekday(text: string): IsoWeekday | null {
  if (/^[1-7]$/.test(text)) return Number(text) as IsoWeekday;
  const lower = text.toLowerCase();
  const index = lower.length >= 3 ? WEEKDAYS.findIndex((day) => day.startsWith(lower)) : -1;
  return index >= 0 ? ((index + 1) as IsoWeekday) : null;
}

export function readDate(text: string): IsoDate | null {
  if (isIsoDate(text)) return text;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!uk) return null;
  const iso = `${uk[3]}-${uk[2].padStart(2, '0')}-${uk[1].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

function readDates(text: string, bad: (value: string) => void): IsoDate[] {
  const dates: IsoDate[] = [];
  for (const part of text.split(/[\s;]+/).filter((p) => p !== '')) {
    const date = readDate(part);
    if (date) dates.push(date);
    else bad(part);
  }
  return dates;
}
