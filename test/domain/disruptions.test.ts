import { describe, expect, it } from 'vitest';
import {
  applyDisruptions,
  disruptionProblems,
  isActiveOn,
  parsePostcodeArea,
  postcodeInArea,
  type DisruptedProperty,
  type Disruption,
} from '../../domain/disruptions/apply.js';
import type { Collection, ServiceType } from '../../domain/types.js';

const scheduled = (date: string, serviceId: string): Collection => ({
  date, serviceId, status: 'SCHEDULED', originalDate: null, changeReason: null, note: null, disruptionId: null,
});

// A snowy week in January 2026 at a Reading property: refuse on Mondays, recycling on Tuesdays.
const week = [scheduled('2026-01-05', 'refuse'), scheduled('2026-01-06', 'recycling'), scheduled('2026-01-12', 'refuse')];
const serviceTypeOf = (serviceId: string): ServiceType => (serviceId === 'refuse' ? 'GENERAL_WASTE' : 'RECYCLING');
const property: DisruptedProperty = { postcode: 'RG1 1AA', roundIds: new Map([['refuse', 'ref-mon-3'], ['recycling', 'rec-tue-1']]), councilCode: 'E06000038' };

function disruption(overrides: Partial<Disruption>): Disruption {
  return {
    id: 'snow-1',
    councilCode: 'E06000038',
    title: 'Snow',
    reason: 'SEVERE_WEATHER',
    message: 'Roads are unsafe for our vehicles.',
    serviceTypes: null,
    area: { kind: 'council' },
    effect: { kind: 'cancelled' },
    startsOn: '2026-01-05',
    endsOn: '2026-01-06',
    url: null,
    createdAt: '2026-01-04T18:00:00Z',
    updatedAt: '2026-01-04T18:00:00Z',
    withdrawnAt: null,
    ...overrides,
  };
}

describe('effects', () => {
  it('cancelled: CANCELLED on the same day, with the reason, message and disruption id', () => {
    expect(applyDisruptions(week, [disruption({})], property, serviceTypeOf)).toEqual([
      { ...scheduled('2026-01-05', 'refuse'), status: 'CANCELLED', changeReason: 'SEVERE_WEATHER', note: 'Roads are unsafe for our vehicles.', disruptionId: 'snow-1' },
      { ...scheduled('2026-01-06', 'recycling'), status: 'CANCELLED', changeReason: 'SEVERE_WEATHER', note: 'Roads are unsafe for our vehicles.', disruptionId: 'snow-1' },
      scheduled('2026-01-12', 'refuse'),
    ]);
  });

  it('delayed by 2 days: Monday 5 January’s refuse goes on Wednesday 7 January, originally due Monday', () => {
    const result = applyDisruptions(week, [disruption({ effect: { kind: 'delayed', days: 2 }, endsOn: '2026-01-05' })], property, serviceTypeOf);
    expect(result.map((c) => [c.date, c.serviceId])).toEqual([['2026-01-06', 'recycling'], ['2026-01-07', 'refuse'], ['2026-01-12', 'refuse']]);
    expect(result[1]).toMatchObject({ date: '2026-01-07', status: 'DELAYED', originalDate: '2026-01-05', disruptionId: 'snow-1' });
  });

  it('delayed: a bank-holiday MOVED collection keeps the day it was due before the delay as originalDate', () => {
    const easter: Collection = { ...scheduled('2026-04-07', 'refuse'), status: 'MOVED', originalDate: '2026-04-06', changeReason: 'BANK_HOLIDAY' };
    const [delayed] = applyDisruptions([easter], [disruption({ startsOn: '2026-04-07', endsOn: '2026-04-07', effect: { kind: 'delayed', days: 1 }, reason: 'VEHICLE_BREAKDOWN' })], property, serviceTypeOf);
    expect(delayed).toMatchObject({ date: '2026-04-08', status: 'DELAYED', originalDate: '2026-04-07', changeReason: 'VEHICLE_BREAKDOWN' });
  });

  it('leave-out: DELAYED on the same day, originalDate the same day (new day unknown), the instruction as note', () => {
    const leaveOut = disruption({ effect: { kind: 'leave-out', note: 'Leave your bin out; crews will return.' }, endsOn: '2026-01-05' });
    const [refuse] = applyDisruptions(week, [leaveOut], property, serviceTypeOf);
    expect(refuse).toEqual({
      ...scheduled('2026-01-05', 'refuse'),
      status: 'DELAYED',
      originalDate: '2026-01-05',
      changeReason: 'SEVERE_WEATHER',
      note: 'Leave your bin out; crews will return.',
      disruptionId: 'snow-1',
    });
  });

  it('a delay onto a day that already has the same service keeps one collection for that day', () => {
    const result = applyDisruptions(week, [disruption({ effect: { kind: 'delayed', days: 7 }, endsOn: '2026-01-05' })], property, serviceTypeOf);
    expect(result.filter((c) => c.serviceId === 'refuse')).toEqual([scheduled('2026-01-12', 'refuse')]);
  });

  it('when two disruptions match, the stronger effect wins: cancelled over leave-out', () => {
    const leaveOut = disruption({ id: 'a-leave-out', effect: { kind: 'leave-out' }, updatedAt: '2026-01-05T07:00:00Z' });
    const [refuse] = applyDisruptions(week, [leaveOut, disruption({ id: 'z-cancel' })], property, serviceTypeOf);
    expect(refuse).toMatchObject({ status: 'CANCELLED', disruptionId: 'z-cancel' });
  });
});

describe('which collections a disruption reaches', () => {
  it('only those dated from startsOn to endsOn, both included; endsOn null is open-ended', () => {
    const fromTuesday = applyDisruptions(week, [disruption({ startsOn: '2026-01-06', endsOn: null })], property, serviceTypeOf);
    expect(fromTuesday.map((c) => c.status)).toEqual(['SCHEDULED', 'CANCELLED', 'CANCELLED']);
  });

  it('withdrawn disruptions have no effect', () => {
    expect(applyDisruptions(week, [disruption({ withdrawnAt: '2026-01-05T06:00:00Z' })], property, serviceTypeOf)).toEqual(week);
  });

  it('service-type filter: a recycling-only disruption leaves refuse alone', () => {
    const result = applyDisruptions(week, [disruption({ serviceTypes: ['RECYCLING'] })], property, serviceTypeOf);
    expect(result.map((c) => [c.serviceId, c.status])).toEqual([['refuse', 'SCHEDULED'], ['recycling', 'CANCELLED'], ['refuse', 'SCHEDULED']]);
  });

  it('round areas: only the service whose round is listed', () => {
    const result = applyDisruptions(week, [disruption({ area: { kind: 'rounds', roundIds: ['ref-mon-3'] } })], property, serviceTypeOf);
    expect(result.map((c) => c.status)).toEqual(['CANCELLED', 'SCHEDULED', 'SCHEDULED']);
  });

  it('round areas accept a lookup function for the property’s rounds', () => {
    const viaFunction: DisruptedProperty = { postcode: 'RG1 1AA', roundIds: (serviceId) => (serviceId === 'recycling' ? 'rec-tue-1' : null) };
    const result = applyDisruptions(week, [disruption({ area: { kind: 'rounds', roundIds: ['rec-tue-1'] } })], viaFunction, serviceTypeOf);
    expect(result.map((c) => c.status)).toEqual(['SCHEDULED', 'CANCELLED', 'SCHEDULED']);
  });

  it.each([
    [['RG1'], true, 'outward code'],
    [['rg1 1'], true, 'sector, any case'],
    [['RG11AA'], true, 'full postcode without the space'],
    [['RG1 2'], false, 'another sector'],
    [['RG10'], false, 'RG10 is another district, not a prefix of RG1'],
  ])('postcode areas: %j reaches RG1 1AA → %s (%s)', (postcodes, reached) => {
    const [refuse] = applyDisruptions(week, [disruption({ area: { kind: 'postcodes', postcodes } })], property, serviceTypeOf);
    expect(refuse.status === 'CANCELLED').toBe(reached);
  });

  it('"RG1" does not reach RG10 1AA', () => {
    expect(postcodeInArea('RG10 1AA', ['RG1'])).toBe(false);
    expect(postcodeInArea('RG10 1AA', ['RG10'])).toBe(true);
  });

  it('another council’s disruption is ignored when the property names its council', () => {
    expect(applyDisruptions(week, [disruption({ councilCode: 'E06000037' })], property, serviceTypeOf)).toEqual(week);
  });

  it('an already cancelled collection is not delayed', () => {
    const cancelled: Collection = { ...scheduled('2026-01-05', 'refuse'), status: 'CANCELLED', changeReason: 'BANK_HOLIDAY' };
    expect(applyDisruptions([cancelled], [disruption({ effect: { kind: 'delayed', days: 1 } })], property, serviceTypeOf)).toEqual([cancelled]);
  });
});

describe('isActiveOn', () => {
  it('is true on the first and last day and false outside or once withdrawn', () => {
    const d = disruption({});
    expect([isActiveOn(d, '2026-01-04'), isActiveOn(d, '2026-01-05'), isActiveOn(d, '2026-01-06'), isActiveOn(d, '2026-01-07')]).toEqual([false, true, true, false]);
    expect(isActiveOn({ ...d, withdrawnAt: '2026-01-05T09:00:00Z' }, '2026-01-05')).toBe(false);
  });
});

describe('validation', () => {
  it('parses outward codes, sectors and full postcodes, and rejects the ambiguous', () => {
    expect(parsePostcodeArea('SW1A 1AA')).toEqual({ outward: 'SW1A', inwardPrefix: '1AA' });
    expect(parsePostcodeArea(' sw1a ')).toEqual({ outward: 'SW1A', inwardPrefix: '' });
    expect(parsePostcodeArea('RG1 1')).toEqual({ outward: 'RG1', inwardPrefix: '1' });
    expect(parsePostcodeArea('RG111')).toBeNull(); // RG1 1 + 1? RG11 1? Say it with a space.
  });

  it('names every problem', () => {
    const bad = disruption({
      startsOn: '2026-01-10',
      endsOn: '2026-01-05',
      serviceTypes: [],
      area: { kind: 'postcodes', postcodes: ['nowhere'] },
      effect: { kind: 'delayed', days: 0 },
    });
    expect(disruptionProblems(bad)).toEqual([
      'endsOn 2026-01-05 is before startsOn 2026-01-10',
      'serviceTypes must list at least one type, or be null for every service',
      'area.postcodes: "nowhere" is not a postcode ("RG1 1AA"), outward code ("RG1") or sector ("RG1 1")',
      'effect.days must be a whole number from 1 to 31, got 0',
    ]);
    expect(disruptionProblems(disruption({}))).toEqual([]);
  });
});
