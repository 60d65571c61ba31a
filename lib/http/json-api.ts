// The small JSON APIs beside the graph (a council's and the gateway's webhook subscriptions) answer the same
// way: a refusal is `{ "error": { "code", "message" } }` with its status and a sentence saying what to do;
// anything unexpected is logged and answered 500 with a fixed sentence, never the error's own text.
import type { ServerResponse } from 'node:http';
import { EdgeErrorCode, readBody, RequestBodyTooLarge, sendJson } from './apollo-handler.js';

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function methodNotAllowed(allow: string): ApiRefusal {
  return new ApiRefusal(405, 'METHOD_NOT_ALLOWED', `Use ${allow} here.`, { allow });
}

/** The body as text within `limitBytes`, or a 413 refusal saying the limit. */
export async function readBodyWithin(req: Parameters<typeof readBody>[0], limitBytes: number): Promise<string> {
  try {
    return await readBody(req, limitBytes);
  } catch (error) {
    if (error instanceof RequestBodyTooLarge) throw new ApiRefusal(413, EdgeErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than ${limitBytes} bytes.`);
    throw error;
  }
}

export interface JsonApiAnswerOptions {
  /** Maps a domain error (not found, invalid…) to its refusal; null when it is not one. */
  refusalOf?: (error: unknown) => ApiRefusal | null;
  /** The sentence of a 500: what the caller can do to find out what happened. */
  internalMessage: string;
  /** Logs the unexpected error behind a 500. */
  logFailure: (error: unknown) => void;
  headers?: Record<string, string>;
}

/** Runs one request's handler, answering any refusal it throws (or a 500) as JSON. */
export async function answerJsonApi(res: ServerResponse, handle: () => Promise<void>, options: JsonApiAnswerOptions): Promise<void> {
  try {
    await handle();
  } catch (error) {
    const refusal = error instanceof ApiRefusal ? error : (options.refusalOf?.(error) ?? null);
    if (!refusal) options.logFailure(error);
    const shown = refusal ?? new ApiRefusal(500, 'INTERNAL_SERVER_ERROR', options.internalMessage);
    sendJson(res, shown.status, { error: { code: shown.code, message: shown.message } }, { ...options.headers, ...shown.headers });
  }
}
