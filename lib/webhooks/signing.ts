// How a webhook request is signed, and the check an app runs on it. Shared by the council host's
// webhooks and the gateway's national ones: one scheme, so an app verifies both with the same few lines.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = { eventId: 'binfo-event-id', timestamp: 'binfo-timestamp', signature: 'binfo-signature' } as const;

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; the timestamp is whole seconds since the epoch. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What an app runs on each request (copy it; it needs only node:crypto): true when the signature is ours
 * and the timestamp is within `toleranceSeconds` of now, which stops an old request being replayed.
 * Pass the body exactly as received (the raw text, not re-serialised JSON).
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  nowSeconds?: number;
}): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
