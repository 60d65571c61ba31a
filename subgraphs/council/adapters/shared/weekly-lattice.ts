// Finds the regular weekly pattern behind a plain list of collection dates. Two real feeds need it:
// ICS calendars that publish every collection as its own one-off event (Bristol's, with no RRULE),
// and back-office systems (Echo) that answer with task instances rather than rules. Dates that do not
// fit the pattern, and pattern dates with no collection, are returned so the caller can pair them
// into moved collections.
import { addDays, daysBetween, isoWeekday, type IsoWeekday } from '../../../../domain/dates.js';
import type { RoundPattern } from '../../../../domain/schedule/recurrence.js';
import type { IsoDate } from '../../../../domain/types.js';

export interface WeeklyLattice {
  weekday: IsoWeekday;
  everyWeeks: number;
  /** First and last dates on the lattice that the list holds. */
  first: IsoDate;
  last: IsoDate;
  /** Dates of the list on the lattice. */
  onLattice: IsoDate[];
  /** Dates of the list off the lattice (another weekday or another week of the cycle). */
  offLattice: IsoDate[];
  /** Lattice dates from `first` to `last` that the list lacks. */
  missing: IsoDate[];
}

const MAX_WEEKS = 8;

/** The weekly lattice that explains the most dates with the fewest gaps; null for an empty list. */
export function inferWeeklyLattice(input: readonly IsoDate[]): WeeklyLattice | null {
  const dates = [...new Set(input)].sort();
  if (dates.length === 0) return null;
  let best: { score: number; lattice: WeeklyLattice } | null = null;
  for (const weekday of new Set(dates.map(isoWeekday))) {
    const sameDay = dates.filter((date) => isoWeekday(date) === weekday);
    for (let everyWeeks = 1; everyWeeks <= MAX_WEEKS; everyWeeks++) {
      for (let phase = 0; phase < everyWeeks; phase++) {
        const onLattice = sameDay.filter((date) => mod(daysBetween(sameDay[0], date) / 7 - phase, everyWeeks) === 0);
        if (onLattice.length === 0) continue;
        const first = onLattice[0];
        const last = onLattice[onLattice.length - 1];
        const slots = daysBetween(first, last) / (7 * everyWeeks) + 1;
        const missingCount = slots - onLattice.length;
        const score = onLattice.length - missingCount;
        // Strictly better only: ties keep the smaller interval and the earlier weekday found.
        if (!best || score > best.score) {
          const on = new Set(onLattice);
          const missing: IsoDate[] = [];
          for (let date = first; date <= last; date = addDays(date, 7 * everyWeeks)) if (!on.has(date)) missing.push(date);
          best = {
            score,
            lattice: { weekday, everyWeeks, first, last, onLattice, offLattice: dates.filter((date) => !on.has(date)), missing },
          };
        }
      }
    }
  }
  return best!.lattice;
}

/** The lattice as a round pattern that stops at its last date, so nothing is forecast beyond the data. */
export function latticePattern(lattice: WeeklyLattice): RoundPattern {
  const until = lattice.last.replaceAll('-', '');
  const interval = lattice.everyWeeks === 1 ? '' : `;INTERVAL=${lattice.everyWeeks}`;
  return { kind: 'rrule', rrule: `FREQ=WEEKLY${interval};UNTIL=${until}`, dtstart: lattice.first };
}

function mod(value: number, by: number): number {
  return ((value % by) + by) % by;
}
