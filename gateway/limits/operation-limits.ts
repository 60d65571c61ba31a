// How much one client operation may ask of the national graph. Each limit answers a way one request could
// cost far more than it should: a huge document (tokens, body), a deep one (nested parent/children loops),
// a wide one (aliases repeating an expensive field), a long list in an argument (20,000 council codes in a
// 234 KB variable), one that fans out to too many councils (checked as it runs, council-fan-out.ts), and
// one whose estimated cost, councils reached times work asked of each, is too high (before it runs,
// operation-cost.ts).
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../schema/error-codes.js';
import { DEFAULT_MAX_COUNCILS_PER_OPERATION } from './council-fan-out.js';

export interface OperationLimits {
  /** Nesting of fields; introspection (`__schema`, `__type`) is not counted. */
  maxDepth: number;
  /** Aliased fields, counting each use of a fragment. */
  maxAliases: number;
  /** Lexical tokens of the document: the parser stops there. */
  maxTokens: number;
  /** Bytes of an HTTP request body. */
  maxBodyBytes: number;
  /** Distinct councils one operation may make the gateway ask (a national query over all ~361 fits). */
  maxCouncilsPerOperation: number;
  /** Items of any list argument (or input field) not named in `listLengths`, at every level of a nested list. */
  maxListLength: number;
  /**
   * Items of particular list arguments, by schema coordinate (`Type.field(argument:)`, or `Input.field` for
   * an input object's field). Checked for literals and variables alike, before any work.
   */
  listLengths: Readonly<Record<string, number>>;
  /**
   * The most one operation may cost, estimated before execution (limits/operation-cost.ts): the councils it
   * can reach times the work asked of each. A national query asking each council for its services costs
   * about 361; twenty aliased copies of it, 7,220.
   */
  maxOperationCost: number;
}

/**
 * Bounds from the data: one list of council codes may name every council an operation may ask (there are
 * 382 councils, 361 collecting waste); there are 13 service types, so 30 leaves room for new ones; the
 * directory itself answers at most 100 property references at once.
 */
export const DEFAULT_LIST_LENGTHS: Readonly<Record<string, number>> = {
  'Query.councils(codes:)': DEFAULT_MAX_COUNCILS_PER_OPERATION,
  'Property.collections(serviceTypes:)': 30,
  'Query.properties(refs:)': 100,
};

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3000,
  maxBodyBytes: 256 * 1024,
  maxCouncilsPerOperation: DEFAULT_MAX_COUNCILS_PER_OPERATION,
  maxListLength: 100,
  listLengths: DEFAULT_LIST_LENGTHS,
  maxOperationCost: 5000,
};

/** Merges the configured limits over the defaults; a limit that is not a positive integer names itself. */
export function resolveOperationLimits(configured: Partial<OperationLimits> = {}): OperationLimits {
  // Configured list lengths add to the defaults: naming one argument does not unbound the others.
  const limits = { ...DEFAULT_OPERATION_LIMITS, ...configured, listLengths: { ...DEFAULT_LIST_LENGTHS, ...configured.listLengths } };
  const { listLengths, ...numbers } = limits;
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${name} must be a positive whole number; got ${String(value)}`);
  }
  for (const [coordinate, value] of Object.entries(listLengths)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.listLengths["${coordinate}"] must be a positive whole number; got ${String(value)}`);
  }
  return limits;
}

export function operationTooLarge(message: string, limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.OPERATION_TOO_LARGE, limit, http: { status: 400 } } });
}
