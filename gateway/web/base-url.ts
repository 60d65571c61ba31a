// The public origin of this server, for the absolute links a calendar app needs (webcal:// and https://).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Taken from the request: the Host header, and X-Forwarded-Proto when a TLS-terminating proxy is in
 * front. Only pages that are never shared-cached show these links, and a malformed Host falls back to
 * localhost, so a forged header cannot reach anyone but its sender. Deployments that know their public
 * URL pass `publicBaseUrl` instead.
 */
export function publicBaseUrlFromRequest(req: IncomingMessage): string {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
  const encrypted = Boolean((req.socket as Partial<TLSSocket>).encrypted);
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : 'localhost';
  return `${proto}://${host}`;
}

/** The same address for calendar apps: webcal:// asks the system to subscribe rather than download. */
export function webcalUrl(httpUrl: string): string {
  return httpUrl.replace(/^https?:/, 'webcal:');
}
