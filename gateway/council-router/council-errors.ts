// What a council's errors become in the national answer. A council's errors are never passed through: a
// council could otherwise write anything into the national answer (its own COUNCIL_UNAVAILABLE with a
// `fallbackUrl` of its choosing, arbitrary extensions, internal names). Each error is mapped onto the
// standard's codes, the fallback link always comes from the registry, and extensions are rebuilt.
//
// The one message a council wrote that clients see is a BAD_USER_INPUT on a field: the standard tells
// councils to refuse bad input with that code and a sentence for the person who sent it (rule 3, 4 of
// schema/README.md). Even then the sentence is cut short, on one line, with no links.
import { ErrorCode } from '../../schema/error-codes.js';
import type { GraphQLErrorShape } from './partition.js';

export interface CouncilIdentity {
  code: string;
  name: string;
  /** From the registry: the council's bin-day page, else its homepage. */
  fallbackUrl: string;
}

export type CouncilErrorsResult =
  | { ok: true; errors: GraphQLErrorShape[]; generalError: boolean; clientErrors: number }
  | { ok: false; problem: string };

const MAX_COUNCIL_ERRORS = 100;
const MAX_MESSAGE_CHARS = 200;

/**
 * Maps the `errors` of a council's answer for `sent` representations. Paths are kept only when they point
 * into `_entities` within what was sent; malformed errors make the whole answer invalid.
 */
export function mapCouncilErrors(raw: unknown, sent: number, council: CouncilIdentity): CouncilErrorsResult {
  if (raw === undefined || raw === null) return { ok: true, errors: [], generalError: false, clientErrors: 0 };
  if (!Array.isArray(raw)) return { ok: false, problem: 'its "errors" is not a list' };
  const errors: GraphQLErrorShape[] = [];
  let generalError = false;
  let clientErrors = 0;
  const failedEntities = new Set<number>();
  for (const error of raw.slice(0, MAX_COUNCIL_ERRORS)) {
    if (error === null || typeof error !== 'object' || typeof (error as { message?: unknown }).message !== 'string') {
      return { ok: false, problem: 'it sent an error that is not a GraphQL error (an object with a message)' };
    }
    const { path, extensions } = error as { path?: unknown; extensions?: unknown };
    const entityPath = entityPathOf(path, sent);
    const code = extensions !== null && typeof extensions === 'object' ? (extensions as { code?: unknown }).code : undefined;
    if (code === ErrorCode.BAD_USER_INPUT && entityPath) {
      clientErrors++;
      errors.push({ message: plainSentence((error as { message: string }).message), path: entityPath, extensions: { code: ErrorCode.BAD_USER_INPUT, councilCode: council.code } });
      continue;
    }
    if (!entityPath) {
      // An error about the whole answer: one is enough, whatever the council sent.
      if (!generalError) errors.push(partialFailure(council, undefined));
      generalError = true;
      continue;
    }
    // One error per failed entity: a council that fails a field on every item of a long list says it once.
    const entity = entityPath[1] as number;
    if (failedEntities.has(entity)) continue;
    failedEntities.add(entity);
    errors.push(partialFailure(council, entityPath));
  }
  return { ok: true, errors, generalError, clientErrors };
}

function entityPathOf(path: unknown, sent: number): Array<string | number> | undefined {
  if (!Array.isArray(path) || path[0] !== '_entities') return undefined;
  const index = path[1];
  if (!Number.isInteger(index) || index < 0 || index >= sent) return undefined;
  const rest = path.slice(2, 34);
  if (!rest.every((part) => (typeof part === 'string' && part.length <= 100) || Number.isInteger(part))) return ['_entities', index];
  return ['_entities', index, ...rest];
}

function partialFailure(council: CouncilIdentity, path: Array<string | number> | undefined): GraphQLErrorShape {
  return {
    message: `${council.name}'s bin-collection service could not answer part of this request. Check ${council.fallbackUrl}`,
    path,
    extensions: { code: ErrorCode.COUNCIL_UNAVAILABLE, councilCode: council.code, fallbackUrl: council.fallbackUrl },
  };
}

/** A council's sentence as clients may see it: one line, no links, not too long. */
function plainSentence(message: string): string {
  const plain = message
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b(?:https?|ftp|javascript|data):\S*/gi, '[link removed]')
    .replace(/\bwww\.\S+/gi, '[link removed]')
    .trim();
  const text = plain.length > MAX_MESSAGE_CHARS ? `${plain.slice(0, MAX_MESSAGE_CHARS - 1)}…` : plain;
  return text || 'The council refused a value in this request.';
}
