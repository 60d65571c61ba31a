// The request id: the client's `x-request-id` when it is a sensible token, else a new UUID. It is echoed in
// the response, written on every log line, and sent to each council the request reaches.
import { randomUUID } from 'node:crypto';

/** Letters, digits and `._:-`, at most 128: safe in a header and a log line, whatever a client sends. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE.test(value) ? value : randomUUID();
}
