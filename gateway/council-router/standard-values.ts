// What a value of each scalar of the standard must look like in a council's answer. A council's JSON is
// checked here rather than trusted: a wrong-typed leaf would otherwise reach clients (or be silently nulled
// by the gateway with no error naming the council).
import { isIsoDate } from '../../domain/dates.js';
import { isOffsetDateTime } from '../../schema/scalars.js';
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Undefined when `value` is a valid `scalar`; otherwise what it should have been, e.g. "a String". */
export function scalarProblem(scalar: string, value: unknown): string | undefined {
  switch (scalar) {
    case 'String':
      return typeof value === 'string' ? undefined : 'a String';
    case 'ID':
      return typeof value === 'string' || Number.isSafeInteger(value) ? undefined : 'an ID';
    case 'Int':
      return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX ? undefined : 'an Int';
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a Float';
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'a Boolean';
    case 'Date':
      return isIsoDate(value) ? undefined : 'a Date (YYYY-MM-DD)';
    case 'DateTime':
      return isOffsetDateTime(value) ? undefined : 'a DateTime';
    default:
      // A scalar this check does not know yet: at least a plain JSON value, never an object a council made up.
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? undefined : `a ${scalar}`;
  }
}
