// A stand-in for the national graph that answers the web routes' operations with fixed data: for what the
// sample data never shows (a council's disruption, a cancelled collection) and for hostile text from a
// council. The shapes are those of the real graph's answers.
import type { ExecuteGraphQL, GraphResult } from '../../gateway/web/graph.js';

export const CANNED_COUNCIL = 'E06000038';
export const CANNED_UPRN = '100000000001';

const grey = { id: 'refuse', name: 'Grey bin (general waste)', type: 'GENERAL_WASTE', containers: [{ name: 'General waste bin', colour: 'grey', kind: 'WHEELIE_BIN' }] };
const blue = { id: 'recycling', name: 'Blue bin <recycling>', type: 'RECYCLING', containers: [{ name: 'Recycling bin', colour: 'Blue lid', kind: 'WHEELIE_BIN' }] };

export const SNOW = {
  id: 'snow-1',
  title: 'Snow: collections cancelled',
  reason: 'SEVERE_WEATHER',
  message: 'Roads are unsafe. Take your bin in; we will collect next week.',
  area: 'Whole council area',
  effect: 'CANCELLED',
  delayDays: null,
  startsOn: '2026-12-01',
  endsOn: '2026-12-02',
  url: 'https://www.reading.gov.uk/snow',
  updatedAt: '2026-11-30T18:00:00Z',
};

export function cannedCollections() {
  return [
    // As the council kit answers (domain/disruptions/apply.ts): a disrupted collection's note is the disruption's message.
    { date: '2026-12-01', status: 'CANCELLED', originalDate: null, changeReason: 'SEVERE_WEATHER', note: SNOW.message, service: grey, disruption: SNOW },
    { date: '2026-12-03', status: 'MOVED', originalDate: '2026-12-01', changeReason: 'OPERATIONAL', note: null, service: blue, disruption: null },
    { date: '2026-12-08', status: 'SCHEDULED', originalDate: null, changeReason: null, note: null, service: grey, disruption: null },
  ];
}

export interface CannedOptions {
  /** A council name to put everywhere the council's name appears (for escaping tests). */
  councilName?: string;
  binDayUrl?: string | null;
  dataSourceKind?: 'SAMPLE' | 'COUNCIL';
  /** The council's active disruptions; SNOW by default. */
  disruptions?: Array<typeof SNOW>;
}

/** Answers by operation name; records the variables of every call. */
export function cannedGraph(options: CannedOptions = {}): ExecuteGraphQL & { calls: Array<Record<string, unknown> | undefined> } {
  const council = {
    code: CANNED_COUNCIL,
    name: options.councilName ?? 'Reading Borough Council',
    binDayUrl: options.binDayUrl === undefined ? 'https://www.reading.gov.uk/bin-calendar/' : options.binDayUrl,
    website: 'https://www.reading.gov.uk/',
    disruptions: options.disruptions ?? [SNOW],
  };
  const dataSource = { kind: options.dataSourceKind ?? 'COUNCIL', notice: null, stale: false, updatedAt: '2026-11-30T09:00:00Z' };
  const property = {
    uprn: CANNED_UPRN,
    councilCode: CANNED_COUNCIL,
    address: { singleLine: '1 Snowy Lane, Reading, RG1 1AA', postcode: 'RG1 1AA' },
    dataSource,
    services: [grey, blue].map((s) => ({ ...s, frequency: { description: 'Every other Tuesday', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' }, subscription: null })),
  };
  const calls: Array<Record<string, unknown> | undefined> = [];
  const execute = async (query: string, variables?: Record<string, unknown>): Promise<GraphResult> => {
    calls.push(variables);
    if (query.includes('BinfoWebCalendar')) {
      return { data: { council, property: { ...property, first: cannedCollections(), second: [] } } };
    }
    if (query.includes('BinfoWebAddress')) {
      return { data: { council, property: { ...property, collections: cannedCollections() } } };
    }
    throw new Error(`The canned graph does not answer: ${query.slice(0, 60)}`);
  };
  return Object.assign(execute, { calls });
}
