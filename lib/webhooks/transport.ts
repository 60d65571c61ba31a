// How a delivery reaches the app: an injected function, so the deliverer is tested without sockets.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Sends one request; resolves with the HTTP status, rejects when no answer came (refused, timed out…). */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number }>;

/**
 * Which addresses webhooks may be sent to. `any` (development: a receiver on 127.0.0.1 works); `public`
 * (production: an app registering a URL must not make the service POST to its own loopback, private network
 * or cloud metadata address). Checked on the address actually connected to, after DNS, so a name that
 * resolves to a private address (or changes to one later) is refused too.
 */
export type WebhookTargets = 'any' | 'public';

/** Thrown (as the attempt's error, kept in the delivery log) when a URL leads to an address not allowed. */
export class WebhookTargetRefused extends Error {
  constructor(address: string) {
    super(`Refused to deliver to ${address}: webhooks go to public internet addresses only (BINFO_WEBHOOK_TARGETS=public).`);
    this.name = 'WebhookTargetRefused';
  }
}

// Loopback, private, link-local (incl. cloud metadata 169.254.169.254), carrier-grade NAT, "this network",
// multicast and reserved ranges, for IPv4, IPv6 and IPv4-mapped IPv6.
const NOT_PUBLIC = new BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(prefix, bits, 'ipv4');
// (No ::ffff:0:0/96 rule: BlockList would then match every IPv4 address; mapped addresses are unwrapped below.)
for (const [prefix, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  NOT_PUBLIC.addSubnet(prefix, bits, 'ipv6');
}

/** True for an address an app's webhook may reach under `public`. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mappedIpv4 = family === 6 ? ipv4MappedIn(address) : null;
  if (mappedIpv4) return isPublicAddress(mappedIpv4);
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 one, written dotted (::ffff:127.0.0.1) or as URLs write it (::ffff:7f00:1). */
function ipv4MappedIn(address: string): string | null {
  const match = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(.+)$/i.exec(address);
  if (!match) return null;
  if (isIP(match[1]) === 4) return match[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(match[1]);
  if (!hex) return null;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** dns.lookup, refusing any answer that is not a public address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) return callback(new WebhookTargetRefused(refused.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** An HTTP transport: no redirects followed (we deliver to the registered URL only), aborted after `timeoutMs`. */
export function httpWebhookTransport(options: { targets: WebhookTargets }): WebhookTransport {
  const dispatcher = options.targets === 'public' ? new Agent({ connect: { lookup: publicOnlyLookup } }) : undefined;
  return async ({ url, headers, body, timeoutMs }) => {
    if (options.targets === 'public') {
      // An address written in the URL is connected to without a lookup: check it here.
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !isPublicAddress(host)) throw new WebhookTargetRefused(host);
    }
    // Aborted when we stop reading the answer, not only at the timeout: a connection with unread answer left in
    // it is then closed, never handed to the next delivery (which would wait behind the rest of that answer).
    const done = new AbortController();
    const response = await undiciFetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([done.signal, AbortSignal.timeout(timeoutMs)]), dispatcher });
    const readToEnd = await discardBody(response.body);
    if (!readToEnd) done.abort();
    return { status: response.status };
  };
}

/** A receiver's answer is read and dropped up to this much (so its connection can be reused), then cut off. */
export const MAX_DISCARDED_ANSWER_BYTES = 64 * 1024;

/**
 * Reads the answer's body and keeps none of it. Not `arrayBuffer()`: a receiver answering with an endless body
 * grew the sender's memory by ~290 MB in 2 s on loopback, until the timeout (10 s by default) stopped it. True when
 * the whole answer was read (the connection may then be reused).
 */
async function discardBody(body: AsyncIterable<Uint8Array> | null): Promise<boolean> {
  if (!body) return true;
  let bytes = 0;
  try {
    for await (const chunk of body) if ((bytes += chunk.byteLength) > MAX_DISCARDED_ANSWER_BYTES) return false;
    return true;
  } catch {
    /* an answer cut short (timeout, reset) still had its status */
    return false;
  }
}

/** The development default: any address, so a receiver on 127.0.0.1 works. */
export const fetchTransport: WebhookTransport = httpWebhookTransport({ targets: 'any' });
