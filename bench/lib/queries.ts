// The operations the benchmarks send, and the checks that make a wrong answer count as a failure.
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';
import { postJson } from './load.js';

export const BIN_DAY_QUERY = `query BinDay($p: String!) { postcode(code: $p) { postcode councils { code name
  properties(postcode: $p) { uprn address { singleLine } nextCollections { date status service { name type } } } } } }`;
const DIRECTORY_QUERY = `query($p: String!) { postcode(code: $p) { postcode councils { code name } } }`;
const COUNCIL_QUERY = `query($r: [_Any!]!, $p: String!) { _entities(representations: $r) { ... on Council {
  properties(postcode: $p) { uprn address { singleLine } nextCollections { date status service { name type } } } } } }`;
export const NATIONAL_QUERY = '{ councils(collectsWaste: true) { code services { type } } }';

export interface Answer {
  error: string | null;
  data?: unknown;
}

/** Postcodes spread over Great Britain (every nth of the index), so the cold path is not one hot key. */
export function spreadPostcodes(count: number): string[] {
  const all = [...PostcodeIndex.load().entries()].filter(([, code]) => /^[ESW]\d{8}$/.test(code));
  const step = Math.floor(all.length / count);
  return Array.from({ length: count }, (_, i) => all[i * step][0]);
}

export async function binDayViaGateway(url: string, postcode: string): Promise<Answer> {
  const { status, text } = await postJson(url, JSON.stringify({ query: BIN_DAY_QUERY, variables: { p: postcode } }));
  const body = JSON.parse(text);
  if (status !== 200 || body.errors) return { error: `gateway ${status}: ${text.slice(0, 200)}` };
  if (body.data.postcode && !body.data.postcode.councils[0]?.properties?.length) return { error: `no properties for ${postcode}` };
  return { error: null, data: body.data };
}

/**
 * The same answer fetched straight from the directory and each council's own subgraph by the same client:
 * what an app would do without the gateway. Councils of one postcode are asked in parallel, as the gateway
 * asks them (one request each), so the comparison is of the gateway's overhead, not of its parallelism.
 */
export async function binDayDirect(directoryUrl: string, councilUrl: (code: string) => string, postcode: string): Promise<Answer> {
  const first = await postJson(directoryUrl, JSON.stringify({ query: DIRECTORY_QUERY, variables: { p: postcode } }));
  const lookup = JSON.parse(first.text);
  if (first.status !== 200 || lookup.errors) return { error: `directory ${first.status}: ${first.text.slice(0, 200)}` };
  if (!lookup.data.postcode) return { error: null, data: lookup.data };
  const answers = await Promise.all(
    (lookup.data.postcode.councils as Array<{ code: string; name: string }>).map(async (council) => {
      const second = await postJson(councilUrl(council.code), JSON.stringify({ query: COUNCIL_QUERY, variables: { r: [{ __typename: 'Council', code: council.code }], p: postcode } }));
      const answer = JSON.parse(second.text);
      if (second.status !== 200 || answer.errors) return { error: `council ${second.status}: ${second.text.slice(0, 200)}` };
      return { error: null, council: { ...council, properties: answer.data._entities[0].properties } };
    }),
  );
  const failed = answers.find((a) => a.error);
  if (failed) return { error: failed.error };
  const councils = answers.map((a) => a.council);
  if (!councils[0]?.properties?.length) return { error: `no properties for ${postcode}` };
  return { error: null, data: { postcode: { postcode: lookup.data.postcode.postcode, councils } } };
}

/** Checks a national fan-out answer: every waste-collecting council, each with its services, no errors. */
export function checkNational(status: number, text: string): string | null {
  const answer = JSON.parse(text);
  const councils = answer.data?.councils ?? [];
  if (status !== 200 || answer.errors || councils.length < 350 || councils.some((c: { services: unknown[] | null }) => !c.services?.length)) {
    return `national ${status}: ${text.slice(0, 200)}`;
  }
  return null;
}
