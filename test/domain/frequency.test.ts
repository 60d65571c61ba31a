import { describe, expect, it } from 'vitest';
import { describeFrequency } from '../../domain/schedule/frequency.js';
import type { RoundPattern } from '../../domain/schedule/recurrence.js';

describe('weekly patterns read the way councils write them', () => {
  it.each([
    [{ weekday: 2, everyWeeks: 1, anchor: '2026-01-06' }, 'Every Tuesday', 'FREQ=WEEKLY;BYDAY=TU'],
    [{ weekday: 2, everyWeeks: 2, anchor: '2026-01-06' }, 'Every other Tuesday', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'],
    [{ weekday: 1, everyWeeks: 3, anchor: '2026-01-05' }, 'Every 3 weeks on Monday', 'FREQ=WEEKLY;INTERVAL=3;BYDAY=MO'],
    [{ weekday: 5, everyWeeks: 4, anchor: '2026-01-02' }, 'Every 4 weeks on Friday', 'FREQ=WEEKLY;INTERVAL=4;BYDAY=FR'],
  ])('%o → %s', (fields, description, rrule) => {
    expect(describeFrequency({ kind: 'weekly', ...fields } as RoundPattern)).toEqual({ description, rrule });
  });
});

describe('RRULE patterns get a plain description', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=TU', '2026-01-06', 'Every Tuesday'],
    ['FREQ=WEEKLY;INTERVAL=2', '2026-01-06', 'Every other Tuesday'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', '2026-01-05', 'Every other week on Monday and Thursday'],
    ['FREQ=MONTHLY;BYDAY=1MO', '2026-01-05', 'The first Monday of every month'],
    ['FREQ=MONTHLY;BYDAY=-1FR', '2026-01-30', 'The last Friday of every month'],
    ['FREQ=MONTHLY;BYDAY=2TU,4TU', '2026-01-13', 'The second and fourth Tuesday of every month'],
    ['FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1', '2026-01-01', 'The 1st of every other month'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', '2026-01-31', 'The last day of every month'],
    ['FREQ=WEEKLY;BYMONTH=3,4,5,6,7,8,9,10,11;BYDAY=WE', '2026-03-04', 'Every Wednesday from March to November'],
    ['FREQ=WEEKLY;BYMONTH=11,12,1;BYDAY=WE', '2026-01-07', 'Every Wednesday from November to January'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20270331', '2026-01-02', 'Every other Friday until 31 March 2027'],
    ['FREQ=YEARLY', '2026-12-24', 'Every year on 24 December'],
  ])('%s from %s → %s', (rrule, dtstart, description) => {
    expect(describeFrequency({ kind: 'rrule', rrule, dtstart })).toEqual({ description, rrule });
  });

  it('falls back to a safe phrase where rrule’s own text would be wrong (BYSETPOS)', () => {
    const { description } = describeFrequency({ kind: 'rrule', rrule: 'FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR', dtstart: '2026-01-01' });
    expect(description).toBe('On a regular schedule (see the collection dates)');
  });

  it('gives the RRULE without the "RRULE:" prefix', () => {
    expect(describeFrequency({ kind: 'rrule', rrule: 'RRULE:FREQ=WEEKLY;BYDAY=TU', dtstart: '2026-01-06' }).rrule).toBe('FREQ=WEEKLY;BYDAY=TU');
  });
});
