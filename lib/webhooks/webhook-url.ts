// What an app may register as a webhook URL, and the secret it is given. Both registries (a council's,
// the gateway's national one) use these, so the rules and the secret's shape are the same everywhere.
import { randomBytes } from 'node:crypto';

export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** Why `url` cannot receive webhooks, or null when it can: http(s) only, no credentials in it. */
export function webhookUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > WEBHOOK_URL_MAX_LENGTH) return `url must be an http(s) address of at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  // The URL parser would quietly drop line breaks and tabs, but the stored text keeps them (and an operator's
  // terminal would act on escape codes in it when listing subscriptions).
  if (/[\u0000-\u001f\u007f-\u009f]/.test(url) || url.trim() !== url) return 'url must not contain line breaks, tabs or other control characters, or start or end with a space';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `url ${JSON.stringify(url)} is not an address`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `url must start with https:// or http://, got ${parsed.protocol}`;
  if (parsed.username || parsed.password) return 'url must not carry a user name or password; the signature authenticates us to you';
  return null;
}

/** A new signing secret: 256 random bits. Stored in clear (it must sign) and shown to the app once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
