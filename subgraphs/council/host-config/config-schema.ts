// The host configuration, declared once and checked at start: which councils this host serves,
// each with its adapter and options. Every field is documented in subgraphs/council/adapters/README.md.
import { z } from 'zod';
import { isIsoDate } from '../../../domain/dates.js';
import { BANK_HOLIDAY_DIVISIONS, CONTAINER_KINDS, SERVICE_TYPES } from '../../../domain/types.js';
import { GSS_CODE_PATTERN } from '../../../contracts/council.js';
import { parsePostcode } from '../../../contracts/postcode.js';
import { matcherProblem } from '../adapters/shared/service-catalogue.js';

export const ADAPTERS = ['ics', 'csv', 'echo'] as const;

const isoDate = z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD');
const location = z.string().min(1, 'must be a file path or an http(s) URL');
const matchPattern = z.string().min(1, 'must not be empty').superRefine((pattern, ctx) => {
  const problem = matcherProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const service = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens').optional(),
    match: z.union([matchPattern, z.array(matchPattern).min(1)]),
    type: z.enum(SERVICE_TYPES),
    name: z.string().min(1),
    colour: z.string().min(1).optional(),
    container: z.object({ name: z.string().min(1).optional(), kind: z.enum(CONTAINER_KINDS).optional() }).strict().optional(),
    subscription: z.string().min(1).optional(),
    frequency: z.string().min(1).optional(),
  })
  .strict();

const bankHolidays = z
  .object({
    policy: z.enum(['slip', 'saturday-before', 'work-through']),
    /** Defaults to the council's nation's division. */
    division: z.enum(BANK_HOLIDAY_DIVISIONS).optional(),
    table: z
      .object({
        moves: z.array(z.object({ from: isoDate, to: isoDate, note: z.string().optional() }).strict()).default([]),
        cancelled: z.array(isoDate).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const refresh = z.object({ everyMinutes: z.number().positive().max(7 * 24 * 60) }).strict();
const timeoutMs = z.number().int().min(100).max(120_000);

const common = {
  code: z.string().regex(GSS_CODE_PATTERN, 'must be a GSS code such as E07000173'),
  services: z.array(service).min(1, 'must list at least one service'),
  bankHolidays: bankHolidays.optional(),
  refresh: refresh.optional(),
  timeoutMs: timeoutMs.optional(),
  /** Shown to residents with every answer (DataSource.notice). */
  notice: z.string().min(1).optional(),
};

const roundNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]));

const icsCouncil = z
  .object({
    ...common,
    adapter: z.literal('ics'),
    // Per round: one calendar per round, and which properties are on which round.
    calendars: z.array(z.object({ round: z.string().min(1), url: location }).strict()).min(1).optional(),
    rounds: z
      .union([
        z.object({ csv: location }).strict(),
        z.object({ byPostcode: z.record(z.string(), roundNames), addresses: location.optional() }).strict(),
      ])
      .optional(),
    // Per address: one calendar per property, its URL a template with {uprn} (and {postcode}); the properties from `addresses`.
    calendarUrl: z.string().min(1).refine((url) => url.includes('{uprn}') || url.includes('{postcode}'), 'must contain {uprn} (or {postcode}): it is the calendar of one property').optional(),
    addresses: location.optional(),
    cacheMinutes: z.number().positive().max(24 * 60).optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    changedCollections: z
      .object({ marker: matchPattern.default('(Changed Collection)'), withinDays: z.number().int().min(1).max(14).default(7) })
      .strict()
      .default({ marker: '(Changed Collection)', withinDays: 7 }),
  })
  .strict()
  .superRefine((council, ctx) => {
    const perAddress = council.calendarUrl !== undefined;
    if (perAddress) {
      for (const field of ['calendars', 'rounds'] as const) {
        if (council[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is for per-round calendars; a council with calendarUrl (per address) has no rounds to list' });
      }
      if (council.addresses === undefined) ctx.addIssue({ code: 'custom', path: ['addresses'], message: 'is required with calendarUrl: the address list (uprn,postcode,address) says which properties to fetch calendars for' });
      return;
    }
    for (const field of ['addresses', 'cacheMinutes', 'concurrency'] as const) {
      if (council[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is for per-address calendars (calendarUrl); per-round calendars take addresses under rounds' });
    }
    if (council.calendars === undefined) ctx.addIssue({ code: 'custom', path: ['calendars'], message: 'is required (one calendar per round), unless calendarUrl gives one per address' });
    if (council.rounds === undefined) ctx.addIssue({ code: 'custom', path: ['rounds'], message: 'is required with calendars: which properties are on which round' });
    const rounds = new Set<string>();
    (council.calendars ?? []).forEach((calendar, i) => {
      if (rounds.has(calendar.round)) ctx.addIssue({ code: 'custom', path: ['calendars', i, 'round'], message: `round ${JSON.stringify(calendar.round)} has two calendars` });
      rounds.add(calendar.round);
    });
    if (council.rounds && 'byPostcode' in council.rounds) {
      for (const [postcode, names] of Object.entries(council.rounds.byPostcode)) {
        const parsed = parsePostcode(postcode);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['rounds', 'byPostcode', postcode], message: parsed.message });
        for (const name of names) {
          if (!rounds.has(name)) ctx.addIssue({ code: 'custom', path: ['rounds', 'byPostcode', postcode], message: `round ${JSON.stringify(name)} has no calendar` });
        }
      }
    }
  });

const csvCouncil = z
  .object({ ...common, adapter: z.literal('csv'), roundPlan: location, rounds: location, addresses: location })
  .strict();

const echoCouncil = z
  .object({
    ...common,
    adapter: z.literal('echo'),
    /** May name environment variables ("${ECHO_BASE_URL}"); checked as an http(s) URL once they are filled in. */
    baseUrl: z.string().min(1),
    path: z.string().min(1).optional(),
    /** Values may name environment variables: "Bearer ${ECHO_TOKEN}". */
    headers: z.record(z.string(), z.string()).optional(),
    addresses: location,
    cacheMinutes: z.number().positive().max(24 * 60).default(60),
    window: z
      .object({ daysBefore: z.number().int().min(0).max(366).default(28), daysAfter: z.number().int().min(1).max(366).default(120) })
      .strict()
      .default({ daysBefore: 28, daysAfter: 120 }),
  })
  .strict();

export const councilSchemas = { ics: icsCouncil, csv: csvCouncil, echo: echoCouncil } as const;

export type IcsCouncilConfig = z.output<typeof icsCouncil>;
export type CsvCouncilConfig = z.output<typeof csvCouncil>;
export type EchoCouncilConfig = z.output<typeof echoCouncil>;
export type CouncilConfig = IcsCouncilConfig | CsvCouncilConfig | EchoCouncilConfig;
export type BankHolidaysConfig = z.output<typeof bankHolidays>;

/** The file's outline; each council is checked on its own, so one bad entry spoils only itself. */
export const hostConfigSchema = z
  .object({
    defaults: z
      .object({
        /** Every other waste-collecting council gets the labelled sample source. */
        sample: z.boolean().default(true),
        refresh: refresh.optional(),
        timeoutMs: timeoutMs.optional(),
      })
      .strict()
      .default({ sample: true }),
    councils: z.array(z.unknown()).nullable().default([]),
  })
  .strict();

export type HostConfigOutline = z.output<typeof hostConfigSchema>;
