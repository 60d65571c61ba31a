// The disruption store on a real SQLite file: writes, validation, council isolation, and seeing
// another connection's writes (the CLI, a second host) through PRAGMA data_version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DisruptionNotFoundError,
  DisruptionStore,
  DisruptionValidationError,
  DisruptionWithdrawnError,
  type DisruptionInput,
} from '../../subgraphs/council/disruptions/disruption-store.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';

const snow: DisruptionInput = {
  title: '  Snow: collections cancelled ',
  reason: 'SEVERE_WEATHER',
  message: 'Please take your bins in.',
  area: { kind: 'postcodes', postcodes: ['rg1', 'RG2 6', 'RG45AB', 'RG1'] },
  effect: { kind: 'cancelled' },
  startsOn: '2026-12-01',
  endsOn: '2026-12-02',
};

let dir: string;
let path: string;
const opened: DisruptionStore[] = [];
const open = () => {
  const store = DisruptionStore.open(path);
  opened.push(store);
  return store;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-disruption-store-'));
  path = join(dir, 'nested', 'disruptions.sqlite'); // the store creates missing directories
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DisruptionStore', () => {
  it('opens the file in WAL mode with synchronous = FULL, so a commit is on disk before we answer', () => {
    const store = open();
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(store.database.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it('creates a disruption with an id and timestamps, tidied, readable by every reader', () => {
    const store = open();
    const created = store.create(READING, snow);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({
      councilCode: READING,
      title: 'Snow: collections cancelled',
      serviceTypes: null,
      url: null,
      withdrawnAt: null,
      // Canonical spelling, duplicates dropped.
      area: { kind: 'postcodes', postcodes: ['RG1', 'RG2 6', 'RG4 5AB'] },
    });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(store.get(READING, created.id)).toEqual(created);
    expect(store.forCouncil(READING)).toEqual([created]);
    expect(store.list(READING)).toEqual([created]);
    // It is on disk: a fresh store on the file reads the same record.
    expect(open().get(READING, created.id)).toEqual(created);
  });

  it('lists newest first', () => {
    const store = open();
    const first = store.create(READING, snow);
    const second = store.create(READING, { ...snow, title: 'Strike' });
    expect(store.list(READING).map((d) => d.id)).toEqual([second.id, first.id]);
    expect(store.forCouncil(READING).map((d) => d.id)).toEqual([second.id, first.id]);
  });

  it('edits only the fields given, clears with null, and bumps updatedAt', () => {
    const store = open();
    const created = store.create(READING, { ...snow, url: 'https://www.reading.gov.uk/snow' });
    const updated = store.update(READING, created.id, { effect: { kind: 'delayed', days: 2 }, url: null, endsOn: undefined });
    expect(updated).toEqual({ ...created, effect: { kind: 'delayed', days: 2 }, url: null, updatedAt: updated.updatedAt });
    expect(updated.updatedAt > created.updatedAt).toBe(true);
    expect(store.forCouncil(READING)).toEqual([updated]); // the cache was dropped by the write
  });

  it('withdraws once: withdrawing again is harmless, editing afterwards is refused', () => {
    const store = open();
    const created = store.create(READING, snow);
    const withdrawn = store.withdraw(READING, created.id);
    expect(withdrawn.withdrawnAt).not.toBeNull();
    expect(store.withdraw(READING, created.id)).toEqual(withdrawn);
    expect(() => store.update(READING, created.id, { title: 'Back on' })).toThrow(DisruptionWithdrawnError);
    expect(store.get(READING, created.id)).toEqual(withdrawn);
    // The hot path leaves withdrawn ones out; the full list keeps them.
    expect(store.forCouncil(READING)).toEqual([]);
    expect(store.list(READING)).toEqual([withdrawn]);
  });

  it('refuses an invalid disruption, listing every problem at once, and writes nothing', () => {
    const store = open();
    let error: unknown;
    try {
      store.create(READING, {
        title: ' ',
        reason: 'SNOW' as never,
        area: { kind: 'postcodes', postcodes: ['XX', 'RG1'] },
        effect: { kind: 'delayed', days: 0 },
        startsOn: '2026-12-05',
        endsOn: '2026-12-01',
        url: 'javascript:alert(1)',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DisruptionValidationError);
    const problems = (error as DisruptionValidationError).problems;
    expect(problems).toHaveLength(6);
    const text = problems.join('\n');
    expect(text).toMatch(/title must not be empty/);
    expect(text).toMatch(/url must be an http\(s\) address/);
    expect(text).toMatch(/reason must be one of/);
    expect(text).toMatch(/"XX" is not a postcode/);
    expect(text).toMatch(/effect\.days must be a whole number/);
    expect(text).toMatch(/endsOn 2026-12-01 is before startsOn 2026-12-05/);
    expect(store.list(READING)).toEqual([]);
  });

  it('refuses wrong shapes from an untyped caller without crashing', () => {
    const store = open();
    expect(() => store.create(READING, { ...snow, area: { kind: 'postcodes', postcodes: 'RG1' } as never, effect: { kind: 'soon' } as never })).toThrow(
      /area\.postcodes must be a list of postcodes.*effect must be cancelled/,
    );
    expect(() => store.create('reading', snow)).toThrow(/councilCode must be a GSS code/);
    expect(store.list(READING)).toEqual([]);
  });

  it('refuses an edit that would make it invalid and keeps the stored one', () => {
    const store = open();
    const created = store.create(READING, snow);
    expect(() => store.update(READING, created.id, { startsOn: '2026-12-10' })).toThrow(/endsOn 2026-12-02 is before startsOn 2026-12-10/);
    expect(store.get(READING, created.id)).toEqual(created);
  });

  it('keeps councils apart: one council code cannot read, edit or withdraw another council\'s disruption', () => {
    const store = open();
    const bristol = store.create(BRISTOL, { ...snow, area: { kind: 'council' } });
    expect(store.get(READING, bristol.id)).toBeNull();
    expect(() => store.update(READING, bristol.id, { title: 'Hijacked' })).toThrow(DisruptionNotFoundError);
    expect(() => store.withdraw(READING, bristol.id)).toThrow(DisruptionNotFoundError);
    expect(store.forCouncil(READING)).toEqual([]);
    expect(store.list(READING)).toEqual([]);
    expect(store.get(BRISTOL, bristol.id)).toEqual(bristol);
    expect(store.forCouncil(BRISTOL)).toEqual([bristol]);
  });

  it('sees writes made through another connection to the same file (data_version)', () => {
    const host = open();
    const cli = open();
    expect(host.forCouncil(READING)).toEqual([]); // cached now
    const created = cli.create(READING, snow);
    expect(host.forCouncil(READING)).toEqual([created]);
    const updated = cli.update(READING, created.id, { effect: { kind: 'leave-out' } });
    expect(host.forCouncil(READING)).toEqual([updated]);
    cli.withdraw(READING, created.id);
    expect(host.forCouncil(READING)).toEqual([]);
  });

  it('answers from memory between writes, and callers cannot change what others see', () => {
    const store = open();
    store.create(READING, snow);
    const first = store.forCouncil(READING);
    first.pop();
    expect(store.forCouncil(READING)).toHaveLength(1);
    const record = store.forCouncil(READING)[0];
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.area)).toBe(true);
    // Served from the cache: same record objects until something is written.
    expect(store.forCouncil(READING)[0]).toBe(record);
  });
});
