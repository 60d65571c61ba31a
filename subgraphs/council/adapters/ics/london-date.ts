// The UK calendar day of an iCalendar DATE or DATE-TIME. Bin collections happen on days, so every
// value is reduced to its day in Europe/London, the timezone trap being a timed event at 00:30 BST
// (23:30 UTC the evening before): it is that UK day, not the UTC one.
import ICAL from 'ical.js';
import { isIsoDate, todayInLondon } from '../../../../domain/dates.js';
import type { IsoDate } from '../../../../domain/types.js';

type IcalTime = InstanceType<typeof ICAL.Time>;

export interface LondonDay {
  date: IsoDate;
  /** Set when the value's timezone was unknown and its wall-clock date was taken as the UK date. */
  assumption?: string;
}

/**
 * Outlook writes Windows zone names ("GMT Standard Time"), others the IANA name or an alias.
 * A wall-clock time in any of them is already UK time.
 */
const LONDON = /^(europe\/london|europe\/belfast|gb|gb-eire|gmt standard time|.*\blondon\b.*)$/i;

export function londonDay(time: IcalTime): LondonDay {
  const wallClock = `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}`;
  if (time.isDate) return { date: wallClock };
  const zoneId = time.zone?.tzid;
  if (zoneId === 'UTC' || time.zone === ICAL.Timezone.utcTimezone) return { date: todayInLondon(new Date(time.toUnixTime() * 1000)) };
  // ical.js keeps the TZID text here when no VTIMEZONE in the file defines it (the zone is then floating).
  const named = (time as IcalTime & { timezone?: string }).timezone ?? (zoneId !== 'floating' ? zoneId : undefined);
  if (!named || LONDON.test(named)) return { date: wallClock }; // floating times are local time: UK time for a UK council
  if (zoneId && zoneId !== 'floating') return { date: todayInLondon(new Date(time.toUnixTime() * 1000)) }; // defined by a VTIMEZONE in the file
  return { date: wallClock, assumption: `timezone ${named} is not defined in the file; its wall-clock date was used` };
}

/** True when ical.js produced a real date (it reads "2026x" as a date without complaint). */
export function isRealDay(day: LondonDay): boolean {
  return isIsoDate(day.date);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
