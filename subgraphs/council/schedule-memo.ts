// Council hosts that do not recompute: a property's regular schedule (its rounds, bank holidays applied) is
// worked out once per schedule and date range and kept, instead of on every request. Properties on the same
// rounds share one entry. Only a source that says which properties share a schedule (`scheduleKeyOf`) is
// memoised: a source that fetches per property (a per-address calendar) keeps its own cache and freshness.
// An entry belongs to one version of the source's data (`info().updatedAt`), so a refresh makes new entries
// and the old ones age out; disruptions are applied by the kit on top of the kept schedule, per request, so
// a disruption shows at once. Bounded by entries (lru-cache).
import { LRUCache } from 'lru-cache';
import type { Collection } from '../../domain/types.js';
import type { CouncilDataSource, DateRange, PropertyRecord } from './data-source.js';

/** Kept schedules, shared by every council of a host (lru-cache sets aside its arrays up front: one, not 361). */
export type ScheduleStore = LRUCache<string, Promise<Collection[]>>;

export function scheduleStore(maxEntries = 20_000): ScheduleStore {
  return new LRUCache({ max: maxEntries });
}

/** The source, with `collections` answered from what it worked out before for the same schedule and range. */
export function withScheduleMemo(source: CouncilDataSource, kept: ScheduleStore = scheduleStore(1_000)): CouncilDataSource {
  const scheduleKeyOf = source.scheduleKeyOf?.bind(source);
  if (!scheduleKeyOf) return source;
  const collections = (property: PropertyRecord, range: DateRange): Promise<Collection[]> => {
    const version = source.info().updatedAt?.getTime() ?? 0;
    const schedule = scheduleKeyOf(property);
    const key = `${source.councilCode}\u0000${version}\u0000${schedule}\u0000${range.from}\u0000${range.to}`;
    let answer = kept.get(key);
    if (!answer) {
      answer = source.collections(property, range);
      kept.set(key, answer);
      // A failure is not kept: the next request asks the source again.
      answer.catch(() => kept.delete(key));
    }
    return answer;
  };
  // Everything but `collections` is the source's own (bound, so class sources keep their `this`).
  return new Proxy(source, {
    get(target, name, receiver) {
      if (name === 'collections') return collections;
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
