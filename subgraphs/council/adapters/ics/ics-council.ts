// The ICS adapter: a council's published round calendars (one per round) and its round
// assignments, read into a RoundScheduleSource. Every read is whole: a refresh re-reads all files.
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import type { Round } from '../../../../domain/schedule/engine.js';
import { assembleProperties, type PropertyRounds } from '../shared/assemble-properties.js';
import { parseAddressList } from '../shared/address-list.js';
import { DataFileError, collectProblems, formatProblem, type DataProblem } from '../shared/data-problem.js';
import type { LoadResult } from '../shared/load-result.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import { bankHolidayExplainer, likelyHolidayMove } from '../shared/move-reason.js';
import { readResource } from '../shared/read-resource.js';
import { RoundScheduleSource } from '../shared/round-schedule-source.js';
import { ServiceCatalogue, toMatcher, type ServiceDefinition } from '../shared/service-catalogue.js';
import { parseCalendar } from './ics-calendar.js';
import { calendarRounds } from './ics-rounds.js';
import { assignmentsFromCsv, assignmentsFromPostcodes, postcodeWideAssignments, type RoundAssignment } from './round-assignments.js';

export interface IcsCouncilOptions {
  councilCode: string;
  /** Town for addresses that do not name one (the council's short name). */
  town: string;
  /** Where relative paths are resolved from: the configuration file's directory. */
  baseDir: string;
  calendars: Array<{ round: string; url: string }>;
  rounds: { csv: string } | { byPostcode: ReadonlyMap<string, readonly string[]>; addresses?: string };
  services: ServiceDefinition[];
  changedCollections: { marker: string; withinDays: number };
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  timeoutMs?: number;
  notice?: string | null;
}

/**
 * `previous` is the last good read, if any: a round whose calendar had collections then and has none
 * now keeps its earlier rounds, marked stale, with a SCHEDULE_EMPTIED warning. A calendar emptied
 * overnight is far likelier a publishing fault than a round that stopped collecting.
 */
export async function loadIcsCouncil(options: IcsCouncilOptions, signal?: AbortSignal, previous?: RoundScheduleSource | null): Promise<LoadResult<RoundScheduleSource>> {
  const read = (location: string) => readResource(location, { baseDir: options.baseDir, timeoutMs: options.timeoutMs, signal });
  const catalogue = new ServiceCatalogue(options.services);
  const explain = bankHolidayExplainer(options.bankHolidays, options.rules.division);
  const likelyMove = likelyHolidayMove(options.bankHolidays, options.rules.division);
  const problems: DataProblem[] = [];
  const warnings: DataProblem[] = [];
  const feedWarnings: FeedWarning[] = [];

  const table = new Map<string, Map<string, Round[]>>();
  const files = await Promise.allSettled(options.calendars.map((calendar) => read(calendar.url)));
  files.forEach((file, index) => {
    const { round } = options.calendars[index];
    if (file.status === 'rejected') return collectProblems(file.reason, problems);
    try {
      const calendar = parseCalendar(file.value.text, file.value.name);
      warnings.push(...calendar.warnings);
      const rounds = calendarRounds(calendar.events, {
        round,
        file: file.value.name,
        catalogue,
        changedMarker: toMatcher(options.changedCollections.marker),
        withinDays: options.changedCollections.withinDays,
        explain,
        likelyMove,
      });
      warnings.push(...rounds.warnings);
      feedWarnings.push(...rounds.feedWarnings);
      const existing = table.get(round) ?? new Map<string, Round[]>();
      for (const [serviceId, list] of rounds.byService) existing.set(serviceId, [...(existing.get(serviceId) ?? []), ...list]);
      table.set(round, existing);
    } catch (error) {
      collectProblems(error, problems);
    }
  });

  let assignments: RoundAssignment[] = [];
  try {
    assignments = await readAssignments(options, new Set(options.calendars.map((c) => c.round)), read, warnings);
  } catch (error) {
    collectProblems(error, problems);
  }
  if (problems.length > 0) throw new DataFileError(problems);

  let stale = false;
  const before = previous?.snapshot().rounds;
  for (const { round } of options.calendars) {
    const had = before?.get(round);
    const has = table.get(round);
    if (!had || had.size === 0 || (has && has.size > 0)) continue;
    table.set(round, new Map(had as Map<string, Round[]>));
    stale = true;
    feedWarnings.push({
      code: 'SCHEDULE_EMPTIED',
      message: `The calendar of round ${JSON.stringify(round)} now has no collections, where it had some before. Residents are shown the last good calendar, marked stale.`,
      round,
    });
  }

  const input: PropertyRounds[] = assignments.map(({ uprn, address, rounds }) => ({ uprn, address, rounds: rounds.map((round) => ({ round })) }));
  const assembled = assembleProperties(input, table, catalogue);
  const messages = warnings.map(formatProblem);
  for (const id of assembled.unusedServiceIds) messages.push(`service ${id} matches no event in any calendar`);
  return {
    source: new RoundScheduleSource({
      councilCode: options.councilCode,
      kind: 'ICS',
      notice: options.notice ?? null,
      loadedAt: new Date(),
      services: assembled.services,
      properties: assembled.properties,
      rounds: table,
      rules: options.rules,
      bankHolidays: options.bankHolidays,
      warnings: feedWarnings,
      stale,
    }),
    warnings: messages,
  };
}

async function readAssignments(
  options: IcsCouncilOptions,
  knownRounds: Set<string>,
  read: (location: string) => Promise<{ name: string; text: string }>,
  warnings: DataProblem[],
): Promise<RoundAssignment[]> {
  if ('csv' in options.rounds) {
    const file = await read(options.rounds.csv);
    return assignmentsFromCsv(file.text, file.name, knownRounds, options.town);
  }
  if (!options.rounds.addresses) return postcodeWideAssignments(options.rounds.byPostcode, options.town);
  const file = await read(options.rounds.addresses);
  const { assignments, unmapped } = assignmentsFromPostcodes(options.rounds.byPostcode, parseAddressList(file.text, file.name, options.town));
  if (unmapped > 0) warnings.push({ file: file.name, message: `${unmapped} addresses are in postcodes that rounds.byPostcode does not list, so they are left out` });
  return assignments;
}
