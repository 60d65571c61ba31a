// Per-address calendars: many councils publish one calendar per property, at a URL with its UPRN in it
// ("https://…/bins/{uprn}.ics"), rather than one per round. The council's address list answers "who
// lives in this postcode"; each property's calendar is fetched when that property is asked for, and:
// - kept in a bounded cache (lru-cache) for `cacheMinutes`, so a postcode of 40 houses asked twice is
//   read once, and memory stays bounded however many properties residents look up;
// - fetched at most `concurrency` at a time per council, so a national query cannot flood a council's
//   web server, each with a timeout;
// - stale-if-error: when a fetch fails, the last good calendar is served and the source says it is
//   stale; with none, the property is unavailable (COUNCIL_UNAVAILABLE with the council's own page).
//   A calendar that comes back with no collections for a property that had some is treated the same
//   way (SCHEDULE_EMPTIED): an empty calendar is far likelier a fault than a house no longer collected.
// A refresh (RefreshingSource) re-reads the address list and makes every cached calendar due again,
// keeping them as fallbacks.
import { LRUCache } from 'lru-cache';
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import { collectionsBetween, type Round } from '../../../../domain/schedule/engine.js';
import type { Collection, Frequency, Service } from '../../../../domain/types.js';
import { SourceUnavailableError, type CouncilDataSource, type DataSourceInfo, type DateRange, type PropertyRecord } from '../../data-source.js';
import { parseAddressList, type ListedAddress } from '../shared/address-list.js';
import { formatProblem, problemLines, reasonWithoutLocation } from '../shared/data-problem.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import type { LoadResult } from '../shared/load-result.js';
import { bankHolidayExplainer, likelyHolidayMove, type ExplainMove } from '../shared/move-reason.js';
import { readResource } from '../shared/read-resource.js';
import { roundFrequency } from '../shared/round-frequency.js';
import { ServiceCatalogue, toMatcher, type ServiceDefinition } from '../shared/service-catalogue.js';
import { parseCalendar } from './ics-calendar.js';
import { calendarRounds } from './ics-rounds.js';

export interface PerAddressIcsOptions {
  councilCode: string;
  town: string;
  baseDir: string;
  /** The calendar of one property: an http(s) URL (or a path) with {uprn}, and {postcode} where the council needs it. */
  calendarUrl: string;
  /** uprn,postcode,address[,town]: the properties, as for a back office. */
  addresses: string;
  services: ServiceDefinition[];
  changedCollections: { marker: string; withinDays: number };
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  /** Per calendar fetch. */
  timeoutMs: number;
  /** How long a property's calendar is reused before it is fetched again. */
  cacheMinutes: number;
  /** Calendars fetched at once for this council. */
  concurrency: number;
  /** Properties whose calendars are kept (least recently used dropped first). */
  maxCachedProperties?: number;
  notice?: string | null;
  fallbackUrl?: string | null;
  onWarning?: (message: string) => void;
  onFeedWarnings?: (warnings: FeedWarning[]) => void;
  now?: () => number;
}

/** One property's calendar, read into rounds. */
interface AddressSchedule {
  serviceIds: string[];
  roundIds: Record<string, string>;
  frequencies: Record<string, Frequency>;
  rounds: Round[];
}

interface CachedSchedule {
  schedule: AddressSchedule;
  fetchedAt: number;
  /** The refresh it was fetched in: an earlier one's calendars are due again. */
  generation: number;
}

/** Fills {uprn} and {postcode} (URL-encoded; the postcode without its space, as most council sites write it in URLs). */
export function calendarUrlFor(template: string, address: ListedAddress): string {
  return template.replaceAll('{uprn}', encodeURIComponent(address.uprn)).replaceAll('{postcode}', encodeURIComponent(address.address.postcode.replace(/\s+/g, '')));
}

/** At most `limit` tasks at once; the rest wait their turn in order. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** What outlives one load: the cache, the fetch limiter and what is known about failures. */
class PerAddressState {
  readonly cache: LRUCache<string, CachedSchedule>;
  readonly inFlight = new Map<string, Promise<AddressSchedule>>();
  readonly limiter: Limiter;
  readonly failing = new Set<string>();
  readonly warningsByUprn = new Map<string, FeedWarning[]>();
  /** Counts refreshes: calendars fetched before the latest one are due again. */
  generation = 0;
  updatedAt: Date | null = null;

  constructor(options: PerAddressIcsOptions) {
    this.cache = new LRUCache({ max: options.maxCachedProperties ?? 10_000 });
    this.limiter = new Limiter(options.concurrency);
  }
}

export interface PerAddressIcsCouncil {
  load(signal?: AbortSignal): Promise<LoadResult<PerAddressIcsSource>>;
}

export function perAddressIcsCouncil(options: PerAddressIcsOptions): PerAddressIcsCouncil {
  const state = new PerAddressState(options);
  const catalogue = new ServiceCatalogue(options.services);
  const explain = bankHolidayExplainer(options.bankHolidays, options.rules.division);
  const now = options.now ?? Date.now;
  let loads = 0;
  return {
    async load(signal) {
      const file = await readResource(options.addresses, { baseDir: options.baseDir, timeoutMs: options.timeoutMs, signal });
      const addresses = parseAddressList(file.text, file.name, options.town);
      // A refresh asked for fresh data: every calendar is due again, the old ones kept as fallbacks.
      if (loads++ > 0) state.generation++;
      return { source: new PerAddressIcsSource(options, state, catalogue, explain, addresses, new Date(now())), warnings: [] };
    },
  };
}

export class PerAddressIcsSource implements CouncilDataSource {
  readonly councilCode: string;
  private readonly byUprn: Map<string, ListedAddress>;
  private readonly byPostcode = new Map<string, ListedAddress[]>();
  private readonly now: () => number;
  private readonly likelyMove: (from: string, to: string) => boolean;

  constructor(
    private readonly options: PerAddressIcsOptions,
    private readonly state: PerAddressState,
    private readonly catalogue: ServiceCatalogue,
    private readonly explain: ExplainMove,
    addresses: readonly ListedAddress[],
    private readonly loadedAt: Date,
  ) {
    this.councilCode = options.councilCode;
    this.now = options.now ?? Date.now;
    this.likelyMove = likelyHolidayMove(options.bankHolidays, options.rules.division);
    this.byUprn = new Map(addresses.map((entry) => [entry.uprn, entry]));
    for (const entry of addresses) {
      const list = this.byPostcode.get(entry.address.postcode) ?? [];
      list.push(entry);
      this.byPostcode.set(entry.address.postcode, list);
    }
  }

  info(): DataSourceInfo {
    const { updatedAt } = this.state;
    return {
      kind: 'ICS',
      notice: this.options.notice ?? null,
      updatedAt: updatedAt && updatedAt > this.loadedAt ? updatedAt : this.loadedAt,
      stale: this.state.failing.size > 0,
      warnings: [...this.state.warningsByUprn.values()].flat(),
    };
  }

  async services(): Promise<Service[]> {
    return this.catalogue.services();
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    return Promise.all((this.byPostcode.get(postcode) ?? []).map((entry) => this.property(entry)));
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return Promise.all(
      uprns.map(async (uprn) => {
        const entry = this.byUprn.get(uprn);
        return entry ? this.property(entry) : null;
      }),
    );
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    const entry = this.byUprn.get(property.uprn);
    if (!entry) return [];
    const { rounds } = await this.schedule(entry);
    return collectionsBetween({ rounds, from: range.from, to: range.to, bankHolidays: this.options.bankHolidays, rules: this.options.rules });
  }

  private async property(entry: ListedAddress): Promise<PropertyRecord> {
    const schedule = await this.schedule(entry);
    return { uprn: entry.uprn, address: entry.address, serviceIds: schedule.serviceIds, roundIds: schedule.roundIds, frequencies: schedule.frequencies };
  }

  /** Fresh from the cache, else fetched (one fetch per property at a time), else the last good one, stale. */
  private async schedule(entry: ListedAddress): Promise<AddressSchedule> {
    const cached = this.state.cache.get(entry.uprn);
    const fresh = cached && cached.generation === this.state.generation && this.now() - cached.fetchedAt < this.options.cacheMinutes * 60_000;
    if (cached && fresh) return cached.schedule;
    let pending = this.state.inFlight.get(entry.uprn);
    if (!pending) {
      pending = this.state.limiter.run(() => this.fetch(entry, cached?.schedule ?? null)).finally(() => this.state.inFlight.delete(entry.uprn));
      this.state.inFlight.set(entry.uprn, pending);
    }
    try {
      const schedule = await pending;
      this.state.failing.delete(entry.uprn);
      return schedule;
    } catch (error) {
      this.state.failing.add(entry.uprn);
      // Stale-if-error: the last good calendar, however old, beats no answer.
      const previous = this.state.cache.get(entry.uprn);
      // The operator's log keeps the detail (the URL, the line) that residents are not shown.
      this.options.onWarning?.(`the calendar of UPRN ${entry.uprn} could not be read (${problemLines(error).join('; ')}); ${previous ? 'serving the last good one' : 'no earlier one to serve'}`);
      if (previous) return previous.schedule;
      throw new SourceUnavailableError(
        `The council's calendar for this property could not be read and no earlier copy is kept (${reasonWithoutLocation(error)}).`,
        this.options.fallbackUrl ?? null,
        error,
      );
    }
  }

  private async fetch(entry: ListedAddress, previous: AddressSchedule | null): Promise<AddressSchedule> {
    const shownInstead = previous ? 'Residents are shown the last good calendar, marked stale.' : 'Residents are told the council is unavailable, with its own bin-day page.';
    const url = calendarUrlFor(this.options.calendarUrl, entry);
    const file = await readResource(url, { baseDir: this.options.baseDir, timeoutMs: this.options.timeoutMs });
    // The property's calendar is its round: warnings and disruptions name it so.
    const round = `UPRN ${entry.uprn}`;
    let calendar;
    try {
      calendar = parseCalendar(file.text, file.name);
    } catch (error) {
      this.record(entry.uprn, [{ code: 'WRONG_SHAPE', message: `The calendar for UPRN ${entry.uprn} cannot be read as iCalendar (${reasonWithoutLocation(error)}). ${shownInstead}`, round: null, uprn: entry.uprn }]);
      throw error;
    }
    const rounds = calendarRounds(calendar.events, {
      round,
      file: file.name,
      catalogue: this.catalogue,
      changedMarker: toMatcher(this.options.changedCollections.marker),
      withinDays: this.options.changedCollections.withinDays,
      explain: this.explain,
      likelyMove: this.likelyMove,
    });
    for (const problem of [...calendar.warnings, ...rounds.warnings]) this.options.onWarning?.(formatProblem(problem));
    const warnings = rounds.feedWarnings.map((w) => ({ ...w, uprn: entry.uprn }));
    const schedule: AddressSchedule = { serviceIds: [], roundIds: {}, frequencies: {}, rounds: [] };
    for (const [serviceId, list] of rounds.byService) {
      schedule.rounds.push(...list);
      schedule.roundIds[serviceId] = round;
      const { description, rrule } = roundFrequency(list);
      schedule.frequencies[serviceId] = { description, rrule };
    }
    schedule.serviceIds = this.catalogue.ids().filter((id) => id in schedule.roundIds);
    if (schedule.rounds.length === 0 && previous && previous.rounds.length > 0) {
      this.record(entry.uprn, [
        ...warnings,
        { code: 'SCHEDULE_EMPTIED', message: `The calendar for UPRN ${entry.uprn} now has no collections, where it had some before. ${shownInstead}`, round: null, uprn: entry.uprn },
      ]);
      throw new Error(`the calendar for UPRN ${entry.uprn} has no collections, where it had some before`);
    }
    this.record(entry.uprn, warnings);
    const fetchedAt = this.now();
    this.state.cache.set(entry.uprn, { schedule, fetchedAt, generation: this.state.generation });
    if (this.state.updatedAt === null || fetchedAt > this.state.updatedAt.getTime()) this.state.updatedAt = new Date(fetchedAt);
    return schedule;
  }

  private record(uprn: string, warnings: FeedWarning[]): void {
    if (warnings.length > 0) this.state.warningsByUprn.set(uprn, warnings);
    else this.state.warningsByUprn.delete(uprn);
    if (warnings.length > 0) this.options.onFeedWarnings?.(warnings);
  }
}
