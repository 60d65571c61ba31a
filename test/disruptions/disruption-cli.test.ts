// The documented command, run as a team would run it, against a council host over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { runScript } from '../support/script-bundle.js';

const READING = 'E06000038';

let dir: string;
let running: CouncilHostWithDisruptions;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-disruption-cli-'));
  running = await startCouncilHostWithDisruptions({
    sources: [new FixtureCouncilSource({ councilCode: READING, label: 'Reading-fixture', postcode: 'RG1 1AA', bankHolidays: loadShippedBankHolidays() })],
    dbPath: join(dir, 'disruptions.sqlite'),
    port: 0,
  });
  token = running.tokens.issueToken(READING);
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a script as a command in a child process (asynchronously: the host under test lives in this process). */
const run = (script: string, args: string[], env: Record<string, string> = {}) => runScript(script, args, { ...process.env, BINFO_TOKEN: '', BINFO_COUNCIL_HOST: '', ...env });

const cli = (args: string[], env: Record<string, string> = {}) => run('scripts/disruption.ts', args, env);

describe('scripts/disruption.ts', () => {
  it('posts, edits, lists and withdraws a disruption as documented', async () => {
    const post = await cli(
      [
        'post', '--host', running.host.url, '--council', READING, '--token', token,
        '--title', 'Snow: collections cancelled', '--reason', 'SEVERE_WEATHER', '--cancelled',
        '--from', '2026-12-01', '--to', '2026-12-02', '--postcodes', 'RG1,RG2 6', '--services', 'GENERAL_WASTE,RECYCLING',
        '--message', 'Take your bins in.', '--url', 'https://www.reading.gov.uk/snow',
      ],
    );
    expect(post.stderr).toBe('');
    expect(post.code).toBe(0);
    const id = /^Posted disruption (\S+)$/m.exec(post.stdout)?.[1];
    expect(id).toBeDefined();
    expect(post.stdout).toMatch(/Area\s+postcodes RG1, RG2 6/);
    expect(running.store.get(READING, id!)).toMatchObject({
      title: 'Snow: collections cancelled',
      reason: 'SEVERE_WEATHER',
      area: { kind: 'postcodes', postcodes: ['RG1', 'RG2 6'] },
      effect: { kind: 'cancelled' },
      serviceTypes: ['GENERAL_WASTE', 'RECYCLING'],
      startsOn: '2026-12-01',
      endsOn: '2026-12-02',
      message: 'Take your bins in.',
      url: 'https://www.reading.gov.uk/snow',
    });

    // Token and host from the environment; the council from the token; --json for scripts.
    const env = { BINFO_TOKEN: token, BINFO_COUNCIL_HOST: running.host.url };
    const edit = await cli(['edit', id!, '--delayed-days', '2', '--all-services', '--json'], env);
    expect(edit.code).toBe(0);
    expect(JSON.parse(edit.stdout).disruption).toMatchObject({ id, effect: { delayedDays: 2 }, serviceTypes: null, title: 'Snow: collections cancelled' });

    const list = await cli(['list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+\\w+\\s+2026-12-01 to 2026-12-02\\s+delayed 2 days\\s+Snow: collections cancelled$`, 'm'));

    const withdraw = await cli(['withdraw', id!], env);
    expect(withdraw.code).toBe(0);
    expect(withdraw.stdout).toMatch(/^Withdrew disruption /);
    expect(withdraw.stdout).toMatch(/Status\s+withdrawn/);
    expect(running.store.get(READING, id!)?.withdrawnAt).not.toBeNull();
  });

  it('exits 1 with the server’s message when the token is refused, writing nothing', async () => {
    const before = running.store.list(READING).length;
    const forged = `binfo_${READING}_${'A'.repeat(43)}`;
    const result = await cli(['post', '--host', running.host.url, '--token', forged, '--title', 'x', '--reason', 'OTHER', '--leave-out', '--from', '2026-12-01']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The token is not valid.*\(401 UNAUTHENTICATED\)/);
    expect(running.store.list(READING)).toHaveLength(before);
  });

  it('exits 1 listing the server’s problems for a bad disruption', async () => {
    const result = await cli(['post', '--host', running.host.url, '--token', token, '--title', 'x', '--reason', 'snow', '--leave-out', '--from', '2026-12-01', '--postcodes', 'XX']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}- reason: must be one of/m);
    expect(result.stderr).toMatch(/^ {2}- area\.postcodes\[0\]: "XX" is not a postcode/m);
  });

  it('exits 2 on a wrong command line without calling the host, and explains itself with --help', async () => {
    const missing = await cli(['post', '--host', running.host.url, '--token', token, '--cancelled']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/post needs --title, --reason, --from/);
    const twoEffects = await cli(['post', '--host', running.host.url, '--token', token, '--title', 'x', '--reason', 'OTHER', '--from', 'today', '--cancelled', '--leave-out']);
    expect(twoEffects.code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npx tsx scripts\/disruption\.ts/);
  });

  it('exits 1 saying so when the host cannot be reached', async () => {
    const result = await cli(['list', '--host', 'http://127.0.0.1:9', '--council', READING]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});

describe('scripts/council-token.ts', () => {
  it('issues a token that the running host accepts at once, and revokes it', async () => {
    const db = join(dir, 'disruptions.sqlite');
    const issued = await run('scripts/council-token.ts', ['issue', READING, '--db', db]);
    expect(issued.code).toBe(0);
    const fresh = issued.stdout.trim();
    expect(fresh).toMatch(/^binfo_E06000038_[A-Za-z0-9_-]{43}$/);
    expect(issued.stderr).toMatch(/cannot be shown again/);
    expect(running.tokens.verify(fresh)).toBe(READING);

    const revoked = await run('scripts/council-token.ts', ['revoke', READING], { BINFO_DISRUPTIONS_DB: db });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/Revoked 2 tokens of E06000038/); // the test's own token and the fresh one
    expect(running.tokens.verify(fresh)).toBeNull();
    token = running.tokens.issueToken(READING);

    expect((await run('scripts/council-token.ts', ['issue', 'reading', '--db', db])).code).toBe(2);
  });
});
