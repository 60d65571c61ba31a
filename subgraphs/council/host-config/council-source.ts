// One configured council → its adapter, wrapped so that it refreshes on schedule and on demand.
import type { BankHolidayCalendar } from '../../../domain/bank-holidays/calendar.js';
import { divisionForNation } from '../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../domain/bank-holidays/policy.js';
import type { CouncilRecord } from '../../../contracts/council.js';
import { parsePostcode } from '../../../contracts/postcode.js';
import { backOfficeCouncil } from '../adapters/back-office/back-office-council.js';
import { echoMapping } from '../adapters/back-office/echo/echo-mapping.js';
import { loadCsvCouncil } from '../adapters/csv/csv-council.js';
import { loadIcsCouncil } from '../adapters/ics/ics-council.js';
import { perAddressIcsCouncil } from '../adapters/ics/per-address-ics.js';
import { RefreshingSource } from '../adapters/refresh/refreshing-source.js';
import type { FeedWarningReporter } from '../adapters/shared/feed-warnings.js';
import type { LoadResult } from '../adapters/shared/load-result.js';
import type { RoundScheduleSource } from '../adapters/shared/round-schedule-source.js';
import type { CouncilDataSource } from '../data-source.js';
import type { CouncilConfig } from './config-schema.js';

export interface CouncilSourceContext {
  /** Relative paths in the configuration are resolved from its directory. */
  configDir: string;
  council: CouncilRecord;
  bankHolidays: BankHolidayCalendar;
  defaults: { refreshEveryMinutes?: number; timeoutMs?: number };
  log: (entry: Record<string, unknown>) => void;
  /** Logs and counts each feed warning once (binfo_council_feed_warnings_total). */
  feedWarnings?: FeedWarningReporter;
}

export interface ConfiguredCouncil {
  source: RefreshingSource;
  /** Warnings of every load go to the log; the first load's are also returned to the caller. */
  lastWarnings(): string[];
}

/** ICS and back-office feeds already hold their moves; a round plan holds only the regular pattern. */
const DEFAULT_POLICY = { ics: 'work-through', csv: 'slip', echo: 'work-through' } as const;
const DEFAULT_TIMEOUT_MS = 10_000;

export function configuredCouncil(config: CouncilConfig, context: CouncilSourceContext): ConfiguredCouncil {
  const rules: CouncilBankHolidayRules = {
    division: config.bankHolidays?.division ?? divisionForNation(context.council.nation),
    policy: { kind: config.bankHolidays?.policy ?? DEFAULT_POLICY[config.adapter] },
    ...(config.bankHolidays?.table ? { table: config.bankHolidays.table } : {}),
  };
  const timeoutMs = config.timeoutMs ?? context.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const common = {
    councilCode: config.code,
    town: context.council.shortName,
    baseDir: context.configDir,
    services: config.services,
    rules,
    bankHolidays: context.bankHolidays,
    timeoutMs,
    notice: config.notice ?? null,
  };
  const warn = (message: string) => context.log({ level: 'warn', msg: 'council data warning', council: config.code, warning: message });

  let load: (signal: AbortSignal) => Promise<LoadResult<CouncilDataSource>>;
  switch (config.adapter) {
    case 'ics': {
      if (config.calendarUrl !== undefined) {
        const council = perAddressIcsCouncil({
          ...common,
          calendarUrl: config.calendarUrl,
          addresses: config.addresses!,
          changedCollections: config.changedCollections,
          cacheMinutes: config.cacheMinutes ?? 60,
          concurrency: config.concurrency ?? 4,
          fallbackUrl: context.council.binDayUrl ?? context.council.website,
          onWarning: warn,
          onFeedWarnings: (warnings) => context.feedWarnings?.report(config.code, warnings),
        });
        load = (signal) => council.load(signal);
        break;
      }
      const { calendars, rounds } = config as typeof config & Required<Pick<typeof config, 'calendars' | 'rounds'>>; // the schema requires both without calendarUrl
      let lastGood: RoundScheduleSource | null = null; // a calendar emptied overnight keeps its earlier rounds
      load = async (signal) => {
        const result = await loadIcsCouncil(
          {
            ...common,
            calendars,
            rounds: 'csv' in rounds ? { csv: rounds.csv } : { byPostcode: postcodeTable(rounds.byPostcode), addresses: rounds.addresses },
            changedCollections: config.changedCollections,
          },
          signal,
          lastGood,
        );
        lastGood = result.source;
        return result;
      };
      break;
    }
    case 'csv':
      load = (signal) => loadCsvCouncil({ ...common, roundPlan: config.roundPlan, rounds: config.rounds, addresses: config.addresses }, signal);
      break;
    case 'echo': {
      const council = backOfficeCouncil({
        ...common,
        mapping: echoMapping({ baseUrl: config.baseUrl, path: config.path, headers: config.headers }),
        addresses: config.addresses,
        cacheMinutes: config.cacheMinutes,
        window: config.window,
        onWarning: warn,
        onFeedWarnings: (warnings) => context.feedWarnings?.report(config.code, warnings),
        fallbackUrl: context.council.binDayUrl ?? context.council.website,
      });
      load = (signal) => council.load(signal);
      break;
    }
  }

  let warnings: string[] = [];
  const source = new RefreshingSource({
    councilCode: config.code,
    kind: config.adapter === 'ics' ? 'ICS' : config.adapter === 'csv' ? 'CSV' : 'BACK_OFFICE',
    everyMinutes: config.refresh?.everyMinutes ?? context.defaults.refreshEveryMinutes ?? null,
    load: async (signal) => {
      const result = await load(signal);
      warnings = result.warnings;
      for (const warning of result.warnings) warn(warning);
      context.feedWarnings?.report(config.code, result.source.info().warnings ?? []);
      return result.source;
    },
    onError: (error) => context.log({ level: 'error', msg: 'council data refresh failed; serving the last good data', council: config.code, error: String(error) }),
  });
  return { source, lastWarnings: () => warnings };
}

/** Postcodes as people write them ("ng4 1aa") → the normalised form properties carry ("NG4 1AA"). */
function postcodeTable(byPostcode: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(byPostcode).map(([postcode, rounds]) => [normalisePostcode(postcode), rounds]));
}

function normalisePostcode(postcode: string): string {
  const parsed = parsePostcode(postcode);
  return parsed.ok ? parsed.postcode : postcode; // the schema has already refused bad ones
}
