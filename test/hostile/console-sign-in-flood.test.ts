// A flood of sign-in POSTs: each is a memory-hard scrypt on libuv's 4-thread pool. Measured before the bound
// (default cost, 60 at once, on this shared 2-core machine): 42 s of queued hashing, and a real person's
// sign-in waited behind it. Now at most `maxInFlight` run and `maxWaiting` wait; the rest are answered 429
// with Retry-After and a sentence, at once, and the host keeps answering GraphQL and real sign-ins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordCheckGate } from '../../subgraphs/council/console/auth/password-checks.js';
import { Browser, hiddenCsrf, READING, startHostileHost, type HostileHost } from './console-host.js';

describe('PasswordCheckGate', () => {
  const deferred = () => {
    let resolve!: (value: string) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('runs at most maxInFlight at once, queues maxWaiting in order, and refuses the rest without running them', async () => {
    const gate = new PasswordCheckGate({ maxInFlight: 2, maxWaiting: 1 });
    const checks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const run = (i: number) => gate.run(() => (started.push(i), checks[i].promise));
    const first = run(0);
    const second = run(1);
    const third = run(2);
    expect(run(3)).toBeNull();
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.load()).toEqual({ running: 2, waiting: 1 });
    // A failed check frees its slot too; the waiting one takes it before any newcomer.
    checks[0].reject(new Error('scrypt failed'));
    await expect(first).rejects.toThrow('scrypt failed');
    expect(gate.run(() => Promise.resolve('newcomer'))).not.toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    checks[1].resolve('one');
    checks[2].resolve('two');
    expect(await second).toBe('one');
    expect(await third).toBe('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(gate.load()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('a flood of sign-in POSTs on a real council host', () => {
  let host: HostileHost;

  beforeAll(async () => {
    // A real scrypt cost (16 MiB each), and a small bound so a few dozen requests overflow it.
    host = await startHostileHost({ consoleAuth: { passwordCost: { logN: 14, r: 8, p: 1 }, passwordChecks: { maxInFlight: 1, maxWaiting: 2 } } });
    await host.running.consoleAuth.accounts.create({ councilCode: READING, email: 'ann@reading.gov.uk', name: 'Ann', roles: ['editor'], password: 'correct horse battery staple' });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('answers the overflow 429 with Retry-After and a sentence, keeps answering GraphQL, and lets a person sign in after', async () => {
    const FLOOD = 30;
    // Every form first, so the POSTs arrive together.
    const forms = await Promise.all(
      Array.from({ length: FLOOD }, async (_, i) => {
        const browser = new Browser(host.base);
        const form = await browser.get('/console/sign-in');
        return { browser, body: new URLSearchParams({ csrf: hiddenCsrf(form.html)!, email: `guess${i}@reading.gov.uk`, password: `not the password ${i}` }).toString() };
      }),
    );
    const flood = Promise.all(forms.map(({ browser, body }) => browser.request('POST', '/console/sign-in', body)));
    const graph = await fetch(`${host.base}/councils/${READING}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(graph.status).toBe(200);
    const answers = await flood;
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 401 || s === 429), statuses.join(',')).toBe(true);
    const overflow = answers.filter((a) => a.status === 429);
    expect(overflow.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    for (const a of overflow) {
      expect(a.headers.get('retry-after')).toBe('5');
      expect(a.html).toContain('Too many sign-ins are being checked right now. Wait a few seconds, then sign in again.');
      // Its form is usable again: a fresh login-CSRF token.
      expect(hiddenCsrf(a.html)).toBeTruthy();
    }
    expect(host.running.consoleAuth.accounts.find('ann@reading.gov.uk')!.failedAttempts).toBe(0);
    expect((await new Browser(host.base).signIn('ann@reading.gov.uk')).status).toBe(303);
  });
});
