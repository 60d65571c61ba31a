// Plain-English frequencies for adapted data. A round may be several rules (Gedling publishes
// "Green Bin Day" and "Green Bin + Glass Box Day" as two four-weekly rules that together make a
// fortnightly green bin), so the frequency is read from the dates the rules produce together.
import { addDays } from '../../../../domain/dates.js';
import { GENERIC_DESCRIPTION, describeFrequency } from '../../../../domain/schedule/frequency.js';
import { patternStart, regularDates } from '../../../../domain/schedule/recurrence.js';
import type { Round } from '../../../../domain/schedule/engine.js';
import type { Frequency } from '../../../../domain/types.js';
import { inferWeeklyLattice } from './weekly-lattice.js';

export interface RoundFrequency extends Frequency {
  /** Weeks between collections when the round is a plain weekly cycle; null otherwise. */
  everyWeeks: number | null;
}

const YEAR_DAYS = 364;

/** The frequency of one service on one round, from the regular dates of its rules over a year. */
export function roundFrequency(rounds: readonly Round[]): RoundFrequency {
  if (rounds.length === 0) return { description: GENERIC_DESCRIPTION, rrule: null, everyWeeks: null };
  const start = rounds.map((round) => patternStart(round.pattern)).sort()[0];
  const dates = rounds.flatMap((round) => regularDates(round.pattern, start, addDays(start, YEAR_DAYS)));
  const lattice = inferWeeklyLattice(dates);
  if (!lattice || lattice.offLattice.length > 0 || lattice.missing.length > 0) {
    return { description: GENERIC_DESCRIPTION, rrule: null, everyWeeks: null };
  }
  const described = describeFrequency({ kind: 'weekly', weekday: lattice.weekday, everyWeeks: lattice.everyWeeks, anchor: lattice.first });
  return { ...described, everyWeeks: lattice.everyWeeks };
}

/** A council-wide frequency for a service: the same cycle on every round, or "varies". */
export function councilFrequency(perRound: readonly RoundFrequency[]): Frequency {
  const cycles = new Set(perRound.map((f) => f.everyWeeks));
  if (cycles.size !== 1 || perRound[0].everyWeeks === null) {
    return { description: 'Varies by address: see each address\'s collections', rrule: null };
  }
  const weeks = perRound[0].everyWeeks;
  const description = weeks === 1 ? 'Every week' : weeks === 2 ? 'Every other week' : `Every ${weeks} weeks`;
  return { description, rrule: weeks === 1 ? 'FREQ=WEEKLY' : `FREQ=WEEKLY;INTERVAL=${weeks}` };
}
