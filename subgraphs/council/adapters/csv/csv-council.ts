// The CSV adapter: a round plan (DCLG round_plan table), a rounds file and an address list, read
// into a RoundScheduleSource. The council's bank-holiday policy does the holiday moves, as for the
// sample councils; a rounds file's exceptions and additions cover its one-off changes.
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import type { Round } from '../../../../domain/schedule/engine.js';
import { parseAddressList } from '../shared/address-list.js';
import { assembleProperties, type PropertyRounds } from '../shared/assemble-properties.js';
import { DataFileError, collectProblems, type DataProblem } from '../shared/data-problem.js';
import { readResource } from '../shared/read-resource.js';
import { RoundScheduleSource } from '../shared/round-schedule-source.js';
import { ServiceCatalogue, type ServiceDefinition } from '../shared/service-catalogue.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import type { LoadResult } from '../shared/load-result.js';
import { parseRoundPlan } from './round-plan.js';
import { parseRoundsFile } from './rounds-file.js';

export interface CsvCouncilOptions {
  councilCode: string;
  town: string;
  baseDir: string;
  roundPlan: string;
  rounds: string;
  addresses: string;
  services: ServiceDefinition[];
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  timeoutMs?: number;
  notice?: string | null;
}

export async function loadCsvCouncil(options: CsvCouncilOptions, signal?: AbortSignal): Promise<LoadResult<RoundScheduleSource>> {
  const read = (location: string) => readResource(location, { baseDir: options.baseDir, timeoutMs: options.timeoutMs, signal });
  const [planFile, roundsFile, addressFile] = await Promise.allSettled([read(options.roundPlan), read(options.rounds), read(options.addresses)]);
  const problems: DataProblem[] = [];
  for (const file of [planFile, roundsFile, addressFile]) if (file.status === 'rejected') collectProblems(file.reason, problems);
  if (planFile.status === 'rejected' || roundsFile.status === 'rejected' || addressFile.status === 'rejected') throw new DataFileError(problems);

  const catalogue = new ServiceCatalogue(options.services);
  const attempt = <T>(work: () => T): T | null => {
    try {
      return work();
    } catch (error) {
      collectProblems(error, problems);
      return null;
    }
  };
  const definitions = attempt(() => parseRoundsFile(roundsFile.value.text, roundsFile.value.name));
  const addresses = attempt(() => parseAddressList(addressFile.value.text, addressFile.value.name, options.town));
  const plan = definitions && attempt(() => parseRoundPlan(planFile.value.text, planFile.value.name, definitions, roundsFile.value.name, catalogue));
  if (!definitions || !addresses || !plan) throw new DataFileError(problems);

  const table = new Map<string, Map<string, Round[]>>();
  for (const { round, serviceId } of plan.rows) {
    const services = table.get(round) ?? new Map<string, Round[]>();
    if (!services.has(serviceId)) {
      const definition = definitions.get(round)!;
      services.set(serviceId, [{ id: round, serviceId, pattern: definition.pattern, exceptions: definition.exceptions, additions: definition.additions }]);
    }
    table.set(round, services);
  }

  const warnings: string[] = [];
  const feedWarnings: FeedWarning[] = [];
  for (const [container, rows] of plan.unknownContainers) {
    const message = `container_type ${JSON.stringify(container)} (rows ${rows.slice(0, 5).join(', ')}${rows.length > 5 ? ', …' : ''}) matches no configured service, so those rows are left out`;
    warnings.push(`${planFile.value.name}: ${message}`);
    feedWarnings.push({ code: 'UNKNOWN_SERVICE', message: `The round plan's ${message}.`, round: null });
  }
  const addressByUprn = new Map(addresses.map((entry) => [entry.uprn, entry.address]));
  const byUprn = new Map<string, PropertyRounds>();
  let unaddressed = 0;
  for (const { uprn, round, serviceId } of plan.rows) {
    let property = byUprn.get(uprn);
    if (!property) {
      const address = addressByUprn.get(uprn);
      if (!address) unaddressed++;
      // Without an address the property is still found by UPRN, just not by postcode.
      property = { uprn, address: address ?? { lines: [], town: options.town, postcode: '' }, rounds: [] };
      byUprn.set(uprn, property);
    }
    property.rounds.push({ round, serviceId });
  }
  if (unaddressed > 0) warnings.push(`${addressFile.value.name}: ${unaddressed} UPRNs of the round plan have no address, so they cannot be found by postcode`);

  const assembled = assembleProperties([...byUprn.values()], table, catalogue);
  for (const id of assembled.unusedServiceIds) warnings.push(`service ${id} matches no container_type in the round plan`);
  return {
    source: new RoundScheduleSource({
      councilCode: options.councilCode,
      kind: 'CSV',
      notice: options.notice ?? null,
      loadedAt: new Date(),
      services: assembled.services,
      properties: assembled.properties,
      rounds: table,
      rules: options.rules,
      bankHolidays: options.bankHolidays,
      warnings: feedWarnings,
    }),
    warnings,
  };
}
