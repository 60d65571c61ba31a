// HTML forms (application/x-www-form-urlencoded POSTs) for the server-rendered pages: the console's
// sign-in and posting steps work without JavaScript, so every action is a plain form.
import type { IncomingMessage } from 'node:http';
import { readBody, RequestBodyTooLarge } from '../http/apollo-handler.js';

/** A form is a few fields of text: far below this. */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;

export type FormRead = { fields: URLSearchParams } | { problem: { status: 413 | 415; message: string } };

/** Reads a urlencoded form body within the limit; anything else is refused with a sentence a person understands. */
export async function readForm(req: IncomingMessage, limitBytes = FORM_BODY_LIMIT_BYTES): Promise<FormRead> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    return { problem: { status: 415, message: 'Send this form from the page (application/x-www-form-urlencoded).' } };
  }
  try {
    return { fields: new URLSearchParams(await readBody(req, limitBytes)) };
  } catch (error) {
    if (error instanceof RequestBodyTooLarge) return { problem: { status: 413, message: 'The form is larger than this page accepts.' } };
    throw error;
  }
}

/** One field as trimmed text ('' when absent); repeated fields keep the first. */
export function field(fields: URLSearchParams, name: string): string {
  return (fields.get(name) ?? '').trim();
}
