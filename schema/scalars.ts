// Scalar implementations of the standard, shared by every subgraph and by the gateway's input checks.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isIsoDate } from '../domain/dates.js';
import { ErrorCode } from './error-codes.js';

function badDate(value: unknown): GraphQLError {
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  return new GraphQLError(
    `${shown} is not a valid date. Dates are calendar dates written YYYY-MM-DD, for example "2026-04-06".`,
    // The status is for Apollo Server: an input error raised before execution is the client's fault (400).
    { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } },
  );
}

export function parseDateInput(value: unknown): string {
  if (typeof value === 'string' && isIsoDate(value)) return value;
  throw badDate(value);
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'An ISO 8601 calendar date, YYYY-MM-DD, meaning a day in UK local time.',
  serialize: (value) => {
    if (typeof value === 'string' && isIsoDate(value)) return value;
    throw new GraphQLError(`Date cannot represent ${JSON.stringify(value)}`);
  },
  parseValue: parseDateInput,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badDate(ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind);
    return parseDateInput(ast.value);
  },
});

const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A real instant written as the standard's DateTime: ISO 8601 with an offset. */
export function isOffsetDateTime(value: unknown): value is string {
  return typeof value === 'string' && OFFSET_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time with an offset.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string' && OFFSET_DATE_TIME.test(value)) return value;
    throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
  },
  parseValue: (value) => {
    if (isOffsetDateTime(value)) return value;
    throw new GraphQLError(`${JSON.stringify(value)} is not a date-time such as "2026-11-27T14:05:00Z".`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  },
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING && OFFSET_DATE_TIME.test(ast.value)) return ast.value;
    throw new GraphQLError('A DateTime is written like "2026-11-27T14:05:00Z".', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
  },
});
