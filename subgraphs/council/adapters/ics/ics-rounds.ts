// One round's calendar → schedule-engine Rounds, per service. Each recurring event becomes a Round
// (its RRULE the pattern, its EXDATEs the exceptions); a one-off event beside an excluded date
// becomes a move of that date; other one-offs are additions. Quirks of real feeds, each handled here:
// - Several services in one event: Gedling's "Green Bin + Glass Box Day" is two services.
// - One service in several rules: Gedling's green bin is two four-weekly rules, one with glass.
// - A moved collection as EXDATE + a "(Changed Collection)" one-off (Gedling), or as EXDATE + RDATE,
//   or as a RECURRENCE-ID override (the RFC 5545 way).
// - A changed collection whose regular date lies just outside its rule (Gedling's Monday G1 moves
//   the Monday 22 December glass collection to Saturday 20 December, but its rule only starts in
//   January): the regular date is found by running the rule's weekly cycle back (or on).
// - A split collection: Gedling's Friday G2 excludes 2 January from "Green Bin + Glass Box Day",
//   keeps "Glass Box Day" on 2 January and moves "Green Bin Day" to Saturday 3 January.
// - No rules at all, every collection its own event (Bristol): the weekly pattern is inferred.
// - EXDATEs on days the rule would not produce: ignored, as RFC 5545 says.
// - A changed collection whose rule forgot the EXDATE of the date it replaces: read literally, two
//   collections. The council's explicit change wins over the regular rule it contradicts: the regular
//   date is dropped, the changed one is MOVED from it, and a CHANGED_COLLECTION_WITHOUT_EXCLUSION
//   warning names the round and both dates.
// - A service named only in the DESCRIPTION or CATEGORIES: SUMMARY is matched first, then CATEGORIES,
//   then DESCRIPTION (a description is prose, so it is the last resort).
// - A recurring event titled as a changed collection (Gedling's 2025/26 Thursday G1 has a four-weekly
//   "Green Bin + Glass Box Day (Changed Collection)" RRULE): the rule is what counts; it is a rule.
import { addDays, daysBetween, isoWeekday } from '../../../../domain/dates.js';
import type { Round, RoundMove } from '../../../../domain/schedule/engine.js';
import { RRULE_WEEKDAYS, regularDates, type RoundPattern } from '../../../../domain/schedule/recurrence.js';
import type { IsoDate } from '../../../../domain/types.js';
import type { DataProblem } from '../shared/data-problem.js';
import type { FeedWarning } from '../shared/feed-warnings.js';
import type { ExplainMove } from '../shared/move-reason.js';
import type { ServiceCatalogue } from '../shared/service-catalogue.js';
import { inferWeeklyLattice, latticePattern } from '../shared/weekly-lattice.js';
import { pairChangedCollections, type ExcludedDate, type OneOffDate } from './changed-collections.js';
import type { CalendarEvent } from './ics-calendar.js';

export interface CalendarRoundOptions {
  /** The round this calendar is for, e.g. "Monday G1". */
  round: string;
  file: string;
  catalogue: ServiceCatalogue;
  /** A one-off whose summary (or description) matches this is a changed collection ("(Changed Collection)"). */
  changedMarker: RegExp;
  /** How far a changed collection may be from the regular date it replaces. */
  withinDays: number;
  explain: ExplainMove;
  /** Breaks ties between cycles when a calendar has no rules (see weekly-lattice.ts). */
  likelyMove?: (from: IsoDate, to: IsoDate) => boolean;
}

export interface CalendarRounds {
  /** Rounds by service id, in catalogue order. */
  byService: Map<string, Round[]>;
  /** For the operator's log, located in the file. */
  warnings: DataProblem[];
  /** For residents and the council, served as dataSource.warnings. */
  feedWarnings: FeedWarning[];
}

interface Rule {
  pattern: RoundPattern;
  summary: string;
  exdates: Set<IsoDate>;
  moves: RoundMove[];
  additions: IsoDate[];
}

export function calendarRounds(events: readonly CalendarEvent[], options: CalendarRoundOptions): CalendarRounds {
  const warnings: DataProblem[] = [];
  const feedWarnings: FeedWarning[] = [];
  const unmatched = new Set<string>();
  const servicesOf = (event: CalendarEvent) => {
    const ids = matchServices(event, options.catalogue);
    if (ids.length === 0 && !unmatched.has(event.summary)) {
      unmatched.add(event.summary);
      const message = `${JSON.stringify(event.summary)} matches no configured service, so it is left out`;
      warnings.push({ file: options.file, line: event.line, column: 'SUMMARY', message });
      feedWarnings.push({ code: 'UNKNOWN_SERVICE', message: `Calendar event ${message}.`, round: options.round });
    }
    return ids;
  };

  const masters = events.filter((event) => event.rrule !== null && event.recurrenceId === null && !event.cancelled);
  const overrides = events.filter((event) => event.recurrenceId !== null);
  const masterByUid = new Map(masters.filter((m) => m.uid !== null).map((m) => [m.uid!, m]));
  // An override whose recurring event is missing is just a one-off.
  const orphanOverrides = overrides.filter((o) => o.uid === null || !masterByUid.has(o.uid));
  const singles = [...events.filter((e) => e.rrule === null && e.recurrenceId === null), ...orphanOverrides].filter((e) => !e.cancelled);

  const byService = new Map<string, Round[]>();
  const masterServices = new Map(masters.map((m) => [m, servicesOf(m)]));
  const singleServices = new Map(singles.map((s) => [s, servicesOf(s)]));
  for (const serviceId of options.catalogue.ids()) {
    const ruleEvents = masters.filter((m) => masterServices.get(m)!.includes(serviceId));
    const singleEvents = singles.filter((s) => singleServices.get(s)!.includes(serviceId));
    if (ruleEvents.length === 0 && singleEvents.length === 0) continue;
    byService.set(serviceId, serviceRounds(serviceId, ruleEvents, singleEvents, overrides, options, feedWarnings));
  }
  return { byService, warnings, feedWarnings };
}

/** SUMMARY first; a council that names the service only in CATEGORIES or DESCRIPTION is matched there. */
function matchServices(event: CalendarEvent, catalogue: ServiceCatalogue): string[] {
  for (const text of [event.summary, ...event.categories, event.description]) {
    if (text === '') continue;
    const ids = catalogue.match(text);
    if (ids.length > 0) return ids;
  }
  return [];
}

function serviceRounds(
  serviceId: string,
  ruleEvents: CalendarEvent[],
  singleEvents: CalendarEvent[],
  overrides: CalendarEvent[],
  options: CalendarRoundOptions,
  feedWarnings: FeedWarning[],
): Round[] {
  const rules: Rule[] = ruleEvents.map((event) => ({
    pattern: { kind: 'rrule', rrule: event.rrule!, dtstart: event.start },
    summary: event.summary,
    exdates: new Set(event.exdates.filter((date) => isOccurrence(event, date))),
    moves: [],
    additions: [],
  }));
  const isChanged = (event: CalendarEvent) => options.changedMarker.test(event.summary) || options.changedMarker.test(event.description);
  let oneOffs: OneOffDate[] = singleEvents.map((event) => ({ date: event.start, changed: isChanged(event), summary: event.summary, line: event.line }));

  // RECURRENCE-ID overrides say exactly which occurrence went where: no pairing needed.
  ruleEvents.forEach((event, i) => {
    for (const override of overrides.filter((o) => o.uid !== null && o.uid === event.uid)) {
      const from = override.recurrenceId!;
      if (override.cancelled) rules[i].exdates.add(from);
      else if (override.start !== from) {
        rules[i].exdates.delete(from);
        rules[i].moves.push(move(from, override.start, override.summary, options));
      }
    }
    // RDATEs are one-offs of this rule: one beside an EXDATE is a move (EXDATE + RDATE).
    for (const date of event.rdates) {
      if (!isOccurrence(event, date)) oneOffs.push({ date, changed: false, summary: event.summary, line: event.line });
    }
  });

  if (rules.length === 0) {
    // Every collection its own event: infer the cycle; its gaps paired with off-cycle dates are moves.
    const lattice = inferWeeklyLattice(oneOffs.map((o) => o.date), { plausibleMove: options.likelyMove })!;
    const rule: Rule = { pattern: latticePattern(lattice), summary: oneOffs[0].summary, exdates: new Set(lattice.missing), moves: [], additions: [] };
    rules.push(rule);
    const summaryOn = new Map(oneOffs.map((o) => [o.date, o.summary]));
    for (const { from, to } of lattice.moves) {
      rule.exdates.delete(from);
      rule.moves.push(move(from, to, summaryOn.get(to) ?? rule.summary, options));
    }
    const moved = new Set(lattice.moves.map((m) => m.to));
    const offLattice = new Set(lattice.offLattice.filter((date) => !moved.has(date)));
    oneOffs = oneOffs.filter((o) => offLattice.has(o.date));
  }
  // A one-off on a day the rules already collect adds nothing (some feeds list both).
  oneOffs = oneOffs.filter((o) => !rules.some((rule) => producesRegularly(rule, o.date)));

  const excluded: ExcludedDate[] = rules.flatMap((rule, index) => [...rule.exdates].map((date) => ({ date, rule: index })));
  const pairing = pairChangedCollections(excluded, oneOffs, options.withinDays);
  for (const { excluded: x, oneOff } of pairing.pairs) {
    rules[x.rule].exdates.delete(x.date);
    // Excluded and re-added on the same day: it runs as normal.
    if (x.date !== oneOff.date) rules[x.rule].moves.push(move(x.date, oneOff.date, oneOff.summary, options));
  }
  const taken = new Set(rules.flatMap((rule) => [...rule.exdates, ...rule.moves.map((m) => m.from)]));
  // Nearest changed collections first, so two of them cannot both claim one regular date.
  const unpaired = [...pairing.unpairedOneOffs].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const oneOff of unpaired) {
    const inferred = oneOff.changed ? regularDateBeyondRule(oneOff.date, rules, taken, options.withinDays) : null;
    if (inferred) {
      taken.add(inferred.from);
      rules[inferred.rule].moves.push(move(inferred.from, oneOff.date, oneOff.summary, options));
      continue;
    }
    const contradicted = oneOff.changed ? regularDateNotExcluded(oneOff.date, rules, taken, options.withinDays) : null;
    if (contradicted) {
      // The council's explicit change wins over the regular rule it contradicts: one collection, MOVED.
      taken.add(contradicted.from);
      contradicted.rules.forEach((index, i) => (i === 0 ? rules[index].moves.push(move(contradicted.from, oneOff.date, oneOff.summary, options)) : rules[index].exdates.add(contradicted.from)));
      feedWarnings.push({
        code: 'CHANGED_COLLECTION_WITHOUT_EXCLUSION',
        message:
          `${JSON.stringify(oneOff.summary)} on ${oneOff.date} is a changed collection, but the regular ${contradicted.from} of round ${JSON.stringify(options.round)} ` +
          `is not excluded (no EXDATE). Residents are shown ${oneOff.date} only, moved from ${contradicted.from}; the regular ${contradicted.from} is dropped.`,
        round: options.round,
      });
      continue;
    }
    if (oneOff.changed) {
      feedWarnings.push({
        code: 'UNPAIRED_CHANGED_COLLECTION',
        message:
          `${JSON.stringify(oneOff.summary)} on ${oneOff.date} is a changed collection, but round ${JSON.stringify(options.round)} has no regular date within ` +
          `${options.withinDays} days that it could replace. Residents are shown ${oneOff.date} as an extra collection.`,
        round: options.round,
      });
    }
    rules[0].additions.push(oneOff.date);
  }

  return rules.map((rule) => ({
    id: options.round,
    serviceId,
    pattern: rule.pattern,
    exceptions: [...rule.exdates].sort(),
    additions: [...new Set(rule.additions)].sort(),
    moved: rule.moves.sort((a, b) => (a.from < b.from ? -1 : 1)),
  }));
}

/**
 * For a changed collection whose regular date was never excluded: the nearest regular date within
 * `withinDays` that no other change has claimed (the earlier one on a tie), and every rule producing it.
 */
function regularDateNotExcluded(date: IsoDate, rules: Rule[], taken: Set<IsoDate>, withinDays: number): { from: IsoDate; rules: number[] } | null {
  const candidates = new Map<IsoDate, number[]>();
  rules.forEach((rule, index) => {
    for (const from of regularDates(rule.pattern, addDays(date, -withinDays), addDays(date, withinDays))) {
      if (from === date || taken.has(from) || rule.exdates.has(from)) continue;
      candidates.set(from, [...(candidates.get(from) ?? []), index]);
    }
  });
  const [best] = [...candidates.keys()].sort((a, b) => Math.abs(daysBetween(a, date)) - Math.abs(daysBetween(b, date)) || (a < b ? -1 : 1));
  return best ? { from: best, rules: candidates.get(best)! } : null;
}

function move(from: IsoDate, to: IsoDate, summary: string, options: CalendarRoundOptions): RoundMove {
  const { reason, note } = options.explain(from, to, summary);
  return note === null ? { from, to, reason } : { from, to, reason, note };
}

function isOccurrence(event: CalendarEvent, date: IsoDate): boolean {
  return regularDates({ kind: 'rrule', rrule: event.rrule!, dtstart: event.start }, date, date).length > 0;
}

function producesRegularly(rule: Rule, date: IsoDate): boolean {
  return !rule.exdates.has(date) && regularDates(rule.pattern, date, date).length > 0;
}

/**
 * For a changed collection with no excluded date to pair with: the nearest date of a weekly rule's
 * cycle, run beyond the rule's own start or end, that no rule collects on and no other change claims.
 */
function regularDateBeyondRule(date: IsoDate, rules: Rule[], taken: Set<IsoDate>, withinDays: number): { from: IsoDate; rule: number } | null {
  let best: { from: IsoDate; rule: number; distance: number } | null = null;
  for (const [index, rule] of rules.entries()) {
    const cycle = weeklyCycle(rule.pattern);
    if (!cycle) continue;
    const period = 7 * cycle.everyWeeks;
    const k = Math.floor(daysBetween(cycle.anchor, date) / period);
    for (const from of [addDays(cycle.anchor, k * period), addDays(cycle.anchor, (k + 1) * period)]) {
      const distance = Math.abs(daysBetween(from, date));
      if (distance === 0 || distance > withinDays || taken.has(from)) continue;
      if (rules.some((other) => regularDates(other.pattern, from, from).length > 0)) continue;
      if (!best || distance < best.distance || (distance === best.distance && from < best.from)) best = { from, rule: index, distance };
    }
  }
  return best ? { from: best.from, rule: best.rule } : null;
}

/** A plain weekly rule (one weekday, every N weeks) as its cycle; null for anything else. */
function weeklyCycle(pattern: RoundPattern): { anchor: IsoDate; everyWeeks: number } | null {
  if (pattern.kind === 'weekly') return { anchor: pattern.anchor, everyWeeks: pattern.everyWeeks };
  const parts = new Map(pattern.rrule.split(';').map((part) => part.split('=') as [string, string]));
  if (parts.get('FREQ') !== 'WEEKLY') return null;
  const byday = parts.get('BYDAY');
  if (byday !== undefined && byday !== RRULE_WEEKDAYS[isoWeekday(pattern.dtstart) - 1]) return null;
  if ([...parts.keys()].some((name) => !['FREQ', 'INTERVAL', 'BYDAY', 'UNTIL', 'COUNT', 'WKST'].includes(name))) return null;
  return { anchor: pattern.dtstart, everyWeeks: Number(parts.get('INTERVAL') ?? 1) };
}
