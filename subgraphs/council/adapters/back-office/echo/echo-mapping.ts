// The BackOfficeMapping for Echo. It asks for one property's service units over a window of days
// and reads each task's instances: OriginalScheduledDate is the regular date, CurrentScheduledDate
// the day it will really happen (they differ when a collection moved).
import { isIsoDate, todayInLondon } from '../../../../../domain/dates.js';
import type { IsoDate } from '../../../../../domain/types.js';
import type { DateRange } from '../../../data-source.js';
import { BackOfficeResponseError, type BackOfficeMapping, type BackOfficeProperty, type BackOfficeRequest, type TaskInstance } from '../mapping.js';
import { echoResponseSchema, type EchoInstance } from './echo-response.js';

export interface EchoMappingOptions {
  baseUrl: string;
  /**
   * Path of the per-property call, with {uprn}, {from} and {to} filled in. The default suits the
   * JSON front most councils put on Echo; change it to match yours.
   */
  path?: string;
  headers?: Record<string, string>;
}

export const DEFAULT_ECHO_PATH = '/api/properties/{uprn}/service-units?from={from}&to={to}';

export function echoMapping(options: EchoMappingOptions): BackOfficeMapping {
  const base = options.baseUrl.replace(/\/+$/, '');
  const path = options.path ?? DEFAULT_ECHO_PATH;
  return {
    name: 'echo',
    request(uprn: string, window: DateRange): BackOfficeRequest {
      const filled = path
        .replaceAll('{uprn}', encodeURIComponent(uprn))
        .replaceAll('{from}', window.from)
        .replaceAll('{to}', window.to);
      return { url: `${base}${filled.startsWith('/') ? '' : '/'}${filled}`, headers: options.headers };
    },
    parse(body: unknown, uprn: string, window: DateRange): BackOfficeProperty {
      const parsed = echoResponseSchema.safeParse(body);
      if (!parsed.success) {
        throw new BackOfficeResponseError('echo', `UPRN ${uprn}`, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
      }
      const problems: string[] = [];
      const tasks = parsed.data.ServiceUnits.flatMap((unit) =>
        unit.ServiceTasks.flatMap((task) =>
          task.ServiceTaskSchedules
            // A task keeps its ended schedules (a round that moved from Tuesday to Wednesday): only
            // schedules still running in the window describe the property now.
            .filter((s) => !s.EndDate || (ukDay(s.EndDate) ?? '9999-12-31') >= window.from)
            .map((s) => {
              const raw = [...s.Instances, s.LastInstance, s.NextInstance].filter((i): i is EchoInstance => Boolean(i));
              return {
                serviceTexts: [unit.ServiceName, task.TaskTypeName ?? '', String(unit.ServiceId ?? '')].filter((text) => text !== ''),
                roundId: `echo-task-${task.Id}`,
                scheduleDescription: s.ScheduleDescription ?? task.ScheduleDescription ?? null,
                instances: uniqueInstances(raw.map((i) => toInstance(i, problems)).filter((i): i is TaskInstance => i !== null)),
              };
            }),
        ),
      );
      if (problems.length > 0) throw new BackOfficeResponseError('echo', `UPRN ${uprn}`, problems);
      return { tasks };
    },
  };
}

function toInstance(instance: EchoInstance, problems: string[]): TaskInstance | null {
  const original = instance.OriginalScheduledDate ?? instance.CurrentScheduledDate;
  const current = instance.CurrentScheduledDate ?? instance.OriginalScheduledDate;
  if (!original || !current) return null;
  const originalDate = ukDay(original);
  const currentDate = ukDay(current);
  if (!originalDate || !currentDate) {
    problems.push(`${JSON.stringify(!originalDate ? original : current)} is not a date-time`);
    return null;
  }
  return { originalDate, currentDate };
}

/**
 * Echo's timestamps are UTC instants meaning midnight in the UK: 2026-06-30T23:00:00Z is
 * 00:00 BST on 1 July. The UK day of the instant is the collection day.
 */
export function ukDay(timestamp: string): IsoDate | null {
  // Without Z or an offset the value is already UK wall-clock time: its date is the day.
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(timestamp.trim())) {
    const date = timestamp.trim().slice(0, 10);
    return isIsoDate(date) ? date : null;
  }
  const instant = new Date(timestamp);
  return Number.isNaN(instant.getTime()) ? null : todayInLondon(instant);
}

/** NextInstance and LastInstance repeat entries of the instance list. */
function uniqueInstances(instances: TaskInstance[]): TaskInstance[] {
  const byOriginal = new Map<IsoDate, TaskInstance>();
  for (const instance of instances) byOriginal.set(instance.originalDate, instance);
  return [...byOriginal.values()].sort((a, b) => (a.originalDate < b.originalDate ? -1 : 1));
}
