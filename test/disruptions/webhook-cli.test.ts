// scripts/webhook.ts, called in-process (its main takes argv, env and the output streams).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/webhook.js';
import { WebhookSubscriptions } from '../../subgraphs/council/disruptions/webhooks.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-webhook-cli-'));
  db = join(dir, 'disruptions.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main([...argv, '--db', db], {}, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run webhook', () => {
  it('adds (printing the secret once), lists, pauses-and-resumes and removes', () => {
    const added = run('add', 'E06000038', 'https://app.example/hook');
    expect(added.code).toBe(0);
    const [id, secret] = added.out.split('\t');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(added.err).toMatch(/not shown again/);
    const listed = run('list', 'E06000038');
    expect(listed.out).toBe(`${id}\thttps://app.example/hook\tactive\t0 failures in a row`);
    expect(listed.out).not.toContain(secret);

    const store = WebhookSubscriptions.open(db);
    store.database.prepare("UPDATE webhook_subscriptions SET paused_at = '2026-12-01T07:00:00.000Z', consecutive_failures = 50").run();
    expect(run('list', 'E06000038').out).toContain('PAUSED since 2026-12-01T07:00:00.000Z');
    expect(run('resume', 'E06000038', id).code).toBe(0);
    expect(store.get('E06000038', id)).toMatchObject({ pausedAt: null, consecutiveFailures: 0 });
    store.close();

    expect(run('remove', 'E06000038', id).code).toBe(0);
    expect(run('list', 'E06000038').out).toBe('');
    expect(run('remove', 'E06000038', id)).toMatchObject({ code: 1, err: expect.stringMatching(/has no webhook subscription/) });
  });

  it('refuses a bad URL, a bad council code and a wrong command line, saying why', () => {
    expect(run('add', 'E06000038', 'javascript:alert(1)')).toMatchObject({ code: 1, err: expect.stringMatching(/https:\/\//) });
    expect(run('add', 'reading', 'https://app.example/hook')).toMatchObject({ code: 2, err: expect.stringMatching(/GSS council code/) });
    expect(run('frobnicate', 'E06000038').code).toBe(2);
    expect(run('add', 'E06000038').code).toBe(2);
  });
});
