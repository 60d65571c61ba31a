// Response helpers for the web routes: security headers on every answer, HEAD handled like GET,
// strong ETags and conditional GETs for the cacheable responses.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SafeHtml } from './html.js';

/**
 * No scripts at all (default-src 'none' covers script-src), styles, images and fonts only from this
 * origin, forms only to this origin, never framed. The pages work entirely without JavaScript.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Page URLs hold a postcode or an address: do not pass them on to the council sites we link to.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export type Headers = Record<string, string | number>;

export function send(req: IncomingMessage, res: ServerResponse, status: number, body: string | Buffer, headers: Headers): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export function sendHtml(req: IncomingMessage, res: ServerResponse, status: number, page: SafeHtml, headers: Headers = {}): void {
  // Answers depend on live council data and are about one address: not for shared caches.
  send(req, res, status, page.value, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', ...headers });
}

export function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, headers: Headers = {}): void {
  send(req, res, status, text, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
}

export function redirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  // 303: the answer to a GET form is a different resource, fetched with GET.
  send(req, res, 303, '', { location, 'cache-control': 'no-store' });
}

/** GET and HEAD only: every web route is read-only. Answers 405 and returns false otherwise. */
export function allowReadOnly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  sendText(req, res, 405, 'Only GET and HEAD are allowed here.\n', { allow: 'GET, HEAD' });
  return false;
}

/** A strong validator: the hash of the exact bytes sent. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** True when the client already holds this version (If-None-Match, weak comparison as RFC 9110 asks for GET). */
export function clientHasCurrent(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/** Sends a cacheable body with its ETag, or 304 Not Modified when the client's copy is current. */
export function sendCacheable(req: IncomingMessage, res: ServerResponse, body: string | Buffer, headers: Headers): void {
  const etag = etagOf(body);
  if (clientHasCurrent(req, etag)) {
    const { 'content-type': _type, 'content-disposition': _disposition, ...rest } = headers;
    res.writeHead(304, { ...SECURITY_HEADERS, ...rest, etag });
    res.end();
    return;
  }
  send(req, res, 200, body, { ...headers, etag });
}
