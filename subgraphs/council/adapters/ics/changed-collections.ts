// Council calendars show a moved collection as two edits: the regular occurrence is excluded
// (EXDATE) and a one-off event is added nearby, often titled "... (Changed Collection)" (Gedling).
// Read literally that is a cancellation plus a stray extra collection; residents need ONE collection
// that MOVED, with the date it replaced. This pairs the two halves back together.
import { daysBetween } from '../../../../domain/dates.js';
import type { IsoDate } from '../../../../domain/types.js';

export interface ExcludedDate {
  date: IsoDate;
  /** Index of the rule (recurring event) that excluded it. */
  rule: number;
}

export interface OneOffDate {
  date: IsoDate;
  /** The event says it is a changed collection: preferred as a partner, and may stand alone as a move. */
  changed: boolean;
  summary: string;
  line: number;
}

export interface Pair {
  excluded: ExcludedDate;
  oneOff: OneOffDate;
}

export interface Pairing {
  /** Excluded dates with their replacement; `excluded.date === oneOff.date` means it runs as normal after all. */
  pairs: Pair[];
  unpairedExcluded: ExcludedDate[];
  unpairedOneOffs: OneOffDate[];
}

/**
 * Pairs each excluded regular date with the nearest unpaired one-off of the same service within
 * `withinDays`. Closest pairs are made first, so two moves in one fortnight cannot swap partners;
 * ties go to a one-off marked as changed, then to the earlier dates, so the result never depends
 * on the order of events in the file.
 */
export function pairChangedCollections(excluded: readonly ExcludedDate[], oneOffs: readonly OneOffDate[], withinDays: number): Pairing {
  const candidates: Array<{ e: number; o: number; distance: number }> = [];
  excluded.forEach((x, e) => {
    oneOffs.forEach((one, o) => {
      const distance = Math.abs(daysBetween(x.date, one.date));
      if (distance <= withinDays) candidates.push({ e, o, distance });
    });
  });
  candidates.sort(
    (a, b) =>
      a.distance - b.distance ||
      Number(oneOffs[b.o].changed) - Number(oneOffs[a.o].changed) ||
      compare(excluded[a.e].date, excluded[b.e].date) ||
      compare(oneOffs[a.o].date, oneOffs[b.o].date) ||
      a.e - b.e ||
      a.o - b.o,
  );
  const usedExcluded = new Set<number>();
  const usedOneOffs = new Set<number>();
  const pairs: Pair[] = [];
  for (const { e, o } of candidates) {
    if (usedExcluded.has(e) || usedOneOffs.has(o)) continue;
    usedExcluded.add(e);
    usedOneOffs.add(o);
    pairs.push({ excluded: excluded[e], oneOff: oneOffs[o] });
  }
  return {
    pairs: pairs.sort((a, b) => compare(a.excluded.date, b.excluded.date)),
    unpairedExcluded: excluded.filter((_, e) => !usedExcluded.has(e)),
    unpairedOneOffs: oneOffs.filter((_, o) => !usedOneOffs.has(o)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
