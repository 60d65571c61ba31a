// Refresh: re-read on a schedule and on demand; a source that breaks keeps serving its last good
// data and says how old it is; timers never keep the process alive and stop on close().
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadIcsCouncil } from '../../subgraphs/council/adapters/ics/ics-council.js';
import { RefreshingSource } from '../../subgraphs/council/adapters/refresh/refreshing-source.js';
import type { CouncilDataSource } from '../../subgraphs/council/data-source.js';
import { FIXTURES, bankHolidays, describeCollection } from './support.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A council whose one calendar is a file the test rewrites. */
function icsCouncil(dir: string, onError?: (error: unknown) => void, everyMinutes: number | null = null) {
  return new RefreshingSource({
    councilCode: 'E07000173',
    kind: 'ICS',
    everyMinutes,
    onError,
    load: async (signal) =>
      (
        await loadIcsCouncil(
          {
            councilCode: 'E07000173',
            town: 'Gedling',
            baseDir: dir,
            calendars: [{ round: 'Monday A', url: 'round.ics' }],
            rounds: { byPostcode: new Map([['NG4 1AA', ['Monday A']]]) },
            services: [{ id: 'general-waste', match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin' }],
            changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
            rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
            bankHolidays,
          },
          signal,
        )
      ).source,
  });
}

function scratchCouncil(): string {
  const dir = mkdtempSync(join(tmpdir(), 'binfo-refresh-'));
  writeFileSync(join(dir, 'round.ics'), readFileSync(`${FIXTURES}ics-year/monday-a.ics`));
  return dir;
}

async function januaryOf(source: CouncilDataSource): Promise<string[]> {
  const [property] = await source.propertiesInPostcode('NG4 1AA');
  return (await source.collections(property, { from: '2027-01-01', to: '2027-01-31' })).map(describeCollection);
}

describe('a refreshing council source', () => {
  it('serves the data read, and re-reads it on demand', async () => {
    const dir = scratchCouncil();
    const source = icsCouncil(dir);
    await source.refresh();
    expect(await januaryOf(source)).toEqual(['2027-01-04 general-waste', '2027-01-18 general-waste']);
    const first = source.info();
    expect(first).toMatchObject({ kind: 'ICS', stale: false });
    // The council publishes a change: the 18 January collection is cancelled.
    writeFileSync(join(dir, 'round.ics'), readFileSync(join(dir, 'round.ics'), 'utf8').replace('EXDATE;VALUE=DATE:20260525', 'EXDATE;VALUE=DATE:20260525,20270118'));
    await source.refresh();
    expect(await januaryOf(source)).toEqual(['2027-01-04 general-waste']);
    expect(source.info().updatedAt!.getTime()).toBeGreaterThanOrEqual(first.updatedAt!.getTime());
    await source.close();
  });

  it('keeps the last good data when the file breaks, marked stale with the time it was read', async () => {
    const dir = scratchCouncil();
    const source = icsCouncil(dir);
    await source.refresh();
    const good = source.info().updatedAt;
    writeFileSync(join(dir, 'round.ics'), 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY Black Bin Day\r\n');
    await expect(source.refresh()).rejects.toThrow(/round\.ics:3: cannot be read/);
    expect(await januaryOf(source)).toEqual(['2027-01-04 general-waste', '2027-01-18 general-waste']);
    expect(source.info()).toMatchObject({ kind: 'ICS', stale: true, updatedAt: good });
    expect(String(source.lastError())).toMatch(/round\.ics:3/);
    // Fixed again: fresh, not stale.
    writeFileSync(join(dir, 'round.ics'), readFileSync(`${FIXTURES}ics-year/monday-a.ics`));
    await source.refresh();
    expect(source.info().stale).toBe(false);
    await source.close();
  });

  it('has nothing to serve when the first read fails, and says so', async () => {
    const source = icsCouncil(mkdtempSync(join(tmpdir(), 'binfo-empty-')));
    await expect(source.refresh()).rejects.toThrow(/round\.ics: cannot be read: ENOENT/);
    expect(source.info()).toEqual({ kind: 'ICS', notice: "This council's data could not be read yet.", updatedAt: null, stale: true });
    await expect(source.services()).rejects.toThrow(/has not been read yet: .*ENOENT/);
    await source.close();
  });

  it('shares one read between concurrent refreshes', async () => {
    let reads = 0;
    const inner = { councilCode: 'X', info: () => ({ kind: 'CSV' as const, notice: null, updatedAt: new Date(), stale: false }) } as unknown as CouncilDataSource;
    const source = new RefreshingSource({ councilCode: 'X', kind: 'CSV', load: async () => (reads++, await new Promise((r) => setTimeout(r, 10)), inner) });
    await Promise.all([source.refresh(), source.refresh(), source.refresh()]);
    expect(reads).toBe(1);
    await source.close();
  });

  it('re-reads on its schedule with an unref()ed timer, reports scheduled failures, and stops on close()', async () => {
    vi.useFakeTimers();
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    let reads = 0;
    let failing = false;
    const errors: unknown[] = [];
    const inner = { councilCode: 'X', info: () => ({ kind: 'CSV' as const, notice: null, updatedAt: new Date(), stale: false }) } as unknown as CouncilDataSource;
    const source = new RefreshingSource({
      councilCode: 'X',
      kind: 'CSV',
      everyMinutes: 60,
      onError: (error) => errors.push(error),
      load: async () => {
        reads++;
        if (failing) throw new Error('council site down');
        return inner;
      },
    });
    const timer = setIntervalSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await source.refresh();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(reads).toBe(2);
    failing = true;
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(reads).toBe(3);
    expect(errors.map(String)).toEqual(['Error: council site down']);
    expect(source.info().stale).toBe(true);
    await source.close();
    await vi.advanceTimersByTimeAsync(5 * 60 * 60_000);
    expect(reads).toBe(3);
    await expect(source.refresh()).rejects.toThrow(/closed/);
    setIntervalSpy.mockRestore();
  });
});
