// How much one client operation may ask of the national graph. Each limit answers a way one request could
// cost far more than it should: a huge document (tokens, body), a deep one (nested parent/children loops),
// a wide one (aliases repeating an expensive field), and one that fans out to too many councils.
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
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3000,
  maxBodyBytes: 256 * 1024,
  maxCouncilsPerOperation: DEFAULT_MAX_COUNCILS_PER_OPERATION,
};

/** Merges the configured limits over the defaults; a limit that is not a positive integer names itself. */
export function resolveOperationLimits(configured: Partial<OperationLimits> = {}): OperationLimits {
  const limits = { ...DEFAULT_OPERATION_LIMITS, ...configured };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${name} must be a positive whole number; got ${String(value)}`);
  }
  return limits;
}

export function operationTooLarge(message: string, limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.OPERATION_TOO_LARGE, limit, http: { status: 400 } } });
}
