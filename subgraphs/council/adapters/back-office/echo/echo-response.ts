// The Echo (Veolia/Twisted Fish) service-units answer, as JSON. Echo's own API is SOAP; councils
// and their web teams put JSON in front of it that keeps Echo's names. This schema follows the
// GetServiceUnitsForObject result as FixMyStreet's Echo integration reads it (mysociety/fixmystreet,
// perllib/Integrations/Echo.pm), with the per-task instance list of GetServiceTaskInstances:
//
//   { "ServiceUnits": [ {
//       "Id": 1001, "ServiceId": 531, "ServiceName": "Domestic Refuse Collection",
//       "ServiceTasks": { "ServiceTask": [ {
//         "Id": 401, "TaskTypeName": "Collect Domestic Refuse",
//         "ServiceTaskSchedules": { "ServiceTaskSchedule": [ {
//           "ScheduleDescription": "every other Wednesday",
//           "StartDate": { "DateTime": "2026-01-01T00:00:00Z", "OffsetMinutes": 0 },
//           "EndDate": { "DateTime": "2050-01-01T00:00:00Z", "OffsetMinutes": 0 },
//           "NextInstance": { "OriginalScheduledDate": {…}, "CurrentScheduledDate": {…} },
//           "LastInstance": { "OriginalScheduledDate": {…}, "CurrentScheduledDate": {…} },
//           "Instances": { "ScheduledTaskInfo": [ { "OriginalScheduledDate": {…}, "CurrentScheduledDate": {…} } ] }
//       } ] } } ] } } ] }
//
// Quirks of the feed, each handled below:
// - SOAP serialised to JSON: a list of one comes as the object itself, and lists come wrapped
//   ({ "ServiceTask": [...] } or { "ServiceTask": {...} }), sometimes as a bare array.
// - Dates come as { "DateTime": "…Z", "OffsetMinutes": 60 } or as a bare string.
// - Dates are UTC instants meaning midnight UK time: 2026-06-30T23:00:00Z in summer is 1 July.
// - A structure that is missing altogether (no ServiceUnits, a unit without ServiceTasks, a task without
//   ServiceTaskSchedules) is the wrong shape, not "nothing": read as an empty list it would tell residents
//   their bins are not collected. An empty list that is present ("ServiceUnits": []) is a real answer.
import { z } from 'zod';

/**
 * A list that SOAP-to-JSON may give as an array, one bare object, or either inside { [wrapper]: … },
 * made an array before it is checked, so that errors point at the bad item ("ServiceUnits.0.ServiceName").
 */
function soapList<T extends z.ZodType>(item: T, wrapper: string, presence: 'required' | 'optional') {
  return z.preprocess((value) => {
    // Absent where it is required: left undefined, so the check fails naming the field.
    if ((value === undefined || value === null) && presence === 'required') return value;
    let inner: unknown = value;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && wrapper in inner) inner = (inner as Record<string, unknown>)[wrapper];
    // SOAP-to-JSON writes an empty list as an empty wrapper ({ "ServiceTask": null }).
    if (inner === undefined || inner === null) return [];
    return Array.isArray(inner) ? inner : [inner];
  }, z.array(item, { error: (issue) => (issue.input === undefined || issue.input === null ? `is missing (expected a list${wrapper ? ` of ${wrapper}` : ''})` : undefined) }));
}

const echoDate = z.union([z.string(), z.object({ DateTime: z.string(), OffsetMinutes: z.number().optional() })]).transform((value) => (typeof value === 'string' ? value : value.DateTime));

const instance = z.object({
  OriginalScheduledDate: echoDate.optional().nullable(),
  CurrentScheduledDate: echoDate.optional().nullable(),
});

const schedule = z.object({
  ScheduleDescription: z.string().optional().nullable(),
  EndDate: echoDate.optional().nullable(),
  NextInstance: instance.optional().nullable(),
  LastInstance: instance.optional().nullable(),
  // Optional: a schedule may give only its Next and Last instances.
  Instances: soapList(instance, 'ScheduledTaskInfo', 'optional'),
});

const task = z.object({
  Id: z.union([z.number(), z.string()]),
  TaskTypeName: z.string().optional().nullable(),
  ScheduleDescription: z.string().optional().nullable(),
  ServiceTaskSchedules: soapList(schedule, 'ServiceTaskSchedule', 'required'),
});

const serviceUnit = z.object({
  Id: z.union([z.number(), z.string()]).optional(),
  ServiceId: z.union([z.number(), z.string()]).optional(),
  ServiceName: z.string(),
  ServiceTasks: soapList(task, 'ServiceTask', 'required'),
});

export const echoResponseSchema = z.object({ ServiceUnits: soapList(serviceUnit, 'ServiceUnit', 'required') });

export type EchoResponse = z.output<typeof echoResponseSchema>;
export type EchoInstance = z.output<typeof instance>;
