// `npm run webhook -- … --national`: the operator's path to an app's national subscriptions, in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NationalSubscriptions } from '../../gateway/webhooks/national-subscriptions.js';
import { main } from '../../scripts/webhook.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-national-webhook-cli-'));
  db = join(dir, 'national-webhooks.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main([...argv, '--national', '--db', db], {}, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run webhook -- --national', () => {
  it('adds for an app (printing the secret once), lists, and removes, on the national database', () => {
    const added = run('add', 'reading-my-area', 'https://app.example/hook', '--councils', 'E06000038,E06000023');
    expect(added.code).toBe(0);
    const [id, secret] = added.out.split('\t');
    expect(id).toMatch(/^whn_/);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(added.err).toMatch(/not shown again/);
    expect(run('list', 'reading-my-area').out).toBe(`${id}\thttps://app.example/hook\tE06000023,E06000038\tactive\t0 failures in a row`);
    // What the app sees over HTTP with its key: the same subscription.
    const store = NationalSubscriptions.open(db);
    expect(store.list('reading-my-area').map((s) => s.id)).toEqual([id]);
    expect(store.list('another-app')).toEqual([]);
    store.close();
    expect(run('remove', 'another-app', id)).toMatchObject({ code: 1, err: expect.stringMatching(/no national webhook subscription/) });
    expect(run('remove', 'reading-my-area', id).code).toBe(0);
    expect(run('list', 'reading-my-area').out).toBe('');
  });

  it('refuses a bad URL, a bad council code and a bad client name, saying why', () => {
    expect(run('add', 'reading-my-area', 'https://me:pw@app.example/hook')).toMatchObject({ code: 1, err: expect.stringMatching(/user name or password/) });
    expect(run('add', 'reading-my-area', 'https://app.example/hook', '--councils', 'Reading')).toMatchObject({ code: 1, err: expect.stringMatching(/"Reading" is not a GSS council code/) });
    expect(run('add', 'Reading My Area', 'https://app.example/hook')).toMatchObject({ code: 2, err: expect.stringMatching(/client name/) });
    expect(run('list', 'reading-my-area', '--councils', 'E06000038').code).toBe(2);
  });
});
