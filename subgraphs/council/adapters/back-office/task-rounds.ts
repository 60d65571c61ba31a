// A back office's task instances → schedule-engine Rounds. Back offices answer with dated
// instances, not rules, so the weekly cycle is inferred from the original dates; an instance whose
// current date differs from its original date is a move. The pattern stops at the last instance:
// nothing is forecast beyond what the back office said.
import type { Round, RoundMove } from '../../../../domain/schedule/engine.js';
import { describeFrequency } from '../../../../domain/schedule/frequency.js';
import type { Frequency, IsoDate } from '../../../../domain/types.js';
import type { ExplainMove } from '../shared/move-reason.js';
import type { ServiceCatalogue } from '../shared/service-catalogue.js';
import { inferWeeklyLattice, latticePattern } from '../shared/weekly-lattice.js';
import type { BackOfficeTask } from './mapping.js';

export interface TaskRounds {
  serviceId: string;
  round: Round;
  frequency: Frequency;
}

/** Null when the task matches no configured service. */
export function taskRound(task: BackOfficeTask, catalogue: ServiceCatalogue, explain: ExplainMove): TaskRounds | null {
  const serviceId = task.serviceTexts.map((text) => catalogue.match(text)[0]).find((id) => id !== undefined);
  if (!serviceId) return null;
  const lattice = inferWeeklyLattice(task.instances.map((instance) => instance.originalDate));
  if (!lattice) return null;
  const moved: RoundMove[] = [];
  const movedFrom = new Set<IsoDate>();
  for (const { originalDate, currentDate } of task.instances) {
    if (originalDate === currentDate || movedFrom.has(originalDate)) continue;
    movedFrom.add(originalDate);
    const { reason, note } = explain(originalDate, currentDate, null);
    moved.push(note === null ? { from: originalDate, to: currentDate, reason } : { from: originalDate, to: currentDate, reason, note });
  }
  const round: Round = {
    id: task.roundId,
    serviceId,
    pattern: latticePattern(lattice),
    // Cycle dates the back office lists no instance for do not happen.
    exceptions: lattice.missing,
    // Instances off the cycle that did not move are one-off extras.
    additions: lattice.offLattice.filter((date) => !movedFrom.has(date)),
    moved,
  };
  return { serviceId, round, frequency: taskFrequency(task, lattice) };
}

function taskFrequency(task: BackOfficeTask, lattice: NonNullable<ReturnType<typeof inferWeeklyLattice>>): Frequency {
  const regular = lattice.offLattice.length === 0 && lattice.missing.length === 0 && lattice.onLattice.length > 1;
  const described = regular ? describeFrequency({ kind: 'weekly', weekday: lattice.weekday, everyWeeks: lattice.everyWeeks, anchor: lattice.first }) : null;
  // The back office's own words win; the rule is ours.
  const description = task.scheduleDescription ? capitalise(task.scheduleDescription) : described?.description ?? 'See the collection dates';
  return { description, rrule: described?.rrule ?? null };
}

function capitalise(text: string): string {
  const trimmed = text.trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
