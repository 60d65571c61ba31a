// The directory subgraph: the council registry and the postcode lookup, the root of the national graph.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../../schema/error-codes.js';
import type { CouncilRecord } from '../../contracts/council.js';
import { parsePostcode } from '../../contracts/postcode.js';
import type { CouncilRegistry } from './council-registry.js';
import type { PostcodeIndex } from './postcode-index.js';
import { projectPath } from '../../lib/project-path.js';

const DIRECTORY_SDL = readFileSync(projectPath('schema', 'directory.graphql'), 'utf8');

/** ONS pseudo "council" codes for the Channel Islands and the Isle of Man. */
const CROWN_DEPENDENCY_CODES = new Set(['L99999999', 'M99999999']);

export const NORTHERN_IRELAND_NOTICE =
  'Northern Ireland (BT) postcodes cannot be looked up: there is no open postcode-to-council data for them. ' +
  "Find your council with councils(nation: NORTHERN_IRELAND) or at www.nidirect.gov.uk.";
export const CROWN_DEPENDENCY_NOTICE =
  'This postcode is in the Channel Islands or the Isle of Man, which are not part of the UK\'s councils; contact the island\'s own government.';

export interface DirectoryData {
  councils: CouncilRegistry;
  postcodes: PostcodeIndex;
}

interface PostcodeLookupView {
  postcode: string;
  coverage: 'COVERED' | 'NORTHERN_IRELAND_NOT_COVERED' | 'CROWN_DEPENDENCY_NOT_COVERED';
  councils: CouncilRecord[];
  notice: string | null;
}

export function lookupPostcode(data: DirectoryData, input: string): PostcodeLookupView | null {
  const parsed = parsePostcode(input);
  if (!parsed.ok) throw new GraphQLError(parsed.message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
  if (parsed.area === 'BT') {
    return { postcode: parsed.postcode, coverage: 'NORTHERN_IRELAND_NOT_COVERED', councils: [], notice: NORTHERN_IRELAND_NOTICE };
  }
  const code = data.postcodes.lookup(parsed.postcode);
  if (code === undefined) return null;
  if (CROWN_DEPENDENCY_CODES.has(code)) {
    return { postcode: parsed.postcode, coverage: 'CROWN_DEPENDENCY_NOT_COVERED', councils: [], notice: CROWN_DEPENDENCY_NOTICE };
  }
  const council = data.councils.get(code);
  // The index is derived from the same registry, so a miss is a data bug: say so rather than guess.
  if (!council) throw new Error(`Postcode ${parsed.postcode} maps to ${code}, which is not in the council registry`);
  return { postcode: parsed.postcode, coverage: 'COVERED', councils: [council], notice: null };
}

const MAX_PROPERTY_REFS = 100;

interface PropertyRef {
  councilCode: string;
  uprn: string;
}

interface CouncilsArgs {
  codes?: string[] | null;
  nation?: CouncilRecord['nation'] | null;
  tier?: CouncilRecord['tier'] | null;
  collectsWaste?: boolean | null;
}

export function directorySubgraphSchema(data: DirectoryData): GraphQLSchema {
  const { councils } = data;
  // Only a council that collects waste can own a property; the council itself says whether the UPRN exists.
  const propertyReference = (ref: PropertyRef) => {
    const council = councils.get(ref.councilCode.trim().toUpperCase());
    return council?.collectsWaste ? { councilCode: council.code, uprn: ref.uprn.trim() } : null;
  };
  const resolvers = {
    Query: {
      postcode: (_: unknown, args: { code: string }) => lookupPostcode(data, args.code),
      council: (_: unknown, args: { code: string }) => councils.get(args.code.trim().toUpperCase()) ?? null,
      councils: (_: unknown, args: CouncilsArgs) => {
        const filtered = councils.filter({ nation: args.nation ?? undefined, tier: args.tier ?? undefined, collectsWaste: args.collectsWaste ?? undefined });
        if (!args.codes) return filtered;
        const wanted = new Set(filtered);
        return args.codes.map((code) => councils.get(code.trim().toUpperCase())).filter((c): c is CouncilRecord => c !== undefined && wanted.has(c));
      },
      property: (_: unknown, args: PropertyRef) => propertyReference(args),
      properties: (_: unknown, args: { refs: PropertyRef[] }) => {
        if (args.refs.length > MAX_PROPERTY_REFS) {
          throw new GraphQLError(`Ask for at most ${MAX_PROPERTY_REFS} properties at once (asked for ${args.refs.length}).`, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
        }
        return args.refs.map(propertyReference);
      },
    },
    Disruption: {
      __resolveReference: (ref: { councilCode: string; id: string }) => ref,
      council: (ref: { councilCode: string }) => councils.get(ref.councilCode) ?? null,
    },
    Council: {
      // A copy: the registry's records are frozen, and @apollo/subgraph adds `__typename` to what this returns.
      __resolveReference: (ref: { code: string }) => {
        const council = councils.get(ref.code);
        return council ? { ...council } : null;
      },
      parent: (council: CouncilRecord) => (council.parentCode ? councils.get(council.parentCode) ?? null : null),
      children: (council: CouncilRecord) => councils.children(council.code),
    },
  };
  return buildSubgraphSchema({ typeDefs: parse(DIRECTORY_SDL), resolvers: resolvers as never });
}
