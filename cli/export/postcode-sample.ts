// Which postcodes the research snapshot asks each council about. The national graph lists a council's
// properties only by postcode (`Council.properties(postcode:)`) and offers no list of a council's
// postcodes, so the snapshot samples them from the directory's own data, the shipped ONS postcode index:
// N postcodes per council, spread evenly through its sorted postcodes (so not all from one street or one
// collection round), the same N on every run, so a resumed snapshot asks what the first run would have.
// Northern Ireland has no open postcode data: its councils get none, and the snapshot says so.
import { parsePostcode } from '../../contracts/postcode.js';
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';

/** The postcodes to ask a council about; empty when none are known. */
export type PostcodesOf = (councilCode: string) => string[];

/** N postcodes spread evenly through a sorted list: the middle of each of N equal slices. */
export function spreadSample<T>(sorted: readonly T[], count: number): T[] {
  if (count >= sorted.length) return [...sorted];
  return Array.from({ length: count }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / count)]);
}

/**
 * Reads the index once, on first use, grouping its postcodes by council; a council's postcodes are checked
 * and sampled when that council is first asked about, then dropped. Checking all 2.6 million postcodes up
 * front took most of a run that asks about a few councils (15 s on a busy machine); asked about every
 * council, the work is the same as before. `index` is the shipped one unless given (tests).
 */
export function postcodeSampler(perCouncil: number, index?: () => PostcodeIndex): PostcodesOf {
  let unsampled: Map<string, string[]> | undefined;
  const samples = new Map<string, string[]>();
  return (councilCode) => {
    let sample = samples.get(councilCode);
    if (sample) return sample;
    if (!unsampled) {
      unsampled = new Map();
      // entries() yields postcodes sorted by outward, then inward code.
      for (const [postcode, code] of (index ?? PostcodeIndex.load)().entries()) {
        let list = unsampled.get(code);
        if (!list) unsampled.set(code, (list = []));
        list.push(postcode);
      }
    }
    // ONS lists a few non-geographic codes ("NPT 2FB") that the graph refuses as postcodes: left out before
    // sampling, so the sample is the same whichever councils are asked, in whatever order.
    sample = spreadSample((unsampled.get(councilCode) ?? []).filter((postcode) => parsePostcode(postcode).ok), perCouncil);
    unsampled.delete(councilCode);
    samples.set(councilCode, sample);
    return sample;
  };
}
