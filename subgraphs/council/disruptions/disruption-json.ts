// A disruption as the API and webhooks show it: the shapes a council team writes, plus id and timestamps.
import type { Disruption } from '../../../domain/disruptions/apply.js';

/** A disruption as the API shows it: the same friendly shapes the team writes, plus id and timestamps. */
export function disruptionJson(d: Disruption) {
  const area = d.area.kind === 'council' ? 'council' : d.area.kind === 'postcodes' ? { postcodes: d.area.postcodes } : { rounds: d.area.roundIds };
  const effect = d.effect.kind === 'delayed' ? { delayedDays: d.effect.days } : d.effect.kind;
  return {
    id: d.id,
    councilCode: d.councilCode,
    title: d.title,
    reason: d.reason,
    message: d.message,
    serviceTypes: d.serviceTypes,
    area,
    effect,
    startsOn: d.startsOn,
    endsOn: d.endsOn,
    url: d.url,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    withdrawnAt: d.withdrawnAt,
  };
}
export type DisruptionJson = ReturnType<typeof disruptionJson>;
