// The council host's schedule memo: one computation per schedule and range, shared by the properties on
// the same rounds, renewed when the source's data changes, never kept after a failure.
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../domain/types.js';
import { roundScheduleKey, type CouncilDataSource, type DataSourceInfo, type PropertyRecord } from '../../subgraphs/council/data-source.js';
import { withScheduleMemo } from '../../subgraphs/council/schedule-memo.js';

const property = (uprn: string, round: string): PropertyRecord => ({
  uprn,
  address: { lines: [`${uprn} Road`], town: 'Reading', postcode: 'RG1 1AA' },
  serviceIds: ['refuse'],
  roundIds: { refuse: round },
});

function countingSource(options: { keyed: boolean }) {
  const calls: string[] = [];
  let updatedAt = new Date('2026-12-01T08:00:00Z');
  let fail = false;
  const source: CouncilDataSource = {
    councilCode: 'E06000038',
    info: (): DataSourceInfo => ({ kind: 'COUNCIL', notice: null, updatedAt, stale: false }),
    services: async () => [],
    propertiesInPostcode: async () => [],
    propertiesByUprn: async (uprns) => uprns.map(() => null),
    collections: async (p, range) => {
      calls.push(`${p.uprn} ${range.from}`);
      if (fail) throw new Error('feed down');
      return [{ date: range.from, serviceId: 'refuse', status: 'SCHEDULED', originalDate: null, changeReason: null, note: null } as unknown as Collection];
    },
    ...(options.keyed ? { scheduleKeyOf: roundScheduleKey } : {}),
  };
  return { source, calls, refresh: () => (updatedAt = new Date(updatedAt.getTime() + 60_000)), failNext: (value: boolean) => (fail = value) };
}

const RANGE = { from: '2026-12-01', to: '2026-12-14' };

describe('the schedule memo', () => {
  it('works a round’s schedule out once for every property on it and range', async () => {
    const { source, calls } = countingSource({ keyed: true });
    const memo = withScheduleMemo(source);
    const a = await memo.collections(property('1', 'MON-A'), RANGE);
    const b = await memo.collections(property('2', 'MON-A'), RANGE);
    await memo.collections(property('3', 'TUE-B'), RANGE);
    await memo.collections(property('1', 'MON-A'), { ...RANGE, to: '2026-12-31' });
    expect(b).toEqual(a);
    expect(calls).toEqual(['1 2026-12-01', '3 2026-12-01', '1 2026-12-01']);
  });

  it('works it out again once the source’s data is refreshed, and keeps no failure', async () => {
    const { source, calls, refresh, failNext } = countingSource({ keyed: true });
    const memo = withScheduleMemo(source);
    await memo.collections(property('1', 'MON-A'), RANGE);
    refresh();
    await memo.collections(property('1', 'MON-A'), RANGE);
    expect(calls).toHaveLength(2);
    refresh();
    failNext(true);
    await expect(memo.collections(property('1', 'MON-A'), RANGE)).rejects.toThrow('feed down');
    failNext(false);
    await memo.collections(property('1', 'MON-A'), RANGE);
    expect(calls).toHaveLength(4);
  });

  it('leaves a source that does not say which properties share a schedule untouched', async () => {
    const { source, calls } = countingSource({ keyed: false });
    expect(withScheduleMemo(source)).toBe(source);
    await source.collections(property('1', 'MON-A'), RANGE);
    await source.collections(property('1', 'MON-A'), RANGE);
    expect(calls).toHaveLength(2);
  });
});
