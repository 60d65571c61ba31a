// Login CSRF: without this, another site could post *its own* email and password to our sign-in form
// and leave a council officer signed in as someone else, posting disruptions under that name.
//
// The sign-in page sets a short-lived signed cookie and puts the same value in a hidden field (double
// submit). Another site can make a browser post the form, but it cannot read or set our cookie
// (`__Host-`, SameSite=Strict), so the two never match. The signature and issue time make the value
// unforgeable and let it expire; the key is random per process unless one is given, so a restart only
// means a person sees "try again" on a form opened before it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGN_IN_COOKIE = '__Host-binfo-console-sign-in';
export const SIGN_IN_TOKEN_LIFETIME_MS = 60 * 60_000;

const TOKEN_SHAPE = /^([A-Za-z0-9_-]{22})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

export class SignInTokens {
  private readonly key: Buffer;
  private readonly now: () => number;

  constructor(options: { key?: Buffer; now?: () => number } = {}) {
    this.key = options.key ?? randomBytes(32);
    this.now = options.now ?? Date.now;
  }

  /** A fresh value for both the cookie and the form's hidden field. */
  issue(): string {
    const nonce = randomBytes(16).toString('base64url');
    const issuedAt = String(this.now());
    return `${nonce}.${issuedAt}.${this.mac(nonce, issuedAt)}`;
  }

  /** True when the form's value is the cookie's, signed by this key and not expired. */
  matches(cookie: string | null, submitted: string | null): boolean {
    if (!cookie || !submitted) return false;
    const a = Buffer.from(cookie, 'utf8');
    const b = Buffer.from(submitted, 'utf8');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
    const shape = TOKEN_SHAPE.exec(cookie);
    if (!shape) return false;
    const expected = Buffer.from(this.mac(shape[1], shape[2]), 'utf8');
    if (!timingSafeEqual(expected, Buffer.from(shape[3], 'utf8'))) return false;
    const age = this.now() - Number(shape[2]);
    return age >= -60_000 && age <= SIGN_IN_TOKEN_LIFETIME_MS;
  }

  private mac(nonce: string, issuedAt: string): string {
    return createHmac('sha256', this.key).update(`binfo-console-sign-in.${nonce}.${issuedAt}`).digest('base64url');
  }
}
