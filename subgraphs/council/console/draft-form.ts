// The three steps of posting a disruption as forms: what each step's fields mean, the problem with each
// one in words (GOV.UK's error summary and messages), and what a complete draft is. No HTTP here: the
// routes read the form and call these; the tests call them directly too.
import { addDays, isIsoDate, startOfIsoWeek } from '../../../domain/dates.js';
import { parsePostcodeArea, type DisruptionArea, type DisruptionEffect } from '../../../domain/disruptions/apply.js';
import { CHANGE_REASONS, type ChangeReason, type IsoDate, type ServiceType } from '../../../domain/types.js';
import type { DisruptionInput, DraftInput } from '../disruptions/disruption-store.js';
import { field } from '../../../lib/web/forms.js';

/** The store's limits, said here so the character counts show them. */
export const TITLE_MAX = 200;
export const DETAIL_MAX = 2000;
export const AREA_ENTRIES_MAX = 1000;
export const DELAY_DAYS_MAX = 31;

export type StepName = 'what' | 'where' | 'when';
export const STEPS: readonly StepName[] = ['what', 'where', 'when'];

/** One problem, for the error summary (href `#field`) and the field's own message. */
export interface FieldError {
  field: string;
  text: string;
}

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export interface WhatValues {
  reason: string;
  title: string;
  detail: string;
}

export interface WhereValues {
  area: string;
  postcodes: string;
  rounds: string[];
}

export interface WhenValues {
  starts: DateParts;
  ends: DateParts;
  effect: string;
  delayDays: string;
  services: string;
  serviceTypes: string[];
}

/** What a step's fields are checked against: the council's own postcodes, rounds and services. */
export interface CouncilFacts {
  councilName: string;
  /** The council's rounds, or null when its data does not list them (rounds are then not offered). */
  roundIds: readonly string[] | null;
  serviceTypes: readonly ServiceType[];
  /** The problem with each area entry that is not the council's, by entry; entries that are fine are absent. */
  postcodeProblems(entries: readonly string[]): Promise<Map<string, string>>;
}

export type StepOutcome<V> = { ok: true; values: V; patch: DraftInput } | { ok: false; values: V; errors: FieldError[] };

// ---- Step 1: what happened -------------------------------------------------------------------------

export function whatValues(input: DraftInput): WhatValues {
  return { reason: input.reason ?? '', title: input.title ?? '', detail: input.message ?? '' };
}

export function readWhat(fields: URLSearchParams): StepOutcome<WhatValues> {
  const values: WhatValues = { reason: field(fields, 'reason'), title: field(fields, 'title'), detail: field(fields, 'detail') };
  const errors: FieldError[] = [];
  if (!CHANGE_REASONS.includes(values.reason as ChangeReason)) errors.push({ field: 'reason', text: 'Select what happened' });
  if (values.title === '') errors.push({ field: 'title', text: 'Enter a title residents will read, for example “Snow: collections cancelled today”' });
  else if (values.title.length > TITLE_MAX) errors.push({ field: 'title', text: `The title must be ${TITLE_MAX} characters or fewer (it has ${values.title.length})` });
  if (values.detail.length > DETAIL_MAX) errors.push({ field: 'detail', text: `The detail must be ${DETAIL_MAX.toLocaleString('en-GB')} characters or fewer (it has ${values.detail.length.toLocaleString('en-GB')})` });
  if (errors.length > 0) return { ok: false, values, errors };
  return { ok: true, values, patch: { reason: values.reason as ChangeReason, title: values.title, message: values.detail || null } };
}

// ---- Step 2: where ------------------------------------------------------------------------------------

export function whereValues(input: DraftInput): WhereValues {
  const area = input.area;
  return {
    area: area?.kind ?? '',
    postcodes: area?.kind === 'postcodes' ? area.postcodes.join('\n') : '',
    rounds: area?.kind === 'rounds' ? [...area.roundIds] : [],
  };
}

/** The textarea's entries: one per line (commas also separate), blank lines ignored. */
export function areaEntries(textarea: string): string[] {
  return textarea
    .split(/[\n,;]+/)
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '');
}

export async function readWhere(fields: URLSearchParams, facts: CouncilFacts): Promise<StepOutcome<WhereValues>> {
  const values: WhereValues = { area: field(fields, 'area'), postcodes: fields.get('postcodes') ?? '', rounds: fields.getAll('rounds').map((r) => r.trim()).filter(Boolean) };
  const errors: FieldError[] = [];
  let area: DisruptionArea | null = null;
  if (values.area === 'council') {
    area = { kind: 'council' };
  } else if (values.area === 'postcodes') {
    const entries = areaEntries(values.postcodes);
    if (entries.length === 0) errors.push({ field: 'postcodes', text: 'Enter at least one postcode, outward code or sector, one on each line' });
    else if (entries.length > AREA_ENTRIES_MAX) errors.push({ field: 'postcodes', text: `Enter at most ${AREA_ENTRIES_MAX.toLocaleString('en-GB')} postcodes, outward codes or sectors (there are ${entries.length.toLocaleString('en-GB')})` });
    else {
      const malformed = entries.filter((entry) => parsePostcodeArea(entry) === null);
      for (const entry of malformed) errors.push({ field: 'postcodes', text: `“${entry}” is not a postcode (like RG1 1AA), outward code (like RG1) or sector (like RG1 1)` });
      const elsewhere = await facts.postcodeProblems(entries.filter((entry) => !malformed.includes(entry)));
      for (const [, problem] of elsewhere) errors.push({ field: 'postcodes', text: problem });
      area = { kind: 'postcodes', postcodes: [...new Set(entries.map((e) => e.toUpperCase()))] };
    }
  } else if (values.area === 'rounds') {
    if (facts.roundIds === null) errors.push({ field: 'area', text: `${facts.councilName}'s data does not list its rounds: choose the whole council or postcodes` });
    else if (values.rounds.length === 0) errors.push({ field: 'rounds', text: 'Select at least one round' });
    else {
      for (const round of values.rounds) if (!facts.roundIds.includes(round)) errors.push({ field: 'rounds', text: `“${round}” is not one of ${facts.councilName}'s rounds` });
      area = { kind: 'rounds', roundIds: [...new Set(values.rounds)] };
    }
  } else {
    errors.push({ field: 'area', text: 'Select where collections are affected' });
  }
  if (errors.length > 0 || area === null) return { ok: false, values, errors };
  return { ok: true, values, patch: { area } };
}

// ---- Step 3: when and with what effect ----------------------------------------------------------------

export function whenValues(input: DraftInput): WhenValues {
  const effect = input.effect;
  return {
    starts: partsOf(input.startsOn ?? null),
    ends: partsOf(input.endsOn ?? null),
    effect: effect?.kind ?? '',
    delayDays: effect?.kind === 'delayed' ? String(effect.days) : '',
    services: input.serviceTypes === undefined ? '' : input.serviceTypes === null ? 'all' : 'some',
    serviceTypes: input.serviceTypes ? [...input.serviceTypes] : [],
  };
}

export function readWhen(fields: URLSearchParams, facts: Pick<CouncilFacts, 'serviceTypes'>): StepOutcome<WhenValues> {
  const values: WhenValues = {
    starts: dateParts(fields, 'starts'),
    ends: dateParts(fields, 'ends'),
    effect: field(fields, 'effect'),
    delayDays: field(fields, 'delay-days'),
    services: field(fields, 'services'),
    serviceTypes: fields.getAll('serviceTypes'),
  };
  const errors: FieldError[] = [];
  const startsOn = dateOf(values.starts);
  if (isBlank(values.starts)) errors.push({ field: 'starts', text: 'Enter the first day collections are affected' });
  else if (startsOn === null) errors.push({ field: 'starts', text: 'The first day must be a real date, for example 3 12 2026' });
  const endsOn = isBlank(values.ends) ? null : dateOf(values.ends);
  if (!isBlank(values.ends) && endsOn === null) errors.push({ field: 'ends', text: 'The last day must be a real date, for example 4 12 2026, or left empty for “until further notice”' });
  else if (startsOn !== null && endsOn !== null && endsOn < startsOn) errors.push({ field: 'ends', text: 'The last day must be the same as or after the first day' });

  const readEffect = effectOf(values.effect, values.delayDays);
  const effect = 'effect' in readEffect ? readEffect.effect : null;
  if ('error' in readEffect) errors.push(readEffect.error);

  let serviceTypes: ServiceType[] | null = null;
  if (values.services === 'some') {
    const chosen = values.serviceTypes.filter((t): t is ServiceType => facts.serviceTypes.includes(t as ServiceType));
    if (chosen.length === 0) errors.push({ field: 'serviceTypes', text: 'Select at least one service, or choose “All services”' });
    serviceTypes = [...new Set(chosen)];
  } else if (values.services !== 'all') errors.push({ field: 'services', text: 'Select which services are affected' });

  if (errors.length > 0 || startsOn === null || effect === null) return { ok: false, values, errors };
  return { ok: true, values, patch: { startsOn, endsOn, effect, serviceTypes } };
}

/** The effect radios (and the delay's days), or the problem with them. */
export function effectOf(kind: string, delayDays: string): { effect: DisruptionEffect } | { error: FieldError } {
  if (kind === 'cancelled') return { effect: { kind: 'cancelled' } };
  if (kind === 'leave-out') return { effect: { kind: 'leave-out' } };
  if (kind === 'delayed') {
    const days = /^\d{1,2}$/.test(delayDays.trim()) ? Number(delayDays.trim()) : NaN;
    if (days >= 1 && days <= DELAY_DAYS_MAX) return { effect: { kind: 'delayed', days } };
    return { error: { field: 'delay-days', text: `Enter how many days later, a whole number from 1 to ${DELAY_DAYS_MAX}` } };
  }
  return { error: { field: 'effect', text: 'Select what happens to collections' } };
}

/** A new last day typed into GOV.UK's date input, or the problem with it. */
export function endDateOf(parts: DateParts, startsOn: IsoDate): { endsOn: IsoDate } | { error: FieldError } {
  if (isBlank(parts)) return { error: { field: 'ends', text: 'Enter the new last day, or choose “Until further notice”' } };
  const date = dateOf(parts);
  if (date === null) return { error: { field: 'ends', text: 'The last day must be a real date, for example 4 12 2026' } };
  if (date < startsOn) return { error: { field: 'ends', text: 'The last day must be the same as or after the first day' } };
  return { endsOn: date };
}

// ---- Drafts as a whole ----------------------------------------------------------------------------------

/** The first step still to fill in, or null when the draft is complete and can be previewed. */
export function firstIncompleteStep(input: DraftInput): StepName | null {
  if (!input.reason || !input.title) return 'what';
  if (!input.area) return 'where';
  if (!input.startsOn || !input.effect || input.serviceTypes === undefined) return 'when';
  return null;
}

export function completeInput(input: DraftInput): DisruptionInput | null {
  if (firstIncompleteStep(input) !== null) return null;
  return {
    title: input.title!,
    reason: input.reason!,
    message: input.message ?? null,
    serviceTypes: input.serviceTypes ?? null,
    area: input.area!,
    effect: input.effect!,
    startsOn: input.startsOn!,
    endsOn: input.endsOn ?? null,
    url: input.url ?? null,
  };
}

// ---- One-click templates ------------------------------------------------------------------------------------

export const TEMPLATE_NAMES = ['snow-today', 'day-late-this-week'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const TEMPLATE_LABELS: Record<TemplateName, string> = {
  'snow-today': 'Snow: all of today’s collections cancelled',
  'day-late-this-week': 'Running a day late this week',
};

/** A complete draft for a common situation, for today: the person checks the preview and publishes. */
export function templateInput(name: TemplateName, today: IsoDate): DisruptionInput {
  switch (name) {
    case 'snow-today':
      return {
        title: 'Snow: all of today’s collections are cancelled',
        reason: 'SEVERE_WEATHER',
        message: 'It is not safe for crews to collect today. Please take your bins back in; we will collect them on your next usual day.',
        serviceTypes: null,
        area: { kind: 'council' },
        effect: { kind: 'cancelled' },
        startsOn: today,
        endsOn: today,
      };
    case 'day-late-this-week':
      return {
        title: 'Collections are running a day late this week',
        reason: 'OPERATIONAL',
        message: 'Please put your bins out the day after your usual collection day, for the rest of this week.',
        serviceTypes: null,
        area: { kind: 'council' },
        effect: { kind: 'delayed', days: 1 },
        startsOn: today,
        endsOn: endOfWeek(today),
      };
  }
}

/** The Sunday ending the week (Monday to Sunday) that holds `date`. */
export function endOfWeek(date: IsoDate): IsoDate {
  return addDays(startOfIsoWeek(date), 6);
}

// ---- Helpers ---------------------------------------------------------------------------------------------------

export function dateParts(fields: URLSearchParams, prefix: string): DateParts {
  return { day: field(fields, `${prefix}-day`), month: field(fields, `${prefix}-month`), year: field(fields, `${prefix}-year`) };
}

function partsOf(date: IsoDate | null): DateParts {
  if (!date) return { day: '', month: '', year: '' };
  const [year, month, day] = date.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

function isBlank(parts: DateParts): boolean {
  return parts.day === '' && parts.month === '' && parts.year === '';
}

/** Day, month and year as typed into GOV.UK's date input, or null when they are not a real date. */
export function dateOf(parts: DateParts): IsoDate | null {
  if (!/^\d{1,2}$/.test(parts.day) || !/^\d{1,2}$/.test(parts.month) || !/^\d{4}$/.test(parts.year)) return null;
  const date = `${parts.year}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  return isIsoDate(date) ? date : null;
}
