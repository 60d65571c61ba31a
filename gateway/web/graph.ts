// The GraphQL operations the web routes run against the national graph, the shapes of their answers,
// and how a council's failure is read out of the errors. The web layer is a client of the graph like any
// other: it sees exactly what a third-party front end would.
import { ErrorCode } from '../../schema/error-codes.js';
import { externalUrl } from '../../lib/web/html.js';

export interface GraphError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export interface GraphResult {
  data?: any;
  errors?: GraphError[];
}

/** Runs one operation against the national graph (in the gateway: `apollo.executeOperation`). */
export type ExecuteGraphQL = (query: string, variables?: Record<string, unknown>) => Promise<GraphResult>;

export interface GraphDataSource {
  kind: string;
  notice: string | null;
  stale?: boolean;
  updatedAt?: string | null;
}

export interface GraphContainer {
  name: string;
  colour: string | null;
  kind: string;
}

export interface GraphService {
  id: string;
  name: string;
  type: string;
  containers: GraphContainer[];
  frequency?: { description: string; rrule?: string | null } | null;
  subscription?: { required: boolean; description: string; url: string | null } | null;
}

export interface GraphCollection {
  date: string;
  status: string;
  originalDate: string | null;
  changeReason: string | null;
  note: string | null;
  service: GraphService;
  disruption: { id: string; title: string; message: string | null; url: string | null; updatedAt?: string | null } | null;
}

export interface GraphDisruption {
  id: string;
  title: string;
  reason: string;
  message: string | null;
  area: string;
  effect: string;
  delayDays: number | null;
  startsOn: string;
  endsOn: string | null;
  url: string | null;
  updatedAt?: string | null;
}

export interface GraphPostcodeCouncil {
  code: string;
  name: string;
  binDayUrl: string | null;
  website: string | null;
  dataSource: GraphDataSource | null;
  /** Null when the council could not answer (see the errors). */
  properties: Array<{ uprn: string; councilCode: string; address: { singleLine: string } | null }> | null;
}

export interface GraphPostcodeLookup {
  postcode: string;
  coverage: string;
  notice: string | null;
  councils: GraphPostcodeCouncil[] | null;
}

const COLLECTION_FIELDS = `
  fragment BinfoWebCollection on Collection {
    date status originalDate changeReason note
    service { id name type containers { name colour kind } }
    disruption { id title message url updatedAt }
  }`;

export const POSTCODE_QUERY = `
  query BinfoWebPostcode($postcode: String!) {
    postcode(code: $postcode) {
      postcode coverage notice
      councils {
        code name binDayUrl website
        dataSource { kind notice }
        properties(postcode: $postcode) { uprn councilCode address { singleLine } }
      }
    }
  }`;

/** The councils of a nation that collect bins, for a postcode the directory cannot place (Northern Ireland). */
export const NATION_COUNCILS_QUERY = `
  query BinfoWebNationCouncils($nation: Nation!) {
    councils(nation: $nation, collectsWaste: true) { code name binDayUrl website }
  }`;

export interface GraphNationCouncil {
  code: string;
  name: string;
  binDayUrl: string | null;
  website: string;
}

export const ADDRESS_QUERY = `
  query BinfoWebAddress($council: ID!, $uprn: ID!, $from: Date!, $to: Date!, $holidaysFrom: Date!) {
    council(code: $council) {
      code name binDayUrl website
      disruptions { id title reason message area effect delayDays startsOn endsOn url updatedAt }
      upcomingBankHolidays(from: $holidaysFrom, days: 70) { date title }
    }
    property(councilCode: $council, uprn: $uprn) {
      uprn councilCode
      address { singleLine postcode }
      dataSource { kind notice stale updatedAt }
      services {
        id name type
        containers { name colour kind }
        frequency { description rrule }
        subscription { required description url }
      }
      collections(from: $from, to: $to) { ...BinfoWebCollection }
    }
  }
  ${COLLECTION_FIELDS}`;

/**
 * The calendar's range is longer than the 366 days one `collections` call may span, so the operation
 * asks for it in two aliased parts (`first`, `second`) that the caller stitches together.
 */
export const CALENDAR_QUERY = `
  query BinfoWebCalendar($council: ID!, $uprn: ID!, $from1: Date!, $to1: Date!, $from2: Date!, $to2: Date!) {
    council(code: $council) { code name binDayUrl website upcomingBankHolidays(from: $from1, days: 400) { date title } }
    property(councilCode: $council, uprn: $uprn) {
      uprn councilCode
      address { singleLine }
      dataSource { kind notice stale updatedAt }
      first: collections(from: $from1, to: $to1) { ...BinfoWebCollection }
      second: collections(from: $from2, to: $to2) { ...BinfoWebCollection }
    }
  }
  ${COLLECTION_FIELDS}`;

/** GSS codes: a letter and eight digits (E06000038). */
export const COUNCIL_CODE = /^[A-Z]\d{8}$/;
/** UPRNs are positive integers of at most 12 digits. */
export const UPRN = /^\d{1,12}$/;

export interface CouncilFailure {
  code: typeof ErrorCode.COUNCIL_UNAVAILABLE | typeof ErrorCode.COUNCIL_NOT_CONNECTED;
  councilCode: string | null;
  /** The council's own bin-day page (else its homepage), for residents to look there instead. */
  fallbackUrl: string | null;
  message: string;
}

/** The first error saying a council could not answer (down, timed out, or not connected), if any. */
export function councilFailure(errors: readonly GraphError[] | undefined): CouncilFailure | null {
  for (const error of errors ?? []) {
    const code = error.extensions?.code;
    if (code === ErrorCode.COUNCIL_UNAVAILABLE || code === ErrorCode.COUNCIL_NOT_CONNECTED) {
      const councilCode = error.extensions?.councilCode;
      return {
        code,
        councilCode: typeof councilCode === 'string' ? councilCode : null,
        fallbackUrl: externalUrl(error.extensions?.fallbackUrl),
        message: error.message,
      };
    }
  }
  return null;
}

/** The first BAD_USER_INPUT error: its message is written for people ("… is not a valid UK postcode"). */
export function badUserInput(errors: readonly GraphError[] | undefined): GraphError | null {
  return errors?.find((e) => e.extensions?.code === ErrorCode.BAD_USER_INPUT) ?? null;
}

/** Thrown when the graph answers in a way the web layer cannot show (an internal error, no data). */
export class GraphAnswerError extends Error {
  constructor(readonly errors: readonly GraphError[] | undefined) {
    super(`The national graph could not answer: ${(errors ?? []).map((e) => e.message).join('; ') || 'no data'}`);
  }
}
