// The extension point for councils whose back-office system answers per property (per UPRN):
// a BackOfficeMapping says how to ask for one property and how to read the answer. Everything
// else (caching, timeouts, turning task dates into schedule-engine rounds) is shared.
import type { IsoDate } from '../../../../domain/types.js';
import type { DateRange } from '../../data-source.js';

export interface BackOfficeRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** JSON text, for POST. */
  body?: string;
}

/** One task instance: when it was planned and when it now happens (they differ when it moved). */
export interface TaskInstance {
  originalDate: IsoDate;
  currentDate: IsoDate;
}

export interface BackOfficeTask {
  /** The back office's names for the service, tried in turn against the configured services. */
  serviceTexts: string[];
  /** A stable id for the task's round, so disruptions can target it. */
  roundId: string;
  /** The back office's wording of the schedule ("every other Wednesday"), when it gives one. */
  scheduleDescription: string | null;
  instances: TaskInstance[];
}

export interface BackOfficeProperty {
  tasks: BackOfficeTask[];
}

export interface BackOfficeMapping {
  /** Names the system in errors ("echo"). */
  readonly name: string;
  /** The request for one property's services and task instances between two dates. */
  request(uprn: string, window: DateRange): BackOfficeRequest;
  /** Reads a parsed JSON response to `request(uprn, window)`; throws BackOfficeResponseError when it is not the expected shape. */
  parse(body: unknown, uprn: string, window: DateRange): BackOfficeProperty;
}

export class BackOfficeResponseError extends Error {
  constructor(
    readonly system: string,
    readonly url: string,
    readonly problems: string[],
  ) {
    super(`${system} answered ${url} with an unexpected response: ${problems.slice(0, 5).join('; ')}`);
    this.name = 'BackOfficeResponseError';
  }
}
