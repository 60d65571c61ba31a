// Pure functions of the council router: split an `_entities` batch by council, and put the
// councils' answers back together in the order the gateway asked, with error paths re-numbered.
//
// The contract the gateway relies on (executeQueryPlan.ts): `_entities` comes back with exactly as many
// items as representations, in the same order, and error paths ["_entities", i, ...] use the gateway's i.
import { councilCodeOfRepresentation } from '../../contracts/council.js';
import { stableJson } from '../cache/stable-json.js';

export type Representation = Record<string, unknown> & { __typename: string };

export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
  locations?: unknown;
}

/** One council's share of a batch. Identical representations are sent once. */
export interface CouncilBatch {
  councilCode: string;
  /** The distinct representations sent to the council. */
  representations: Representation[];
  /** For each distinct representation, every index it has in the gateway's batch. */
  originalIndexes: number[][];
  /** Each distinct representation as canonical JSON (made once here, reused for the in-flight identity). */
  identities: string[];
}

/** The GSS code in a representation's key (contracts/council.ts), under the router's name for it. */
export const councilCodeOf: (representation: Representation) => string | undefined = councilCodeOfRepresentation;

export interface Partition {
  batches: CouncilBatch[];
  /** Indexes whose representation names no council at all. */
  unroutable: number[];
}

export function partitionByCouncil(representations: readonly Representation[]): Partition {
  const batches = new Map<string, CouncilBatch & { seen: Map<string, number> }>();
  const unroutable: number[] = [];
  representations.forEach((representation, index) => {
    const code = councilCodeOf(representation);
    if (!code) {
      unroutable.push(index);
      return;
    }
    let batch = batches.get(code);
    if (!batch) {
      batch = { councilCode: code, representations: [], originalIndexes: [], identities: [], seen: new Map() };
      batches.set(code, batch);
    }
    const identity = representationIdentity(representation);
    const existing = batch.seen.get(identity);
    if (existing !== undefined) {
      batch.originalIndexes[existing].push(index);
    } else {
      batch.seen.set(identity, batch.representations.length);
      batch.representations.push(representation);
      batch.originalIndexes.push([index]);
      batch.identities.push(identity);
    }
  });
  return {
    batches: [...batches.values()].map(({ seen: _seen, ...batch }) => batch),
    unroutable,
  };
}

/**
 * A representation as canonical JSON (keys sorted), as stableJson makes it. A representation's keys are
 * usually flat and already in order (`__typename`, then `code`, or `councilCode`, `uprn`): then plain
 * JSON.stringify gives the same text, without stableJson's arrays and sort (a national fetch has 361).
 */
export function representationIdentity(representation: Representation): string {
  let previous = '';
  for (const key in representation) {
    const value = representation[key];
    if (!Object.hasOwn(representation, key) || key < previous || (value !== null && typeof value === 'object') || value === undefined) return stableJson(representation);
    previous = key;
  }
  return JSON.stringify(representation);
}

/** What one council answered for its batch, already checked: `entities` has one slot per distinct representation. */
export type CouncilBatchResult =
  | { ok: true; batch: CouncilBatch; entities: unknown[]; errors: GraphQLErrorShape[] }
  | { ok: false; batch: CouncilBatch; error: (originalIndex: number) => GraphQLErrorShape };

export interface MergedEntities {
  entities: unknown[];
  errors: GraphQLErrorShape[];
}

/** Re-assembles the gateway's `_entities` array and re-numbers each error to the gateway's index. */
export function mergeCouncilResults(total: number, results: readonly CouncilBatchResult[]): MergedEntities {
  const entities: unknown[] = new Array(total).fill(null);
  const errors: GraphQLErrorShape[] = [];
  for (const result of results) {
    const { batch } = result;
    if (!result.ok) {
      for (const indexes of batch.originalIndexes) for (const index of indexes) errors.push(result.error(index));
      continue;
    }
    batch.originalIndexes.forEach((indexes, local) => {
      for (const index of indexes) entities[index] = cloneIfShared(result.entities[local], indexes.length);
    });
    for (const error of result.errors) {
      const local = error.path?.[0] === '_entities' && typeof error.path[1] === 'number' ? error.path[1] : undefined;
      const withCouncil = { ...error, extensions: { ...error.extensions, councilCode: batch.councilCode } };
      if (local === undefined || !batch.originalIndexes[local]) {
        errors.push(withCouncil);
        continue;
      }
      for (const index of batch.originalIndexes[local]) {
        errors.push({ ...withCouncil, path: ['_entities', index, ...error.path!.slice(2)] });
      }
    }
  }
  return { entities, errors };
}

/** The gateway merges into entity objects in place, so a shared answer must not be one object twice. */
function cloneIfShared(entity: unknown, uses: number): unknown {
  return uses > 1 ? cloneJson(entity) : entity;
}

/**
 * A deep copy of a checked entity: plain objects, arrays and JSON scalars only (what the projection in
 * entity-selection.ts builds). Several times faster than structuredClone, which serialises and deserialises:
 * 16 identical national queries at once share every council's answer, and each sharer needs its own copy.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as Record<string, unknown>)[key]);
    // An own "__proto__" key stays a key, as JSON.parse and structuredClone keep it.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
