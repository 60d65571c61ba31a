// The national service views, as pure functions of one fan-out's answers: which councils answered, the
// services of a type they run, and the summary counted from exactly those answers (so the two never
// disagree). No GraphQL execution or I/O here; national-subgraph.ts asks the councils and serves these.
import type { GraphQLErrorShape } from '../council-router/partition.js';

/** A service as the council standard defines it, handed on unchanged. */
export interface ServiceValue {
  id: string;
  name: string;
  type: string;
  containers: Array<{ name: string; colour: string | null; kind: string }>;
  frequency: { description: string; rrule: string | null } | null;
  subscription: { required: boolean; description: string; url: string | null } | null;
}

export interface CouncilServices {
  code: string;
  /** Empty when the council answered that it runs none. */
  services: ServiceValue[];
  /** `dataSource.kind` (SAMPLE, ICS, ...), null when the council gave none. */
  dataSourceKind: string | null;
}

export interface UnansweredCouncil {
  code: string;
  /** The error that says why (COUNCIL_UNAVAILABLE, COUNCIL_NOT_CONNECTED, ...). */
  error: GraphQLErrorShape;
}

/** One fan-out's answers, in the order the councils were asked. */
export interface ServiceAnswers {
  asked: string[];
  answered: CouncilServices[];
  unanswered: UnansweredCouncil[];
  /** Every error of the fan-out, each to be raised once to the client. */
  errors: GraphQLErrorShape[];
}

interface CouncilEntity {
  services?: ServiceValue[] | null;
  dataSource?: { kind?: string } | null;
}

const indexOf = (error: GraphQLErrorShape): number | undefined =>
  error.path?.[0] === '_entities' && typeof error.path[1] === 'number' ? error.path[1] : undefined;

/**
 * Reads a fan-out of `Council { services dataSource { kind } }` over `codes`. A council answered when its
 * services list came back (empty included); it did not when its entity or its services are null and an
 * error says why. A null without any error is a council saying it runs nothing, and counts as answered.
 */
export function readServiceAnswers(codes: readonly string[], entities: readonly unknown[], errors: readonly GraphQLErrorShape[]): ServiceAnswers {
  const errorsByIndex = new Map<number, GraphQLErrorShape[]>();
  for (const error of errors) {
    const index = indexOf(error);
    if (index !== undefined) errorsByIndex.set(index, [...(errorsByIndex.get(index) ?? []), error]);
  }
  const answered: CouncilServices[] = [];
  const unanswered: UnansweredCouncil[] = [];
  codes.forEach((code, index) => {
    const entity = entities[index] as CouncilEntity | null | undefined;
    const own = errorsByIndex.get(index) ?? [];
    if (!Array.isArray(entity?.services) && own.length > 0) {
      // The council's own failure (COUNCIL_*) explains the gap better than an error about one of its fields.
      unanswered.push({ code, error: own.find((e) => String(e.extensions?.code ?? '').startsWith('COUNCIL_')) ?? own[0] });
      return;
    }
    answered.push({ code, services: entity?.services ?? [], dataSourceKind: entity?.dataSource?.kind ?? null });
  });
  return { asked: [...codes], answered, unanswered, errors: [...errors] };
}

export interface CouncilServiceItem {
  council: { __typename: 'Council'; code: string };
  service: ServiceValue;
}

/** Every answered council's services of `type`, in the order the councils were asked, each council's in its own order. */
export function servicesOfType(answers: ServiceAnswers, type: string): CouncilServiceItem[] {
  return answers.answered.flatMap((council) =>
    council.services.filter((s) => s.type === type).map((service) => ({ council: councilRef(council.code), service })),
  );
}

export interface ServiceSummaryValue {
  type: string;
  councilsAsked: number;
  councilsAnswered: number;
  councilsWithSampleData: number;
  councilsOffering: number;
  byFrequency: Array<{ everyWeeks: number | null; description: string; councils: number }>;
  bySubscription: Array<{ required: boolean; councils: number }>;
  unanswered: Array<{ council: { __typename: 'Council'; code: string }; code: string; fallbackUrl: string | null }>;
}

export function summariseServices(answers: ServiceAnswers, type: string): ServiceSummaryValue {
  const offering = answers.answered
    .map((council) => council.services.filter((s) => s.type === type))
    .filter((services) => services.length > 0);
  const byWeeks = new Map<number | null, number>();
  const bySubscription = new Map<boolean, number>([[true, 0], [false, 0]]);
  for (const services of offering) {
    for (const weeks of new Set(services.map((s) => everyWeeksOf(s.frequency?.rrule)))) byWeeks.set(weeks, (byWeeks.get(weeks) ?? 0) + 1);
    for (const required of new Set(services.map((s) => s.subscription?.required ?? false))) bySubscription.set(required, bySubscription.get(required)! + 1);
  }
  return {
    type,
    councilsAsked: answers.asked.length,
    councilsAnswered: answers.answered.length,
    councilsWithSampleData: answers.answered.filter((c) => c.dataSourceKind === 'SAMPLE').length,
    councilsOffering: offering.length,
    byFrequency: [...byWeeks]
      .map(([everyWeeks, councils]) => ({ everyWeeks, description: frequencyGroupName(everyWeeks), councils }))
      .sort((a, b) => b.councils - a.councils || (a.everyWeeks ?? Infinity) - (b.everyWeeks ?? Infinity)),
    bySubscription: [...bySubscription].map(([required, councils]) => ({ required, councils })),
    unanswered: answers.unanswered.map(({ code, error }) => ({
      council: councilRef(code),
      code: String(error.extensions?.code ?? 'COUNCIL_UNAVAILABLE'),
      fallbackUrl: typeof error.extensions?.fallbackUrl === 'string' ? error.extensions.fallbackUrl : null,
    })),
  };
}

/**
 * Weeks between collections from an RFC 5545 rule: FREQ=WEEKLY with its INTERVAL (1 when absent), or
 * FREQ=DAILY with an INTERVAL of whole weeks. Anything else (monthly, BYSETPOS, no rule) is null: the
 * summary says "no regular weekly pattern" rather than guess from the council's prose.
 */
export function everyWeeksOf(rrule: string | null | undefined): number | null {
  if (!rrule) return null;
  const parts = new Map(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((part) => part.split('=') as [string, string | undefined])
      .map(([key, value]) => [key.trim().toUpperCase(), (value ?? '').trim().toUpperCase()]),
  );
  const interval = parts.has('INTERVAL') ? Number(parts.get('INTERVAL')) : 1;
  if (!Number.isInteger(interval) || interval < 1) return null;
  if (parts.get('FREQ') === 'WEEKLY') return interval;
  if (parts.get('FREQ') === 'DAILY' && interval % 7 === 0) return interval / 7;
  return null;
}

export function frequencyGroupName(everyWeeks: number | null): string {
  if (everyWeeks === null) return 'No regular weekly pattern given';
  return everyWeeks === 1 ? 'Every week' : `Every ${everyWeeks} weeks`;
}

const councilRef = (code: string) => ({ __typename: 'Council' as const, code });
