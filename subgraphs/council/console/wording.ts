// What the console says, in words a waste or comms officer (and a resident) reads: reasons, effects,
// dates and areas. One place, so the forms, the dashboard and the audit trail say the same thing.
import type { Disruption, DisruptionArea, DisruptionEffect } from '../../../domain/disruptions/apply.js';
import { CHANGE_REASONS, type ChangeReason, type IsoDate, type ServiceType } from '../../../domain/types.js';
import type { AuditEntry } from '../disruptions/disruption-store.js';

/** The standard's ChangeReason values as the console offers them (BANK_HOLIDAY is the schedule's own, not posted). */
export const REASON_WORDS: Record<ChangeReason, string> = {
  SEVERE_WEATHER: 'Severe weather (snow, ice, flooding, heat)',
  INDUSTRIAL_ACTION: 'Industrial action (a strike)',
  VEHICLE_BREAKDOWN: 'A collection vehicle broke down',
  ROAD_CLOSURE: 'A road is closed or blocked',
  OPERATIONAL: 'Operational problems (crews short or running late)',
  BANK_HOLIDAY: 'A bank holiday',
  OTHER: 'Something else',
};

/** In the order the radios show them: the common emergencies first. */
export const POSTABLE_REASONS: readonly ChangeReason[] = CHANGE_REASONS.filter((r) => r !== 'BANK_HOLIDAY');

const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "Thursday 3 December 2026". */
export function longDate(date: IsoDate): string {
  // GOV.UK style has no comma after the weekday ("Monday 16 November 2026"); en-GB's Intl adds one.
  return DAY.format(new Date(`${date}T00:00:00Z`)).replace(',', '');
}

/** "3 Dec 2026, 14:05" in London time, for the audit trail and "last reviewed". */
export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(new Date(iso));
}

export function effectWords(effect: DisruptionEffect): string {
  switch (effect.kind) {
    case 'cancelled':
      return 'Collections cancelled';
    case 'delayed':
      return `Collections delayed by ${effect.days} ${effect.days === 1 ? 'day' : 'days'}`;
    case 'leave-out':
      return 'Leave your bin out: crews will return';
  }
}

export function areaWords(area: DisruptionArea): string {
  switch (area.kind) {
    case 'council':
      return 'The whole council area';
    case 'postcodes':
      return `Postcodes ${area.postcodes.join(', ')}`;
    case 'rounds':
      return `Rounds ${area.roundIds.join(', ')}`;
  }
}

export function periodWords(d: Pick<Disruption, 'startsOn' | 'endsOn'>): string {
  if (d.endsOn === null) return `From ${longDate(d.startsOn)} until further notice`;
  if (d.endsOn === d.startsOn) return `On ${longDate(d.startsOn)}`;
  return `From ${longDate(d.startsOn)} to ${longDate(d.endsOn)}`;
}

/** "1,234". */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

export function plural(n: number, one: string, many: string): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "GENERAL_WASTE" → "General waste". */
export function serviceTypeWords(type: ServiceType): string {
  const words = type.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ACTION_WORDS: Record<AuditEntry['action'], string> = {
  drafted: 'Drafted',
  published: 'Published',
  changed: 'Changed',
  withdrawn: 'Withdrawn',
  reviewed: 'Confirmed still correct',
  discarded: 'Discarded a draft',
};

const FIELD_WORDS: Record<string, string> = {
  title: 'Title',
  reason: 'Reason',
  message: 'Detail',
  serviceTypes: 'Services',
  area: 'Where',
  effect: 'Effect',
  startsOn: 'First day',
  endsOn: 'Last day',
  url: 'Link',
};

/** A value of a changed field, in words. */
function fieldValueWords(field: string, value: unknown): string {
  if (value === null || value === undefined) return field === 'endsOn' ? 'until further notice' : field === 'serviceTypes' ? 'all services' : 'none';
  if (field === 'effect') return effectWords(value as DisruptionEffect);
  if (field === 'area') return areaWords(value as DisruptionArea);
  if (field === 'startsOn' || field === 'endsOn') return longDate(value as IsoDate);
  if (field === 'reason') return REASON_WORDS[value as ChangeReason] ?? String(value);
  if (field === 'serviceTypes' && Array.isArray(value)) return value.map((t) => serviceTypeWords(t as ServiceType)).join(', ');
  return String(value);
}

/** An audit entry as the audit trail shows it: what was done and, for a change, each field from → to. */
export function auditLine(entry: AuditEntry): AuditEntry & { actionText: string; title: string | null; changes: string[] } {
  const detail = entry.detail ?? {};
  const changes =
    entry.action === 'changed'
      ? Object.entries(detail).map(([field, change]) => {
          const { from, to } = change as { from: unknown; to: unknown };
          return `${FIELD_WORDS[field] ?? field}: ${fieldValueWords(field, from)} → ${fieldValueWords(field, to)}`;
        })
      : [];
  return { ...entry, actionText: ACTION_WORDS[entry.action] ?? entry.action, title: typeof detail.title === 'string' ? detail.title : null, changes };
}
