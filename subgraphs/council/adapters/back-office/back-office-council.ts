// Wires a back-office council for the host: each (re)load reads the address list again and makes a
// new BackOfficeSource; the response cache and the health record outlive loads, so a refresh keeps
// the last good answers as fallbacks and remembers that the back office was failing.
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import { parseAddressList } from '../shared/address-list.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import type { LoadResult } from '../shared/load-result.js';
import { bankHolidayExplainer } from '../shared/move-reason.js';
import { readResource } from '../shared/read-resource.js';
import { ServiceCatalogue, type ServiceDefinition } from '../shared/service-catalogue.js';
import { BackOfficeHealth, BackOfficeSource, type BackOfficeSchedule } from './back-office-source.js';
import type { BackOfficeMapping } from './mapping.js';
import { ResponseCache } from './response-cache.js';

export interface BackOfficeCouncilOptions {
  councilCode: string;
  town: string;
  baseDir: string;
  mapping: BackOfficeMapping;
  addresses: string;
  services: ServiceDefinition[];
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  /** Per back-office request. */
  timeoutMs: number;
  cacheMinutes: number;
  window: { daysBefore: number; daysAfter: number };
  notice?: string | null;
  onWarning?: (message: string) => void;
  /** Told about feed warnings as the back office's answers reveal them (to log and count). */
  onFeedWarnings?: (warnings: FeedWarning[]) => void;
  /** The council's own bin-day page, for COUNCIL_UNAVAILABLE when a property has no answer to serve. */
  fallbackUrl?: string | null;
}

export interface BackOfficeCouncil {
  load(signal?: AbortSignal): Promise<LoadResult<BackOfficeSource>>;
  cache: ResponseCache<BackOfficeSchedule>;
  health: BackOfficeHealth;
}

export function backOfficeCouncil(options: BackOfficeCouncilOptions): BackOfficeCouncil {
  const cache = new ResponseCache<BackOfficeSchedule>({ ttlMs: options.cacheMinutes * 60_000 });
  const health = new BackOfficeHealth();
  const catalogue = new ServiceCatalogue(options.services);
  const explain = bankHolidayExplainer(options.bankHolidays, options.rules.division);
  let loads = 0;
  return {
    cache,
    health,
    async load(signal) {
      const file = await readResource(options.addresses, { baseDir: options.baseDir, timeoutMs: options.timeoutMs, signal });
      const addresses = parseAddressList(file.text, file.name, options.town);
      // A refresh asked for fresh data: ask the back office again, keeping old answers as fallbacks.
      if (loads++ > 0) cache.expireAll();
      const source = new BackOfficeSource({
        councilCode: options.councilCode,
        mapping: options.mapping,
        catalogue,
        addresses,
        cache,
        health,
        rules: options.rules,
        bankHolidays: options.bankHolidays,
        explain,
        timeoutMs: options.timeoutMs,
        window: options.window,
        loadedAt: new Date(),
        notice: options.notice,
        onWarning: options.onWarning,
        onFeedWarnings: options.onFeedWarnings,
        fallbackUrl: options.fallbackUrl ?? null,
      });
      return { source, warnings: [] };
    },
  };
}
