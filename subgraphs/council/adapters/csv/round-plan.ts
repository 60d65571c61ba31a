// The DCLG Waste Service Standards round_plan table (communitiesuk/waste-service-standards):
//   uprn,round_plan,container_type,schedule
// one row per container at a property. Each row is checked against the rounds file and the
// configured services; every problem names the file, the row and the column.
import type { IsoWeekday } from '../../../../domain/dates.js';
import { WEEKDAY_NAMES } from '../../../../domain/dates.js';
import { UPRN_PATTERN } from '../shared/address-list.js';
import { readCsvTable } from '../shared/csv.js';
import { DataFileError, type DataProblem } from '../shared/data-problem.js';
import type { ServiceCatalogue } from '../shared/service-catalogue.js';
import type { RoundDefinition } from './rounds-file.js';
import { readScheduleText } from './schedule-text.js';

export interface PlannedService {
  uprn: string;
  round: string;
  serviceId: string;
}

export interface RoundPlan {
  rows: PlannedService[];
  /** Container types that match no configured service: their rows are left out. */
  unknownContainers: Map<string, number[]>;
}

export function parseRoundPlan(text: string, file: string, rounds: ReadonlyMap<string, RoundDefinition>, roundsFile: string, catalogue: ServiceCatalogue): RoundPlan {
  const table = readCsvTable(text, file, { required: ['uprn', 'round_plan', 'container_type', 'schedule'] });
  const problems: DataProblem[] = [];
  const unknownContainers = new Map<string, number[]>();
  const seen = new Map<string, { round: string; row: number }>();
  const planned: PlannedService[] = [];
  for (const { line, row, values } of table) {
    const problem = (column: string, message: string) => problems.push({ file, line, row, column, message });
    if (!UPRN_PATTERN.test(values.uprn)) {
      problem('uprn', `must be a UPRN (up to 12 digits), got ${JSON.stringify(values.uprn)}`);
      continue;
    }
    const round = rounds.get(values.round_plan);
    if (!round) {
      problem('round_plan', `${JSON.stringify(values.round_plan)} is not in ${roundsFile}`);
      continue;
    }
    const serviceId = catalogue.match(values.container_type)[0];
    if (!serviceId) {
      unknownContainers.set(values.container_type, [...(unknownContainers.get(values.container_type) ?? []), row]);
      continue;
    }
    const contradiction = scheduleContradiction(values.schedule, round);
    if (contradiction) {
      problem('schedule', `${JSON.stringify(values.schedule)} contradicts round ${round.round} in ${roundsFile} (row ${round.row}): ${contradiction}`);
      continue;
    }
    const key = `${values.uprn}\u0000${serviceId}`;
    const previous = seen.get(key);
    if (previous && previous.round !== values.round_plan) {
      problem('round_plan', `UPRN ${values.uprn} already has ${serviceId} on round ${previous.round} (row ${previous.row})`);
      continue;
    }
    if (previous) continue; // two containers of one service on one round: one collection
    seen.set(key, { round: values.round_plan, row });
    planned.push({ uprn: values.uprn, round: values.round_plan, serviceId });
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return { rows: planned, unknownContainers };
}

function scheduleContradiction(text: string, round: RoundDefinition): string | null {
  const said = readScheduleText(text);
  const { weekday, everyWeeks } = round.pattern;
  const parts: string[] = [];
  if (said.weekday !== null && said.weekday !== weekday) parts.push(`it says ${dayName(said.weekday)}, the round runs on ${dayName(weekday)}`);
  if (said.everyWeeks !== null && said.everyWeeks !== everyWeeks) parts.push(`it says every ${said.everyWeeks} week(s), the round runs every ${everyWeeks}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function dayName(day: IsoWeekday): string {
  return WEEKDAY_NAMES[day - 1];
}
