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

/** The simplest weekly lattice consistent with the dates (see the top of this file); null for an empty list. */
export function inferWeeklyLattice(input: readonly IsoDate[], options: LatticeOptions = {}): WeeklyLattice | null {
  const dates = [...new Set(input)].sort();
  if (dates.length === 0) return null;
  const withinDays = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  // Whole days from the first date: every candidate is tried, so the arithmetic stays on integers.
  const days = dates.map((date) => daysBetween(dates[0], date));
  const weekdays = dates.map(isoWeekday);
  const likely = memoised(options.plausibleMove, dates[0]);
  let best: { score: number[]; weekday: IsoWeekday; period: number; anchor: number } | null = null;
  for (const weekday of [...new Set(weekdays)].sort()) {
    const sameDay = days.filter((_, i) => weekdays[i] === weekday);
    for (let everyWeeks = 1; everyWeeks <= MAX_WEEKS; everyWeeks++) {
      const period = 7 * everyWeeks;
      for (let phase = 0; phase < everyWeeks; phase++) {
        const anchor = sameDay.find((day) => mod((day - sameDay[0]) / 7 - phase, everyWeeks) === 0);
        if (anchor === undefined) continue;
        const score = evaluate(days, anchor, period, withinDays, likely).score;
        score.splice(3, 0, weekday >= 6 ? 1 : 0, everyWeeks);
        if (!best || compareScores(score, best.score) < 0) best = { score, weekday, period, anchor };
      }
    }
  }
  const { weekday, period, anchor } = best!;
  const { on, moves, first, last, open } = evaluate(days, anchor, period, withinDays, likely);
  const toDate = (day: number) => addDays(dates[0], day);
  return {
    weekday,
    everyWeeks: period / 7,
    first: toDate(first),
    last: toDate(last),
    onLattice: days.filter((day) => on.has(day)).map(toDate),
    offLattice: days.filter((day) => !on.has(day)).map(toDate),
    missing: open.filter((slot) => slot >= first && slot <= last).map(toDate),
    moves: moves.map((m) => ({ from: toDate(m.from), to: toDate(m.to) })),
  };
}

/**
 * One candidate lattice (the days `anchor + k * period`) against the days of the list. The score,
 * lower is better: unexplained dates and gaps, moves no bank holiday explains, moves, total distance.
 */
function evaluate(days: number[], anchor: number, period: number, withinDays: number, likely: (from: number, to: number) => boolean) {
  const on = new Set(days.filter((day) => mod(day - anchor, period) === 0));
  const off = days.filter((day) => !on.has(day));
  // Every lattice day a move could come from: within reach of the first and last days of the list.
  const open: number[] = [];
  for (let slot = anchor + Math.ceil((days[0] - withinDays - anchor) / period) * period; slot <= days[days.length - 1] + withinDays; slot += period) {
    if (!on.has(slot)) open.push(slot);
  }
  const onDays = [...on];
  const moves = matchMoves(off, open, { first: Math.min(...onDays), last: Math.max(...onDays) }, anchor, period, withinDays, likely);
  const first = Math.min(...onDays, ...moves.map((m) => m.from));
  const last = Math.max(...onDays, ...moves.map((m) => m.from));
  const missing = open.filter((slot) => slot >= first && slot <= last).length;
  const implausible = moves.filter((m) => !likely(m.from, m.to)).length;
  const distance = moves.reduce((sum, m) => sum + Math.abs(m.to - m.from), 0);
  return { on, moves, first, last, open, score: [off.length - moves.length + missing - moves.length, implausible, moves.length, distance] };
}

/**
 * As many moves as possible (a maximum matching of off-lattice days to open lattice days within
 * reach), each day trying its likeliest partner first: one that fills a gap between the dates on the
 * lattice rather than widening their span, then one a bank holiday explains, then the nearest.
 * Nearest-first alone is not enough: Saturday-before moves of two Friday holidays in a row
 * (25 Dec → 19 Dec, 1 Jan → 26 Dec) would pair 26 Dec with 25 Dec and leave two dates unexplained.
 */
function matchMoves(
  off: number[],
  open: number[],
  span: { first: number; last: number },
  anchor: number,
  period: number,
  withinDays: number,
  likely: (from: number, to: number) => boolean,
): Array<{ from: number; to: number }> {
  const { first: spanFirst, last: spanLast } = span;
  const openIndex = new Map(open.map((slot, index) => [slot, index]));
  // How many lattice days a move from `from` would add to the span of the dates on the lattice: a gap
  // inside the span is explained by filling it, one outside widens the span and may open new gaps.
  const slotsAway = (from: number) => (from < spanFirst ? (spanFirst - from) / period : from > spanLast ? (from - spanLast) / period : 0);
  // A lattice is at least a week apart, so at most two of its days are within reach of a date.
  const partners = off.map((to) => {
    const found: Array<{ index: number; from: number; away: number; distance: number; likely: boolean }> = [];
    for (let k = Math.ceil((to - withinDays - anchor) / period); anchor + k * period <= to + withinDays; k++) {
      const from = anchor + k * period;
      const index = openIndex.get(from);
      if (index !== undefined) found.push({ index, from, away: slotsAway(from), distance: Math.abs(to - from), likely: likely(from, to) });
    }
    return found
      .sort((a, b) => a.away - b.away || Number(b.likely) - Number(a.likely) || a.distance - b.distance || a.from - b.from)
      .map((p) => p.index);
  });
  const takenBy = new Array<number>(open.length).fill(-1);
  const augment = (date: number, visited: Set<number>): boolean => {
    for (const slot of partners[date]) {
      if (visited.has(slot)) continue;
      visited.add(slot);
      if (takenBy[slot] === -1 || augment(takenBy[slot], visited)) {
        takenBy[slot] = date;
        return true;
      }
    }
    return false;
  };
  off.forEach((_, date) => augment(date, new Set()));
  return takenBy.flatMap((date, slot) => (date === -1 ? [] : [{ from: open[slot], to: off[date] }]));
}

/** The bank-holiday test on day numbers, each pair asked once per inference. */
function memoised(plausible: ((from: IsoDate, to: IsoDate) => boolean) | undefined, origin: IsoDate): (from: number, to: number) => boolean {
  if (!plausible) return () => true;
  const known = new Map<string, boolean>();
  return (from, to) => {
    const key = `${from},${to}`;
    let answer = known.get(key);
    if (answer === undefined) known.set(key, (answer = plausible(addDays(origin, from), addDays(origin, to))));
    return answer;
  };
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
