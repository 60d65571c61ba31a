// A council served from its back office, asked per property. The address list answers "who lives in
// this postcode"; the back office, through a BackOfficeMapping, answers each property's services and
// task dates, which become schedule-engine rounds. Answers are cached for a while, and when the back
// office fails the last good answer is served and the source says it is stale.
// An answer of the wrong shape, or an empty one for a property that had collections, counts as a
// failure (WRONG_SHAPE, SCHEDULE_EMPTIED): never an empty schedule presented as fresh. With no earlier
// answer to serve, the property is unavailable (SourceUnavailableError: COUNCIL_UNAVAILABLE in the kit).
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import type { CouncilBankHolidayRules } from '../../../../domain/bank-holidays/policy.js';
import { addDays, todayInLondon } from '../../../../domain/dates.js';
import { collectionsBetween, type Round } from '../../../../domain/schedule/engine.js';
import type { Collection, Frequency, Service } from '../../../../domain/types.js';
import { SourceUnavailableError, type CouncilDataSource, type DataSourceInfo, type DateRange, type PropertyRecord } from '../../data-source.js';
import type { ListedAddress } from '../shared/address-list.js';
import { reasonWithoutLocation } from '../shared/data-problem.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import type { ExplainMove } from '../shared/move-reason.js';
import type { ServiceCatalogue } from '../shared/service-catalogue.js';
import { fetchJson } from './http-json.js';
import { BackOfficeResponseError, type BackOfficeMapping } from './mapping.js';
import type { ResponseCache } from './response-cache.js';
import { taskRound } from './task-rounds.js';

/** One property as the back office described it, ready to schedule. */
export interface BackOfficeSchedule {
  serviceIds: string[];
  roundIds: Record<string, string>;
  frequencies: Record<string, Frequency>;
  rounds: Round[];
}

/** Freshness shared by every snapshot of one council, so a refresh does not forget a failure. */
export class BackOfficeHealth {
  /** The last successful answer. */
  updatedAt: Date | null = null;
  lastError: unknown = null;
  /** Properties whose last read failed (served from older answers, or not at all). */
  private readonly failing = new Set<string>();
  /** Each property's feed warnings from its latest answer. */
  private readonly warningsByUprn = new Map<string, FeedWarning[]>();

  get stale(): boolean {
    return this.failing.size > 0;
  }

  succeeded(uprn: string, at: Date): void {
    this.failing.delete(uprn);
    if (this.updatedAt === null || at > this.updatedAt) this.updatedAt = at;
  }

  failed(uprn: string, error: unknown): void {
    this.failing.add(uprn);
    this.lastError = error;
  }

  setWarnings(uprn: string, warnings: FeedWarning[]): void {
    if (warnings.length > 0) this.warningsByUprn.set(uprn, warnings);
    else this.warningsByUprn.delete(uprn);
  }

  warnings(): FeedWarning[] {
    return [...this.warningsByUprn.values()].flat();
  }
}

/** A valid answer with no collections for a property that had some: treated as a failure, so the last good answer stands. */
export class ScheduleEmptiedError extends Error {
  constructor(readonly uprn: string) {
    super(`the back office answered UPRN ${uprn} with no collections, where it had some before`);
    this.name = 'ScheduleEmptiedError';
  }
}

export interface BackOfficeSourceOptions {
  councilCode: string;
  mapping: BackOfficeMapping;
  catalogue: ServiceCatalogue;
  addresses: readonly ListedAddress[];
  cache: ResponseCache<BackOfficeSchedule>;
  health: BackOfficeHealth;
  rules: CouncilBankHolidayRules;
  bankHolidays: BankHolidayCalendar;
  explain: ExplainMove;
  timeoutMs: number;
  /** How far back and ahead of today to ask the back office for task instances. */
  window: { daysBefore: number; daysAfter: number };
  /** When the address list was read: data read successfully, before any back-office answer. */
  loadedAt: Date;
  notice?: string | null;
  /** Most back offices answer one request at a time per client well; a postcode holds many properties. */
  concurrency?: number;
  onWarning?: (message: string) => void;
  onFeedWarnings?: (warnings: FeedWarning[]) => void;
  /** The council's own bin-day page, named when a property cannot be answered at all. */
  fallbackUrl?: string | null;
  today?: () => string;
}

export class BackOfficeSource implements CouncilDataSource {
  readonly councilCode: string;
  private readonly byUprn: Map<string, ListedAddress>;
  private readonly byPostcode = new Map<string, ListedAddress[]>();
  private readonly warned = new Set<string>();

  constructor(private readonly options: BackOfficeSourceOptions) {
    this.councilCode = options.councilCode;
    this.byUprn = new Map(options.addresses.map((entry) => [entry.uprn, entry]));
    for (const entry of options.addresses) {
      const list = this.byPostcode.get(entry.address.postcode) ?? [];
      list.push(entry);
      this.byPostcode.set(entry.address.postcode, list);
    }
  }

  info(): DataSourceInfo {
    const { health, loadedAt } = this.options;
    const updatedAt = health.updatedAt && health.updatedAt > loadedAt ? health.updatedAt : loadedAt;
    return { kind: 'BACK_OFFICE', notice: this.options.notice ?? null, updatedAt, stale: health.stale, warnings: health.warnings() };
  }

  async services(): Promise<Service[]> {
    return this.options.catalogue.services();
  }

  async propertiesInPostcode(postcode: string): Promise<PropertyRecord[]> {
    const entries = this.byPostcode.get(postcode) ?? [];
    return mapLimited(entries, this.options.concurrency ?? 4, (entry) => this.property(entry));
  }

  async propertiesByUprn(uprns: readonly string[]): Promise<(PropertyRecord | null)[]> {
    return mapLimited(uprns, this.options.concurrency ?? 4, async (uprn) => {
      const entry = this.byUprn.get(uprn);
      return entry ? this.property(entry) : null;
    });
  }

  async collections(property: PropertyRecord, range: DateRange): Promise<Collection[]> {
    const schedule = await this.schedule(property.uprn);
    return collectionsBetween({ rounds: schedule.rounds, from: range.from, to: range.to, bankHolidays: this.options.bankHolidays, rules: this.options.rules });
  }

  private async property(entry: ListedAddress): Promise<PropertyRecord> {
    const schedule = await this.schedule(entry.uprn);
    return { uprn: entry.uprn, address: entry.address, serviceIds: schedule.serviceIds, roundIds: schedule.roundIds, frequencies: schedule.frequencies };
  }

  private async schedule(uprn: string): Promise<BackOfficeSchedule> {
    const { cache, health } = this.options;
    try {
      const cached = await cache.get(uprn, () => this.ask(uprn));
      if (cached.stale) health.failed(uprn, cached.error);
      else health.succeeded(uprn, new Date(cached.fetchedAt));
      return cached.value;
    } catch (error) {
      health.failed(uprn, error);
      const reason = reasonWithoutLocation(error);
      throw new SourceUnavailableError(`The council's collection system could not answer for this property and no earlier answer is kept (${reason}).`, this.options.fallbackUrl ?? null, error);
    }
  }

  private async ask(uprn: string): Promise<BackOfficeSchedule> {
    const today = (this.options.today ?? (() => todayInLondon(new Date())))();
    const window = { from: addDays(today, -this.options.window.daysBefore), to: addDays(today, this.options.window.daysAfter) };
    const request = this.options.mapping.request(uprn, window);
    const body = await fetchJson(request, this.options.timeoutMs);
    const previous = this.options.cache.peek(uprn);
    const shownInstead = previous ? 'Residents are shown the last good answer, marked stale.' : 'Residents are told the council is unavailable, with its own bin-day page.';
    let answer;
    try {
      answer = this.options.mapping.parse(body, uprn, window);
    } catch (error) {
      if (error instanceof BackOfficeResponseError) {
        const problems = error.problems.slice(0, 3).join('; ');
        this.record(uprn, [{ code: 'WRONG_SHAPE', message: `The ${this.options.mapping.name} back office answered for UPRN ${uprn} without the expected structure (${problems}). ${shownInstead}`, round: null, uprn }]);
      }
      throw error;
    }
    const warnings: FeedWarning[] = [];
    const schedule: BackOfficeSchedule = { serviceIds: [], roundIds: {}, frequencies: {}, rounds: [] };
    for (const task of answer.tasks) {
      if (task.instances.length === 0) continue; // an ended schedule: nothing to show
      const scheduled = taskRound(task, this.options.catalogue, this.options.explain);
      if (!scheduled) {
        const message = `${this.options.mapping.name} service ${JSON.stringify(task.serviceTexts[0] ?? '')} matches no configured service, so it is left out`;
        this.warnOnce(message);
        warnings.push({ code: 'UNKNOWN_SERVICE', message: `The ${message}.`, round: task.roundId, uprn });
        continue;
      }
      schedule.rounds.push(scheduled.round);
      if (!(scheduled.serviceId in schedule.roundIds)) {
        schedule.roundIds[scheduled.serviceId] = scheduled.round.id;
        schedule.frequencies[scheduled.serviceId] = scheduled.frequency;
      }
    }
    schedule.serviceIds = this.options.catalogue.ids().filter((id) => id in schedule.roundIds);
    if (schedule.rounds.length === 0 && previous && previous.rounds.length > 0) {
      this.record(uprn, [
        ...warnings,
        { code: 'SCHEDULE_EMPTIED', message: `The ${this.options.mapping.name} back office now answers UPRN ${uprn} with no collections, where it had some before. ${shownInstead}`, round: null, uprn },
      ]);
      throw new ScheduleEmptiedError(uprn);
    }
    this.record(uprn, warnings);
    return schedule;
  }

  /** The property's warnings from its latest answer: served, logged and counted. */
  private record(uprn: string, warnings: FeedWarning[]): void {
    this.options.health.setWarnings(uprn, warnings);
    if (warnings.length > 0) this.options.onFeedWarnings?.(warnings);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.onWarning?.(message);
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
