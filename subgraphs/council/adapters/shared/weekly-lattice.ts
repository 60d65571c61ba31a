// Finds the regular weekly pattern behind a plain list of collection dates. Two real feeds need it:
// ICS calendars that publish every collection as its own one-off event (Bristol's, with no RRULE),
// and back-office systems (Echo) that answer with task instances rather than rules.
//
// The pattern chosen is the simplest one consistent with ALL the dates: every date is either on the
// pattern or a move of a pattern date that has no collection (within `withinDays`), and the pattern
// needs as few unexplained dates and unexplained gaps as possible. Counting only the dates on the
// pattern would prefer a four-weekly cycle for three weeks of a fortnightly round with one bank-holiday
// move (the move then reads as an extra collection, and the slip is lost): a short feed has too few
// dates for "most dates on the pattern" to tell cycles apart, but the moved date still has to be
// explained. Ties go to the pattern whose moves a bank holiday explains, then to fewer moves, a
// weekday over a weekend, and the shorter cycle.
import { addDays, daysBetween, isoWeekday, type IsoWeekday } from '../../../../domain/dates.js';
import type { RoundPattern } from '../../../../domain/schedule/recurrence.js';
import type { IsoDate } from '../../../../domain/types.js';

export interface LatticeMove {
  /** The pattern date that had no collection. */
  from: IsoDate;
  /** The off-pattern date that replaced it. */
  to: IsoDate;
}

export interface WeeklyLattice {
  weekday: IsoWeekday;
  everyWeeks: number;
  /** First and last pattern dates that the list holds or that a move replaced. */
  first: IsoDate;
  last: IsoDate;
  /** Dates of the list on the lattice. */
  onLattice: IsoDate[];
  /** Dates of the list off the lattice (another weekday or another week of the cycle), moved or not. */
  offLattice: IsoDate[];
  /** Lattice dates from `first` to `last` that the list lacks (including those a move replaced). */
  missing: IsoDate[];
  /** Off-lattice dates read as moves of missing lattice dates, in date order of `from`. */
  moves: LatticeMove[];
}

export interface LatticeOptions {
  /** How far a moved collection may be from its regular date (default 6: within a week either way). */
  withinDays?: number;
  /** True when a bank holiday explains moving a collection from `from` to `to`; breaks ties between cycles. */
  plausibleMove?: (from: IsoDate, to: IsoDate) => boolean;
}

export const MAX_WEEKS = 8;
const DEFAULT_WITHIN_DAYS = 6;

interface Candidate {
  lattice: WeeklyLattice;
  /** Lower is better, compared in order. */
  score: number[];
}

/** The simplest weekly lattice consistent with the dates (see the top of this file); null for an empty list. */
export function inferWeeklyLattice(input: readonly IsoDate[], options: LatticeOptions = {}): WeeklyLattice | null {
  const dates = [...new Set(input)].sort();
  if (dates.length === 0) return null;
  const withinDays = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  let best: Candidate | null = null;
  for (const weekday of [...new Set(dates.map(isoWeekday))].sort()) {
    const sameDay = dates.filter((date) => isoWeekday(date) === weekday);
    for (let everyWeeks = 1; everyWeeks <= MAX_WEEKS; everyWeeks++) {
      for (let phase = 0; phase < everyWeeks; phase++) {
        const onLattice = sameDay.filter((date) => mod(daysBetween(sameDay[0], date) / 7 - phase, everyWeeks) === 0);
        if (onLattice.length === 0) continue;
        const candidate = evaluate(dates, onLattice, weekday, everyWeeks, withinDays, options.plausibleMove);
        if (!best || compareScores(candidate.score, best.score) < 0) best = candidate;
      }
    }
  }
  return best!.lattice;
}

function evaluate(
  dates: IsoDate[],
  onLattice: IsoDate[],
  weekday: IsoWeekday,
  everyWeeks: number,
  withinDays: number,
  plausible: ((from: IsoDate, to: IsoDate) => boolean) | undefined,
): Candidate {
  const period = 7 * everyWeeks;
  const anchor = onLattice[0];
  const on = new Set(onLattice);
  const offLattice = dates.filter((date) => !on.has(date));
  // Every lattice date a move could come from: within reach of the first and last dates of the list.
  const slotFrom = addDays(anchor, Math.ceil(daysBetween(anchor, addDays(dates[0], -withinDays)) / period) * period);
  const open: IsoDate[] = [];
  for (let slot = slotFrom; slot <= addDays(dates[dates.length - 1], withinDays); slot = addDays(slot, period)) {
    if (!on.has(slot)) open.push(slot);
  }
  const moves = matchMoves(offLattice, open, withinDays, plausible);
  const sources = moves.map((m) => m.from);
  const first = [onLattice[0], ...sources].sort()[0];
  const last = [onLattice[onLattice.length - 1], ...sources].sort().at(-1)!;
  const missing = open.filter((slot) => slot >= first && slot <= last);
  const unexplainedDates = offLattice.length - moves.length;
  const unexplainedGaps = missing.length - moves.length;
  const implausible = plausible ? moves.filter((m) => !plausible(m.from, m.to)).length : 0;
  const distance = moves.reduce((sum, m) => sum + Math.abs(daysBetween(m.from, m.to)), 0);
  return {
    lattice: { weekday, everyWeeks, first, last, onLattice, offLattice, missing, moves },
    score: [unexplainedDates + unexplainedGaps, implausible, moves.length, weekday >= 6 ? 1 : 0, everyWeeks, distance],
  };
}

/**
 * As many moves as possible (a maximum matching of off-lattice dates to open lattice dates within
 * reach), each date trying its likeliest partner first: one a bank holiday explains, then the nearest.
 * Nearest-first alone is not enough: Saturday-before moves of two Friday holidays in a row
 * (25 Dec → 19 Dec, 1 Jan → 26 Dec) would pair 26 Dec with 25 Dec and leave two dates unexplained.
 */
function matchMoves(offLattice: IsoDate[], open: IsoDate[], withinDays: number, plausible: ((from: IsoDate, to: IsoDate) => boolean) | undefined): LatticeMove[] {
  const partners = offLattice.map((to) =>
    open
      .map((from, index) => ({ index, from, distance: Math.abs(daysBetween(from, to)), likely: plausible ? plausible(from, to) : true }))
      .filter((p) => p.distance <= withinDays)
      .sort((a, b) => Number(b.likely) - Number(a.likely) || a.distance - b.distance || (a.from < b.from ? -1 : 1))
      .map((p) => p.index),
  );
  const takenBy = new Array<number>(open.length).fill(-1);
  const augment = (date: number, visited: boolean[]): boolean => {
    for (const slot of partners[date]) {
      if (visited[slot]) continue;
      visited[slot] = true;
      if (takenBy[slot] === -1 || augment(takenBy[slot], visited)) {
        takenBy[slot] = date;
        return true;
      }
    }
    return false;
  };
  offLattice.forEach((_, date) => augment(date, new Array<boolean>(open.length).fill(false)));
  return takenBy.flatMap((date, slot) => (date === -1 ? [] : [{ from: open[slot], to: offLattice[date] }]));
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
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
