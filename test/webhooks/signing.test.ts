// The signing scheme and the backoff schedule every Binfo webhook uses (lib/webhooks/), council or national.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-path.js';
import { retryDelayMs } from '../../lib/webhooks/deliverer.js';
import { signWebhook, verifyWebhookSignature } from '../../lib/webhooks/signing.js';
import { webhookUrlProblem } from '../../lib/webhooks/webhook-url.js';

const HOUR = 60 * 60_000;

describe('signing', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, and the documented verifier accepts exactly that', () => {
    const body = '{"id":"e1"}';
    const signature = signWebhook('whsec_x', 1_764_547_200, body);
    expect(signature).toBe(`v1=${createHmac('sha256', 'whsec_x').update(`1764547200.${body}`).digest('hex')}`);
    const ok = { secret: 'whsec_x', body, timestamp: '1764547200', signature, nowSeconds: 1_764_547_200 + 60 };
    expect(verifyWebhookSignature(ok)).toBe(true);
    expect(verifyWebhookSignature({ ...ok, body: '{"id":"e2"}' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, secret: 'whsec_y' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, timestamp: '1764547201' })).toBe(false);
    // A genuine request replayed ten minutes later is refused.
    expect(verifyWebhookSignature({ ...ok, nowSeconds: 1_764_547_200 + 600 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, signature: undefined })).toBe(false);
  });
});

describe("the README's verifier for app developers", () => {
  /** The README's snippet itself, run as an app would paste it (its import supplied). */
  function readmeVerify(): (secret: string, headers: Record<string, string>, rawBody: string) => boolean {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    const snippet = /```js\n(import \{ createHmac, timingSafeEqual \} from 'node:crypto';\n\nfunction verify[\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'the README has a verify snippet').toBeTruthy();
    const body = snippet!.replace(/^import .*$/m, '');
    return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verify;`)(createHmac, timingSafeEqual);
  }

  it('accepts what Binfo signs and refuses a changed body, another secret or an old timestamp', () => {
    const verify = readmeVerify();
    const body = '{"id":"evt-1","type":"disruption.published"}';
    const now = Math.floor(Date.now() / 1000);
    const headers = { 'binfo-timestamp': String(now), 'binfo-signature': signWebhook('whsec_app', now, body) };
    expect(verify('whsec_app', headers, body)).toBe(true);
    expect(verify('whsec_app', headers, body.replace('evt-1', 'evt-2'))).toBe(false);
    expect(verify('whsec_other', headers, body)).toBe(false);
    const old = now - 600;
    expect(verify('whsec_app', { 'binfo-timestamp': String(old), 'binfo-signature': signWebhook('whsec_app', old, body) }, body)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, stops at the cap, and jitters between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000, HOUR, () => 0.5))).toEqual([7_500, 15_000, 30_000, 60_000]);
    expect(retryDelayMs(1, 10_000, HOUR, () => 0)).toBe(5_000);
    expect(retryDelayMs(30, 10_000, HOUR, () => 0.5)).toBe(0.75 * HOUR);
    expect(retryDelayMs(500, 10_000, HOUR, () => 0)).toBe(HOUR / 2);
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['https://app.example/hook', null],
    ['http://127.0.0.1:8080/hook', null],
    ['ftp://app.example/hook', /https:\/\/ or http:\/\//],
    ['https://user:pw@app.example/hook', /user name or password/],
    ['not a url', /not an address/],
    [`https://app.example/${'a'.repeat(2000)}`, /at most 2000/],
    [42, /http\(s\) address/],
  ])('%s → %s', (url, expected) => {
    const problem = webhookUrlProblem(url);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
